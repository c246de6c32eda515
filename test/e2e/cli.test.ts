import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
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

    it('an unknown command or option', async () => {
      const command = await dfchain(['stauts']);
      assert.equal(command.code, 2);
      assert.match(command.stderr, /did you mean/);
      assertOneLine(await dfchain(['runs', '--sinse', '1h']), /unknown option '--sinse'/);
    });
  });
});
