import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCommand, type Publisher, type StartOptions } from '../../../src/cli/start.js';
import type { Endpoint } from '../../../src/cli/failure.js';
import { derivedRunId } from '../../../src/handler/start.js';
import type { JsonObject } from '../../../src/json.js';

/** A valid chain file: the example the repository ships. */
const CHAIN = readFileSync(new URL('../../../dag/example.json', import.meta.url), 'utf8');

const EMULATOR: Endpoint = { service: 'pubsub', emulator: '127.0.0.1:9' };
const GOOGLE: Endpoint = { service: 'pubsub' };

/** A gRPC error as @google-cloud/pubsub rejects with. */
function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What one call printed, what it published and how it ended. */
interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  readonly published: { topic: string; command: JsonObject }[];
  readonly connected: boolean;
}

describe('dfchain start', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-start-'));
    writeFileSync(join(dir, 'daily.json'), CHAIN);
    writeFileSync(join(dir, 'weekly.json'), CHAIN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function start(
    options: Partial<StartOptions>,
    result: () => Promise<string>,
    endpoint: Endpoint = EMULATOR,
  ): Promise<Printed> {
    const out: string[] = [];
    const err: string[] = [];
    const published: { topic: string; command: JsonObject }[] = [];
    let connected = false;
    const publisher: Publisher = {
      endpoint,
      publish: (topic, command) => {
        published.push({ topic, command });
        return result();
      },
      close: () => Promise.resolve(),
    };
    const code = await startCommand(
      {
        projectId: 'p',
        topic: 'dfchain-events',
        chain: 'daily',
        input: { date: '2026-11-21' },
        chainsDir: dir,
        ...options,
      },
      () => {
        connected = true;
        return Promise.resolve(publisher);
      },
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err, published, connected };
  }

  const published = () => Promise.resolve('42');

  it('publishes the start command and prints the run id given', async () => {
    const printed = await start({ runId: 'daily-2026-11-21' }, published);
    assert.deepEqual(printed, {
      code: 0,
      out: [
        'published start of chain daily as message 42 on dfchain-events',
        'follow it: dfchain status daily-2026-11-21',
      ],
      err: [],
      published: [
        {
          topic: 'dfchain-events',
          command: {
            dfchain: 'start',
            chain: 'daily',
            runId: 'daily-2026-11-21',
            input: { date: '2026-11-21' },
          },
        },
      ],
      connected: true,
    });
  });

  it('without --run-id prints the id the function derives from the message id', async () => {
    const printed = await start({}, published);
    assert.equal(printed.code, 0);
    assert.deepEqual(printed.out, [
      'published start of chain daily as message 42 on dfchain-events',
      `follow it: dfchain status ${derivedRunId('daily', '42')}`,
    ]);
  });

  it('start of an unknown chain: refused before publishing, with did-you-mean, exit 1', async () => {
    const printed = await start({ chain: 'dialy' }, published);
    assert.deepEqual(printed, {
      code: 1,
      out: [],
      err: [
        `dfchain start: no chain "dialy" in the chains folder "${dir}" (chains: daily, weekly); did you mean "daily"? name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with`,
      ],
      published: [],
      connected: false,
    });
  });

  it('start of an unknown chain nothing resembles: no suggestion', async () => {
    const printed = await start({ chain: 'nosuchchain' }, published);
    assert.deepEqual(printed.err, [
      `dfchain start: no chain "nosuchchain" in the chains folder "${dir}" (chains: daily, weekly); name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with`,
    ]);
    assert.equal(printed.code, 1);
    assert.equal(printed.connected, false);
  });

  it('start with a chains folder that does not exist: the folder named, exit 1', async () => {
    const missing = join(dir, 'missing');
    const printed = await start({ chainsDir: missing }, published);
    assert.equal(printed.code, 1);
    assert.equal(printed.err.length, 1);
    assert.match(
      printed.err[0]!,
      /^dfchain start: chains folder ".*missing" \(.*\) does not exist;/,
    );
    assert.equal(printed.connected, false);
  });

  for (const runId of ['Bad ID!', 'x'.repeat(64), '-leading', '']) {
    it(`start with a bad run id (${JSON.stringify(runId.slice(0, 10))}): refused before publishing, exit 1`, async () => {
      const printed = await start({ runId }, published);
      assert.deepEqual(printed, {
        code: 1,
        out: [],
        err: [
          `dfchain start: --run-id ${JSON.stringify(runId)} is not a run id: use 1 to 63 lowercase letters, digits, "_" and "-", starting with a letter or digit (it becomes a Dataflow label value)`,
        ],
        published: [],
        connected: false,
      });
    });
  }

  it('start against an unreachable emulator: one line naming it, exit 1', async () => {
    const printed = await start({}, () =>
      Promise.reject(
        grpcError(
          14,
          '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:9',
        ),
      ),
    );
    assert.deepEqual(printed.err, [
      'dfchain start: cannot reach the Pub/Sub emulator at 127.0.0.1:9 (PUBSUB_EMULATOR_HOST): no connection; start the emulator, or correct or unset PUBSUB_EMULATOR_HOST',
    ]);
    assert.equal(printed.code, 1);
    assert.deepEqual(printed.out, []);
  });

  it('start against an unreachable Google: one line naming pubsub.googleapis.com, exit 1', async () => {
    const printed = await start(
      {},
      () => Promise.reject(grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded')),
      GOOGLE,
    );
    assert.deepEqual(printed.err, [
      'dfchain start: cannot reach Pub/Sub at pubsub.googleapis.com: no answer within 5 s; check the network connection and proxy (HTTPS_PROXY), or set PUBSUB_EMULATOR_HOST to use an emulator',
    ]);
    assert.equal(printed.code, 1);
  });

  it('a topic that does not exist: one line naming the topic, the project and the emulator', async () => {
    const printed = await start({ topic: 'no-such-topic' }, () =>
      Promise.reject(grpcError(5, '5 NOT_FOUND: Topic not found')),
    );
    assert.deepEqual(printed.err, [
      'dfchain start: topic "no-such-topic" does not exist in project p on the Pub/Sub emulator at 127.0.0.1:9 (PUBSUB_EMULATOR_HOST): create it on the emulator (the local stack, npm start, creates it), or name the events topic with --topic',
    ]);
    assert.equal(printed.code, 1);
  });

  it('a topic that does not exist on Google: the gcloud command that creates it', async () => {
    const printed = await start(
      {},
      () => Promise.reject(grpcError(5, '5 NOT_FOUND: Resource not found')),
      GOOGLE,
    );
    assert.deepEqual(printed.err, [
      'dfchain start: topic "dfchain-events" does not exist in project p on Pub/Sub at pubsub.googleapis.com: create it (gcloud pubsub topics create dfchain-events --project p), or name the events topic with --topic',
    ]);
  });

  it('start without credentials: what to run, exit 1', async () => {
    const printed = await start(
      {},
      () =>
        Promise.reject(
          new Error(
            'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
          ),
        ),
      GOOGLE,
    );
    assert.deepEqual(printed.err, [
      `dfchain start: no Google credentials to call Pub/Sub at pubsub.googleapis.com: run "gcloud auth application-default login", or set PUBSUB_EMULATOR_HOST to a running emulator's HOST:PORT`,
    ]);
    assert.equal(printed.code, 1);
  });

  it('a permission refused: the role to grant', async () => {
    const printed = await start(
      {},
      () => Promise.reject(grpcError(7, '7 PERMISSION_DENIED: User not authorized')),
      GOOGLE,
    );
    assert.deepEqual(printed.err, [
      'dfchain start: Pub/Sub at pubsub.googleapis.com denied the call for project p: grant roles/pubsub.publisher on the topic to the account of "gcloud auth application-default login" (or of GOOGLE_APPLICATION_CREDENTIALS)',
    ]);
  });
});
