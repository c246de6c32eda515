import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalStack } from '../../src/local/stack.js';
const SCHEDULE_CHAINS = fileURLToPath(new URL('../fixtures/schedule-chains/', import.meta.url));
import { E2E_CHAINS, behaviours, runCli, startE2eStack, type CliRun } from './harness.js';

/** The one-line failure every command must give: one line on stderr, never a stack trace. */
function assertOneLine(ran: CliRun, pattern: RegExp): void {
  assert.notEqual(ran.code, 0, `exit code of a failure: ${ran.stdout}${ran.stderr}`);
  const lines = ran.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${ran.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(ran.stderr, /^\s+at /m, 'no stack trace');
}

describe('e2e: every dfchain command against the local stack', function () {
  this.timeout(180_000);
  let stack: LocalStack;

  /** The built CLI against the stack, without colour. */
  const dfchain = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
    runCli(stack, args, { NO_COLOR: '1', ...env });

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  describe('a run from start to logs', () => {
    const RUN = 'cli-sales';

    before(async () => {
      behaviours.set(RUN, () => ({ runMs: 100 }));
      const started = await dfchain([
        'start',
        'sales',
        '--run-id',
        RUN,
        '--input',
        '{"date":"2026-11-29"}',
      ]);
      assert.equal(started.code, 0, started.stderr);
      assert.equal(await stack.waitForRunEnd(RUN), 'run.succeeded');
    });

    it('status shows the succeeded run with its three jobs, and --graph colours its states', async () => {
      const ran = await dfchain(['status', RUN, '--json', '--graph']);
      assert.equal(ran.code, 0, ran.stderr);
      const shown = JSON.parse(ran.stdout) as { status: string; steps: unknown[]; graph: string };
      assert.equal(shown.status, 'SUCCEEDED');
      assert.equal(shown.steps.length, 3);
      assert.match(shown.graph, /^flowchart TD/m);
      assert.match(shown.graph, /succeeded/);
    });

    it('runs lists it', async () => {
      const ran = await dfchain(['runs', '--chain', 'sales', '--json']);
      assert.equal(ran.code, 0, ran.stderr);
      const runs = JSON.parse(ran.stdout) as { id: string; status: string }[];
      assert.deepEqual(
        runs.filter((run) => run.id === RUN).map((run) => run.status),
        ['SUCCEEDED'],
      );
    });

    it("logs prints the run's lines from the stack's Cloud Logging stand-in, oldest first, and the Logs Explorer URL", async () => {
      const ran = await dfchain(['logs', RUN]);
      assert.equal(ran.code, 0, ran.stderr);
      const events = ran.stdout
        .split('\n')
        .map((line) => line.split(/\s{2,}/)[2])
        .filter((event) => event !== undefined);
      assert.equal(events[0], 'run.started');
      assert.equal(events.at(-1), 'run.succeeded');
      assert.equal(events.filter((event) => event === 'job.launched').length, 3);
      assert.match(ran.stdout, /https:\/\/console\.cloud\.google\.com\/logs\/query;query=/);
    });
  });

  describe('the commands that read only the chain files', () => {
    it('validate checks the folder', async () => {
      const ran = await dfchain(['validate', '--chains-dir', E2E_CHAINS]);
      assert.equal(ran.code, 0, ran.stdout);
      assert.match(ran.stdout + ran.stderr, /\d+ chains valid/);
    });

    it('graph draws a chain, render shows its launches, sink-filter and deploy-facts read the folder', async () => {
      const graph = await dfchain(['graph', 'sales']);
      assert.equal(graph.code, 0, graph.stderr);
      assert.match(graph.stdout, /^flowchart TD/m);
      const render = await dfchain(['render', 'sales', '--json']);
      assert.equal(render.code, 0, render.stderr);
      assert.equal((JSON.parse(render.stdout) as unknown[]).length, 3);
      const filter = await dfchain(['sink-filter']);
      assert.equal(filter.code, 0, filter.stderr);
      assert.match(filter.stdout, /Worker pool stopped/);
      const facts = await dfchain(['deploy-facts', '--json']);
      assert.equal(facts.code, 0, facts.stderr);
      assert.deepEqual((JSON.parse(facts.stdout) as { regions: string[] }).regions, [
        'europe-west4',
      ]);
      const table = await dfchain(['config-table']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /\| `DFCHAIN_TOPIC` \|/);
    });
  });

  describe('bad input ends with one clear line and a non-zero exit', () => {
    it('an unknown run', async () => {
      assertOneLine(await dfchain(['status', 'no-such-run']), /no-such-run/);
      assertOneLine(
        await dfchain(['redrive', 'no-such-run']),
        /^dfchain redrive: no run no-such-run/,
      );
    });

    it('an unknown chain', async () => {
      assertOneLine(await dfchain(['start', 'salse']), /salse.*did you mean.*sales/i);
      assertOneLine(await dfchain(['graph', 'salse']), /salse/);
    });

    it('malformed input JSON', async () => {
      assertOneLine(
        await dfchain(['start', 'sales', '--input', '{"date":']),
        /--input: not JSON \(.*\); give a JSON object/,
      );
      assertOneLine(
        await dfchain(['start', 'sales', '--input', '[1]']),
        /--input must be a JSON object/,
      );
    });

    it('an unreachable emulator', async () => {
      const away = { FIRESTORE_EMULATOR_HOST: '127.0.0.1:1', PUBSUB_EMULATOR_HOST: '127.0.0.1:1' };
      assertOneLine(await dfchain(['status', 'cli-sales'], away), /127\.0\.0\.1:1/);
      assertOneLine(await dfchain(['start', 'sales'], away), /127\.0\.0\.1:1/);
    });

    it('a bad cron or time zone: validate names the place, backfill refuses the chain', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dfchain-cron-'));
      try {
        const nightly = JSON.parse(
          await readFile(join(SCHEDULE_CHAINS, 'nightly.json'), 'utf8'),
        ) as Record<string, unknown>;
        nightly['Schedule'] = { Cron: '0 24 * * *', TimeZone: 'Europe/Pariss' };
        delete nightly['$schema'];
        await writeFile(join(dir, 'nightly.json'), JSON.stringify(nightly));
        const ran = await dfchain(['validate', '--chains-dir', dir]);
        assert.equal(ran.code, 1);
        assert.match(
          ran.stdout,
          /nightly\.json: Schedule\.Cron: "0 24 \* \* \*": the hour 24 is out of range 0-23/,
        );
        assert.match(
          ran.stdout,
          /nightly\.json: Schedule\.TimeZone: "Europe\/Pariss" .*did you mean "Europe\/Paris"/,
        );
        assertOneLine(
          await dfchain([
            'backfill',
            'nightly',
            '--from',
            '2026-01-01',
            '--to',
            '2026-01-02',
            '--chains-dir',
            dir,
          ]),
          /invalid chain files \(nightly\.json\).*dfchain validate --chains-dir/,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('an unreachable API', async () => {
      // A port that was just free: nothing listens on it (fetch refuses "bad ports" such as 1).
      const closed = await new Promise<number>((resolve) => {
        const server = createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => resolve(port));
        });
      });
      const root = `http://127.0.0.1:${closed}/`;
      assertOneLine(
        await dfchain(['logs', 'cli-sales'], { DFCHAIN_LOGGING_ROOT_URL: root }),
        new RegExp(`cannot reach .*127\\.0\\.0\\.1:${closed}`),
      );
      // validate --remote reports each chain on stderr as it goes; the refusal is one more line.
      const remote = await dfchain(['validate', '--remote'], { DFCHAIN_DATAFLOW_ROOT_URL: root });
      assert.notEqual(remote.code, 0);
      assert.match(remote.stdout + remote.stderr, new RegExp(`127\\.0\\.0\\.1:${closed}`));
      assert.doesNotMatch(remote.stderr, /^\s+at /m, 'no stack trace');
    });

    it('an unknown command or option', async () => {
      const command = await dfchain(['stauts']);
      assert.equal(command.code, 2);
      assert.match(command.stderr, /did you mean/);
      assertOneLine(await dfchain(['runs', '--sinse', '1h']), /unknown option '--sinse'/);
    });
  });
});
