import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import { LABEL_KEYS } from '../../../src/chain/labels.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { partDocId, partKey } from '../../../src/engine/part-names.js';
import { StoreTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { MAX_PARTS_PER_WRITE } from '../../../src/handler/parts.js';
import { createKit, jobEndedEvent, startEvent, storedRun, tickEvent, type Kit } from './kit.js';
import { createScopesKit, jobNameIn } from './scopes-kit.js';

const ITEMS = [10, 20, 30];
const partOf = (index: number) => partDocId('r1', partKey(`Each[${index}]`));
const jobOf = (index: number) => jobNameIn('each', 'work', `Each[${index}]/Work`);

/** Makes every store update of `docId` fail before writing, `times` times. */
function failUpdatesOf(kit: Kit, docId: string, times: number): sinon.SinonStub {
  const update = kit.store.update.bind(kit.store);
  let failed = 0;
  return sinon.stub(kit.store, 'update').callsFake(async (runId, change) => {
    if (runId === docId && failed < times) {
      failed++;
      throw new StoreTransientError(`local fault: update of ${docId}`);
    }
    return update(runId, change);
  });
}

async function endJob(kit: Kit, index: number, id = `m-end-${index}`): Promise<void> {
  const job = kit.dataflow.job(jobOf(index));
  job.currentState = 'JOB_STATE_DONE';
  await handleEvent(kit.deps, jobEndedEvent(job, id));
}

describe('handler: Map items in parts', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createScopesKit();
  });
  afterEach(() => sinon.restore());

  it("keeps each item's step in its own document, and labels the job with the part", async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));

    const root = await storedRun(kit.store, 'r1');
    assert.deepEqual(Object.keys(root.steps), [], "the Map's document holds no item step");
    assert.deepEqual(root.frames?.['']?.children?.started, 2);
    const first = await storedRun(kit.store, partOf(0));
    assert.deepEqual(Object.keys(first.steps), [jobOf(0)]);
    assert.equal(first.part?.root, 'r1');
    assert.equal(kit.dataflow.job(jobOf(0)).labels[LABEL_KEYS.part], partKey('Each[0]'));
    assert.equal(kit.dataflow.job(jobOf(0)).labels[LABEL_KEYS.run], 'r1');
    assert.deepEqual(
      (await kit.store.parts('r1')).map((part) => part.id).sort(),
      [partOf(0), partOf(1)].sort(),
    );
  });

  it("an item's success and its lane's next item are one write: a fault leaves neither, the redelivery writes both once", async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));
    const stub = failUpdatesOf(kit, partOf(0), 1);
    await assert.rejects(endJob(kit, 0), StoreTransientError);
    assert.equal((await storedRun(kit.store, partOf(0))).status, 'RUNNING');
    assert.equal(await kit.store.get(partOf(2)), undefined, 'no successor without the end');
    stub.restore();

    await endJob(kit, 0);
    await endJob(kit, 0, 'm-end-0-again');

    assert.equal((await storedRun(kit.store, partOf(0))).status, 'SUCCEEDED');
    assert.equal((await storedRun(kit.store, partOf(2))).status, 'RUNNING');
    const first = await kit.store.get(partOf(0));
    assert.deepEqual(
      first?.ended?.map((step) => step.jobName),
      [jobOf(0)],
      'kept in the part',
    );
    assert.deepEqual(await kit.store.history(partOf(0)), [], 'no history document for it');
    assert.deepEqual(await kit.store.history('r1'), []);
    assert.equal(kit.dataflow.jobs.filter((job) => job.name === jobOf(2)).length, 1);
    const root = await storedRun(kit.store, 'r1');
    assert.deepEqual(root.frames?.['']?.children?.failedItems, undefined);
  });

  it('the tick sends the report of a failed item whose delivery gave up, once no item runs', async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));
    const stub = failUpdatesOf(kit, 'r1', 1);
    const failed = kit.dataflow.job(jobOf(0));
    failed.currentState = 'JOB_STATE_FAILED';
    await assert.rejects(
      handleEvent(kit.deps, jobEndedEvent(failed, 'm-fail-0')),
      StoreTransientError,
    );
    stub.restore();
    assert.equal((await storedRun(kit.store, partOf(0))).status, 'FAILED');
    await endJob(kit, 1);
    assert.equal(
      (await storedRun(kit.store, 'r1')).status,
      'RUNNING',
      'the failure is not counted',
    );

    await handleEvent(kit.deps, tickEvent());

    const root = await storedRun(kit.store, 'r1');
    assert.equal(root.status, 'FAILED');
    assert.equal(root.error?.Error, 'Dataflow.JobFailed');
    assert.match(kit.logger.named('tick.done')[0]?.message ?? '', /2 Map item part\(s\) repaired/);
  });

  it("the tick starts a lane whose head's create was lost, once no item runs (a Map too wide for one write)", async () => {
    const wide: ChainDefinition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'W',
            States: {
              W: {
                Type: 'Task',
                Resource: 'dataflow:flexTemplate',
                Region: 'europe-west4',
                Parameters: { jobName: 'w', containerSpecGcsPath: 'gs://b/w.json' },
                End: true,
              },
            },
          },
          ResultPath: null,
          End: true,
        },
      },
    };
    kit = createKit({
      chains: new ChainCatalog([{ name: 'wide', file: 'wide.json', definition: wide }]),
    });
    const total = MAX_PARTS_PER_WRITE + 1;
    const lost = partOf(5);
    const create = kit.store.create.bind(kit.store);
    const stub = sinon
      .stub(kit.store, 'create')
      .callsFake((run, creates) =>
        run.id === lost
          ? Promise.reject(new StoreTransientError('local fault: create'))
          : create(run, creates),
      );
    const items = Array.from({ length: total }, (_, i) => i);
    await assert.rejects(
      handleEvent(kit.deps, startEvent({ chain: 'wide', input: { items } })),
      StoreTransientError,
    );
    stub.restore();
    assert.equal(await kit.store.get(lost), undefined);
    const name = (i: number) => jobNameIn('wide', 'w', `Each[${i}]/W`);
    for (const job of [...kit.dataflow.jobs]) {
      job.currentState = 'JOB_STATE_DONE';
      await handleEvent(kit.deps, jobEndedEvent(job, `m-${job.name}`));
    }
    assert.equal(kit.dataflow.jobs.length, total - 1);
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING', 'item 5 never started');

    await handleEvent(kit.deps, tickEvent());
    const job = kit.dataflow.job(name(5));
    job.currentState = 'JOB_STATE_DONE';
    await handleEvent(kit.deps, jobEndedEvent(job, 'm-5'));

    assert.equal((await storedRun(kit.store, 'r1')).status, 'SUCCEEDED');
    assert.equal(kit.dataflow.jobs.filter((j) => j.name === name(5)).length, 1);
  });

  it('a failing item stops its siblings: each running part is cancelled, and so is its job', async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));
    const job = kit.dataflow.job(jobOf(0));
    job.currentState = 'JOB_STATE_FAILED';
    await handleEvent(kit.deps, jobEndedEvent(job, 'm-fail-0'));

    assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
    assert.equal((await storedRun(kit.store, partOf(1))).status, 'CANCELLED');
    sinon.assert.calledWith(kit.dataflow.cancel, sinon.match.any, kit.dataflow.job(jobOf(1)).id);
  });

  it('the tick stops a part whose Map no longer waits for it (its stop was lost)', async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));
    failUpdatesOf(kit, partOf(1), 1);
    const job = kit.dataflow.job(jobOf(0));
    job.currentState = 'JOB_STATE_FAILED';
    await assert.rejects(
      handleEvent(kit.deps, jobEndedEvent(job, 'm-fail-0')),
      StoreTransientError,
    );
    assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
    assert.equal((await storedRun(kit.store, partOf(1))).status, 'RUNNING', 'the stop was lost');
    sinon.restore();

    await handleEvent(kit.deps, tickEvent());

    assert.equal((await storedRun(kit.store, partOf(1))).status, 'CANCELLED');
    sinon.assert.calledWith(kit.dataflow.cancel, sinon.match.any, kit.dataflow.job(jobOf(1)).id);
  });

  it('an item failing at once under a caught Map: the items spawned with it never launch', async () => {
    // Item 0 matches no Choice rule and fails inside its own spawn; the Map's Catch takes it
    // while the spawns of items 1 and 2 are still under way: their parts must launch nothing.
    const checked: ChainDefinition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Check',
            States: {
              Check: {
                Type: 'Choice',
                Choices: [{ Variable: '$', NumericGreaterThan: 0, Next: 'W' }],
              },
              W: {
                Type: 'Task',
                Resource: 'dataflow:flexTemplate',
                Region: 'europe-west4',
                Parameters: { jobName: 'w', containerSpecGcsPath: 'gs://b/w.json' },
                End: true,
              },
            },
          },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }],
          End: true,
        },
        Hold: { Type: 'Wait', Seconds: 3600, End: true },
      },
    };
    kit = createKit({
      chains: new ChainCatalog([{ name: 'checked', file: 'checked.json', definition: checked }]),
    });

    await handleEvent(kit.deps, startEvent({ chain: 'checked', input: { items: [0, 1, 2] } }));

    const root = await storedRun(kit.store, 'r1');
    assert.equal(root.frames?.['']?.state, 'Hold', "the Map's Catch took item 0's error");
    sinon.assert.notCalled(kit.dataflow.launch);
    for (const part of await kit.store.parts('r1')) {
      assert.notEqual(part.status, 'RUNNING', `${part.id} is left running`);
    }
  });
});
