import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { Endpoint } from '../../../src/cli/failure.js';
import { MEMORY_STORE_LINE, memoryStoreRefusal } from '../../../src/cli/status-store.js';
import { runView, statusCommand } from '../../../src/cli/status.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { StoreTransientError } from '../../../src/errors.js';
import type { RunStore } from '../../../src/store/port.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';

const EMULATOR: Endpoint = { service: 'firestore', emulator: '127.0.0.1:9' };
const GOOGLE: Endpoint = { service: 'firestore' };

/** How FirestoreRunStore wraps a client error: in the function's wording, the error as cause. */
function storeError(cause: unknown): StoreTransientError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StoreTransientError(
    `Firestore read failed: ${detail}; the delivery will be retried (check FIRESTORE_EMULATOR_HOST or the function's roles/datastore.user)`,
    { cause },
  );
}

function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What one call printed and returned. */
interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

async function status(store: RunStore, endpoint: Endpoint, json = false): Promise<Printed> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await statusCommand(
    store,
    'r1',
    { json, endpoint, projectId: 'p' },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

/** A store whose first read fails with `error`. */
function failing(error: unknown): RunStore {
  const store = new MemoryRunStore();
  sinon.stub(store, 'get').rejects(error);
  return store;
}

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:01:00.000Z';
const T2 = '2026-11-22T10:05:00.000Z';

/** Ingest's job: launched at T1, in flight. */
const inFlight: Step = {
  state: 'Ingest',
  attempt: 0,
  jobName: 'ingest-0123456789ab',
  projectId: 'p',
  location: 'europe-west4',
  request: { launchParameter: { jobName: 'ingest-0123456789ab' } },
  status: 'LAUNCHED',
  intendedAt: T0,
  jobId: 'j-ingest',
  launchedAt: T1,
};

/** The same job, ended at T2: the copy the history holds. */
const endedCopy: Step = {
  ...inFlight,
  status: 'SUCCEEDED',
  endedAt: T2,
  jobState: 'JOB_STATE_DONE',
};

describe('dfchain status, when something is wrong', () => {
  afterEach(() => sinon.restore());

  it('status without credentials: one line saying what to run, exit 1', async () => {
    const printed = await status(
      failing(
        storeError(
          new Error(
            'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
          ),
        ),
      ),
      GOOGLE,
    );
    assert.deepEqual(printed, {
      code: 1,
      out: [],
      err: [
        `dfchain status: no Google credentials to call Firestore at firestore.googleapis.com: run "gcloud auth application-default login", or set FIRESTORE_EMULATOR_HOST to a running emulator's HOST:PORT`,
      ],
    });
  });

  it('status with DFCHAIN_STORE=memory: says the runs are inside the function process, and where to look', () => {
    assert.equal(memoryStoreRefusal({ DFCHAIN_STORE: 'memory' }), MEMORY_STORE_LINE);
    assert.equal(
      MEMORY_STORE_LINE,
      "dfchain status: DFCHAIN_STORE=memory keeps runs inside the function's own process, where this command cannot read them: run the local stack with the Firestore emulator (npm start -- --keep) and set FIRESTORE_EMULATOR_HOST to the host it prints, or unset DFCHAIN_STORE to read Firestore",
    );
    assert.equal(memoryStoreRefusal({ DFCHAIN_STORE: 'firestore' }), undefined);
    assert.equal(memoryStoreRefusal({}), undefined);
  });

  it("status against an unreachable emulator: one line naming it, not the function's retry wording, exit 1", async () => {
    const printed = await status(
      failing(
        storeError(
          grpcError(
            14,
            '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:9',
          ),
        ),
      ),
      EMULATOR,
    );
    assert.deepEqual(printed, {
      code: 1,
      out: [],
      err: [
        'dfchain status: cannot reach the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST): no connection; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST',
      ],
    });
  });

  it('status against a silent endpoint: gives up at the deadline, naming it', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = new MemoryRunStore();
    sinon.stub(store, 'get').returns(new Promise<Run | undefined>(() => undefined));
    const pending = status(store, GOOGLE);
    await clock.tickAsync(5_000);
    assert.deepEqual(await pending, {
      code: 1,
      out: [],
      err: [
        'dfchain status: cannot reach Firestore at firestore.googleapis.com: no answer within 5 s; check the network connection and proxy (HTTPS_PROXY), or set FIRESTORE_EMULATOR_HOST to use an emulator',
      ],
    });
  });

  it('a refused read of another kind: the client error, not the store wrapper', async () => {
    const printed = await status(
      failing(
        storeError(
          grpcError(5, '5 NOT_FOUND: The database (default) does not exist for project p'),
        ),
      ),
      GOOGLE,
    );
    assert.deepEqual(printed.err, [
      'dfchain status: Firestore at firestore.googleapis.com failed: 5 NOT_FOUND: The database (default) does not exist for project p',
    ]);
    assert.equal(printed.code, 1);
  });

  it('no such run: the place it looked in, exit 1', async () => {
    const printed = await status(new MemoryRunStore(), EMULATOR);
    assert.deepEqual(printed, {
      code: 1,
      out: [],
      err: [
        'dfchain status: no run "r1" in the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST): check the run id, GOOGLE_CLOUD_PROJECT and FIRESTORE_EMULATOR_HOST',
      ],
    });
  });

  it('a step read twice: in flight in the run, ended in the history read after it, shows once, ended', async () => {
    const store = new MemoryRunStore();
    const run: Run = { ...emptyRun(), steps: { [inFlight.jobName]: inFlight } };
    sinon.stub(store, 'get').resolves(run);
    // The job ended between the two reads: the history already holds it.
    sinon.stub(store, 'history').resolves([endedCopy]);
    const printed = await status(store, EMULATOR, true);
    assert.equal(printed.code, 0);
    const view = JSON.parse(printed.out[0]!) as { steps: { jobName: string; status: string }[] };
    assert.deepEqual(
      view.steps.map((s) => [s.jobName, s.status]),
      [['ingest-0123456789ab', 'SUCCEEDED']],
    );
  });

  it('a step read twice among ended copies (the history and a part): shows once, the first read', () => {
    const part: Run = {
      ...emptyRun('r1.0123456789abcdef0123'),
      status: 'SUCCEEDED',
      ended: [{ ...endedCopy, endedAt: T1 }],
    };
    const view = runView(emptyRun(), [endedCopy], [part]);
    assert.deepEqual(
      view.steps.map((s) => [s.jobName, s.status, s.endedAt]),
      [['ingest-0123456789ab', 'SUCCEEDED', T2]],
    );
  });
});
