import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorUnavailable, startEmulator, type Emulator } from '../../src/local/emulators.js';
import { ROOT, runProgram, type Outcome } from './deploy/shell-script.js';

/** What the observed failures took (71 s, 44 s) must come down to this, startup included. */
const WITHIN_MS = 10_000;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port that accepts connections and never answers: a host that swallows packets, as seen by gRPC. */
async function silentPort(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stop: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('dfchain start and status against endpoints that fail (subprocess, timed)', function () {
  this.timeout(60_000);
  let home: string;
  before(() => {
    // No Application Default Credentials in an empty home.
    home = mkdtempSync(join(tmpdir(), 'dfchain-cli-home-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  /** Runs the CLI as a user does; returns what it printed and how long it took. */
  async function cli(
    args: string[],
    env: NodeJS.ProcessEnv,
  ): Promise<Outcome & { readonly ms: number }> {
    const started = Date.now();
    const outcome = await runProgram(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'], HOME: home, GOOGLE_CLOUD_PROJECT: 'p', ...env },
      },
    );
    return { ...outcome, ms: Date.now() - started };
  }

  /** One line on stderr, nothing on stdout, exit 1, within WITHIN_MS. */
  function assertOneLine(outcome: Outcome & { ms: number }, line: string): void {
    assert.deepEqual(
      { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr },
      { code: 1, stdout: '', stderr: `${line}\n` },
    );
    assert.ok(outcome.ms < WITHIN_MS, `took ${outcome.ms} ms`);
    console.log(`      (${outcome.ms} ms)`);
  }

  // Offline: spare the Google clients their metadata-server probe (ARCHITECTURE.md §5).
  const offline = { METADATA_SERVER_DETECTION: 'none' };

  it('start against an unreachable emulator: one line naming it, within 10 s', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const outcome = await cli(['start', 'example', '--chains-dir', 'dag'], {
      ...offline,
      PUBSUB_EMULATOR_HOST: host,
    });
    assertOneLine(
      outcome,
      `dfchain start: cannot reach the Pub/Sub emulator at ${host} (PUBSUB_EMULATOR_HOST): no connection; start the emulator, or correct or unset PUBSUB_EMULATOR_HOST`,
    );
  });

  it('status against an unreachable emulator: one line naming it, within 10 s', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const outcome = await cli(['status', 'r1'], { ...offline, FIRESTORE_EMULATOR_HOST: host });
    assertOneLine(
      outcome,
      `dfchain status: cannot reach the Firestore emulator at ${host} (FIRESTORE_EMULATOR_HOST): no answer within 5 s; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST`,
    );
  });

  it('start and status against an emulator host that never answers: one line each, within 10 s', async () => {
    const silent = await silentPort();
    try {
      const host = `127.0.0.1:${silent.port}`;
      // One after the other: two at once on a small machine would time the machine, not the CLI.
      const start = await cli(['start', 'example', '--chains-dir', 'dag'], {
        ...offline,
        PUBSUB_EMULATOR_HOST: host,
      });
      const status = await cli(['status', 'r1'], { ...offline, FIRESTORE_EMULATOR_HOST: host });
      assertOneLine(
        start,
        `dfchain start: cannot reach the Pub/Sub emulator at ${host} (PUBSUB_EMULATOR_HOST): no answer within 5 s; start the emulator, or correct or unset PUBSUB_EMULATOR_HOST`,
      );
      assertOneLine(
        status,
        `dfchain status: cannot reach the Firestore emulator at ${host} (FIRESTORE_EMULATOR_HOST): no answer within 5 s; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST`,
      );
    } finally {
      await silent.stop();
    }
  });

  it('status without credentials: one line saying what to run, no stack trace', async () => {
    // No METADATA_SERVER_DETECTION: the user's machine probes too.
    const outcome = await cli(['status', 'r1'], {});
    assertOneLine(
      outcome,
      `dfchain status: no Google credentials to call Firestore at firestore.googleapis.com: run "gcloud auth application-default login", or set FIRESTORE_EMULATOR_HOST to a running emulator's HOST:PORT`,
    );
  });

  it('status with DFCHAIN_STORE=memory: one line, exit 1, nothing called', async () => {
    const outcome = await cli(['status', 'r1'], { ...offline, DFCHAIN_STORE: 'memory' });
    assertOneLine(
      outcome,
      "dfchain status: DFCHAIN_STORE=memory keeps runs inside the function's own process, where this command cannot read them: run the local stack with the Firestore emulator (npm start -- --keep) and set FIRESTORE_EMULATOR_HOST to the host it prints, or unset DFCHAIN_STORE to read Firestore",
    );
  });

  it('start of an unknown chain and start with a bad run id: exit 1, nothing published', async () => {
    // An emulator host nothing listens on: a publish would fail with another line.
    const env = { ...offline, PUBSUB_EMULATOR_HOST: `127.0.0.1:${await closedPort()}` };
    const unknown = await cli(['start', 'nosuchchain', '--chains-dir', 'dag'], env);
    const badId = await cli(
      ['start', 'example', '--chains-dir', 'dag', '--run-id', 'Bad ID!'],
      env,
    );
    assertOneLine(
      unknown,
      'dfchain start: no chain "nosuchchain" in the chains folder "dag" (chains: example); name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with',
    );
    assertOneLine(
      badId,
      'dfchain start: --run-id "Bad ID!" is not a run id: use 1 to 63 lowercase letters, digits, "_" and "-", starting with a letter or digit (it becomes a Dataflow label value)',
    );
  });

  describe('with the Pub/Sub emulator', () => {
    let emulator: Emulator | undefined;
    before(async () => {
      // Required, as for every integration test: passing on a stand-in would prove nothing.
      const missing = emulatorUnavailable('pubsub');
      if (missing) throw new Error(`the Pub/Sub emulator is required: ${missing}`);
      emulator = await startEmulator('pubsub');
    });
    after(async () => {
      await emulator?.stop();
    });

    it('a topic that does not exist: one line naming the topic, the project and the emulator', async () => {
      const host = emulator!.host;
      const outcome = await cli(
        ['start', 'example', '--chains-dir', 'dag', '--topic', 'no-such-topic'],
        { ...offline, PUBSUB_EMULATOR_HOST: host },
      );
      assertOneLine(
        outcome,
        `dfchain start: topic "no-such-topic" does not exist in project p on the Pub/Sub emulator at ${host} (PUBSUB_EMULATOR_HOST): create it on the emulator (the local stack, npm start, creates it), or name the events topic with --topic`,
      );
    });

    it("without --topic, publishes to the function's DFCHAIN_TOPIC", async () => {
      const host = emulator!.host;
      const outcome = await cli(['start', 'example', '--chains-dir', 'dag'], {
        ...offline,
        PUBSUB_EMULATOR_HOST: host,
        DFCHAIN_TOPIC: 'events-of-this-deployment',
      });
      assertOneLine(
        outcome,
        `dfchain start: topic "events-of-this-deployment" does not exist in project p on the Pub/Sub emulator at ${host} (PUBSUB_EMULATOR_HOST): create it on the emulator (the local stack, npm start, creates it), or name the events topic with --topic`,
      );
    });
  });
});
