import { launchesOf } from '../../src/engine/transition.js';
import { strict as assert } from 'node:assert';
import { Firestore } from '@google-cloud/firestore';
import type { EndedJob } from '../../src/dataflow/job.js';
import { jobLabels } from '../../src/engine/labels.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import type { Run } from '../../src/engine/run.js';
import { startRun } from '../../src/engine/start.js';
import type { Transition } from '../../src/engine/transition.js';
import { startEmulator, type Emulator } from '../../src/local/emulators.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import type { ChainDefinition, State } from '../../src/chain/types.js';
import { StorePermanentError } from '../../src/errors.js';
import { admissionContract } from '../fixtures/admission-contract.js';
import { listRunsContract } from '../fixtures/list-runs-contract.js';
import { threeSteps } from '../fixtures/chains.js';

const PROJECT = 'dfchain-it';

describe('FirestoreRunStore against the Firestore emulator', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let db: Firestore;
  let store: FirestoreRunStore;

  before(async () => {
    emulator = await startEmulator('firestore');
    db = new Firestore({ projectId: PROJECT, host: emulator.host, ssl: false, credentials: {} });
    store = new FirestoreRunStore(db);
  });

  after(async () => {
    await store?.close();
    await emulator?.stop();
  });

  beforeEach(async () => {
    await fetch(
      `http://${emulator.host}/emulator/v1/projects/${PROJECT}/databases/(default)/documents`,
      {
        method: 'DELETE',
      },
    );
  });

  function started(runId: string): Run {
    return startRun({
      runId,
      chain: 'daily',
      definition: threeSteps,
      definitionHash: 'h1',
      projectId: PROJECT,
      nonce: 'n',
      input: { date: '2026-11-21', 'odd.key': { __reserved__: 1 } },
      now: '2026-11-22T10:00:00.000Z',
    }).run;
  }

  describe('slots and lines', () => {
    admissionContract(() => store);
  });

  it('round-trips a run whose input has keys Firestore treats specially', async () => {
    const run = started('r-roundtrip');
    assert.deepEqual(await store.create(run), { created: true, run });
    assert.deepEqual(await store.get('r-roundtrip'), run);
  });

  it('concurrent starts with one run id create exactly one run', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.create(started('r-start'))),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
  });

  it('concurrent duplicate job-ended transitions produce exactly one launch intent', async () => {
    await store.create(started('r-dup'));
    const ingest = Object.values((await store.get('r-dup'))!.steps)[0]!;
    const job: EndedJob = {
      id: 'job-1',
      name: ingest.jobName,
      projectId: PROJECT,
      location: ingest.location,
      currentState: 'JOB_STATE_DONE',
      labels: jobLabels('r-dup', 'daily', 'Ingest'),
    };
    const transitions = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.update<Transition>('r-dup', (run) => {
          const t = onJobEnded(threeSteps, run!, job, '2026-11-22T10:05:00.000Z');
          return t.changed ? { run: t.run, archive: t.archived, result: t } : { result: t };
        }),
      ),
    );
    const launches = transitions.flatMap((t) => launchesOf(t));
    assert.equal(launches.length, 1, 'exactly one invocation was told to launch');
    const stored = (await store.get('r-dup'))!;
    const history = await store.history('r-dup');
    assert.deepEqual(
      [...history, ...Object.values(stored.steps)].map((s) => [s.state, s.status]),
      [
        ['Ingest', 'SUCCEEDED'],
        ['Transform', 'INTENDED'],
      ],
    );
    assert.equal(launches[0]?.step.jobName, Object.values(stored.steps)[0]?.jobName);
  });

  it('stores definitions by hash, idempotently', async () => {
    await store.putDefinition('abc', threeSteps);
    await store.putDefinition('abc', threeSteps);
    assert.deepEqual(await store.getDefinition('abc'), threeSteps);
    assert.equal(await store.getDefinition('missing'), undefined);
  });

  it('stores the definition of a 10,000-state chain, over 1 MiB as JSON, compressed', async () => {
    const States: Record<string, State> = {};
    for (let i = 0; i < 10_000; i++) {
      States[`S${i}`] = {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Parameters: { jobName: `step-${i}`, containerSpecGcsPath: 'gs://b/templates/step.json' },
        ...(i < 9_999 ? { Next: `S${i + 1}` } : { End: true as const }),
      };
    }
    const long: ChainDefinition = { StartAt: 'S0', Defaults: { Region: 'europe-west4' }, States };
    assert.ok(JSON.stringify(long).length > 1024 * 1024);
    await store.putDefinition('long', long);
    assert.deepEqual(await store.getDefinition('long'), long);
  });

  it('refuses a run over 1 MiB for good: retrying cannot help', async () => {
    const huge = { ...started('r-huge'), input: { blob: 'x'.repeat(1_100_000) } };
    await assert.rejects(
      store.create(huge),
      (error: unknown) => error instanceof StorePermanentError && !error.retryable,
    );
  });

  it('lists running runs, and ended runs only while jobs are still in flight (unsettled)', async () => {
    await store.create(started('r-a'));
    await store.create({ ...started('r-b'), status: 'SUCCEEDED', steps: {} });
    await store.create({ ...started('r-c'), status: 'FAILED' });
    assert.deepEqual((await store.listRunning()).map((r) => r.id).sort(), ['r-a', 'r-c']);
  });

  it('lists root runs by one range query on startTime, paging past parts, newest first', async () => {
    await listRunsContract(store);
  });
});
