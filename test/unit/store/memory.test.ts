import { strict as assert } from 'node:assert';
import { admissionContract } from '../../fixtures/admission-contract.js';
import { listRunsContract } from '../../fixtures/list-runs-contract.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { MAX_CONFLICTS } from '../../../src/store/optimistic.js';
import { StoreTransientError } from '../../../src/errors.js';
import { emptyRun, startDaily } from '../../fixtures/runs.js';

describe('MemoryRunStore', () => {
  it('creates once; a second create returns the stored run', async () => {
    const store = new MemoryRunStore();
    assert.deepEqual(await store.create(emptyRun()), { created: true, run: emptyRun() });
    const other = { ...emptyRun(), input: { date: 'x' } };
    assert.deepEqual(await store.create(other), { created: false, run: emptyRun() });
  });

  it('update sees undefined for a missing run and writes nothing when told so', async () => {
    const store = new MemoryRunStore();
    const seen = await store.update('nope', (run) => ({ result: run }));
    assert.equal(seen, undefined);
    assert.equal(await store.get('nope'), undefined);
  });

  it('concurrent updates never lose a write: the loser re-reads and applies its change again', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun());
    let calls = 0;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.update('r1', async (run) => {
          calls++;
          await new Promise((resolve) => setImmediate(resolve));
          return {
            run: { ...run!, steps: { ...run!.steps, [`s${i}`]: stepStub(`s${i}`) } },
            result: i,
          };
        }),
      ),
    );
    assert.equal(Object.keys((await store.get('r1'))!.steps).length, 10);
    assert.ok(calls > 10, 'conflicts made some changes run again');
  });

  it('gives up with a retryable error after a run of conflicts', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun());
    let attempts = 0;
    const rival = async () => {
      await store.update('r1', (run) => ({
        run: { ...run!, endTime: String(Math.random()) },
        result: 0,
      }));
    };
    await assert.rejects(
      store.update('r1', async (run) => {
        attempts++;
        await rival();
        return { run: { ...run!, status: 'FAILED' }, result: 0 };
      }),
      (error: unknown) => error instanceof StoreTransientError && error.retryable,
    );
    assert.equal(attempts, MAX_CONFLICTS);
  });

  it('lists running runs (and ended ones with jobs still in flight) and keeps definitions by hash', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun('a'));
    await store.create({ ...emptyRun('b'), status: 'SUCCEEDED' });
    const step = startDaily().run.steps;
    await store.create({ ...emptyRun('c'), status: 'FAILED', steps: step });
    assert.deepEqual(
      (await store.listRunning()).map((r) => r.id),
      ['a', 'c'],
    );
    await store.putDefinition('h', { StartAt: 'X', States: { X: { Type: 'Succeed' } } });
    assert.equal((await store.getDefinition('h'))?.StartAt, 'X');
    assert.equal(await store.getDefinition('other'), undefined);
  });
});

function stepStub(name: string) {
  return {
    state: name,
    attempt: 0,
    jobName: name,
    projectId: 'p',
    location: 'l',
    request: { launchParameter: { jobName: name } },
    status: 'INTENDED' as const,
    intendedAt: 't',
  };
}

describe('MemoryRunStore: listing runs', () => {
  it('lists root runs started since a time, newest first, at most limit, filtered', async () => {
    await listRunsContract(new MemoryRunStore());
  });
});

describe('MemoryRunStore: history and definitions', () => {
  it("appends each update's archived steps to the run's history, in order", async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun());
    await store.update('r1', (run) => ({ run: run!, result: 0, archive: [stepStub('s1')] }));
    assert.deepEqual(await store.history('r1'), [stepStub('s1')]);
    await store.update('r1', (run) => ({ run: run!, result: 0, archive: [stepStub('s2')] }));
    assert.deepEqual(await store.history('r1'), [stepStub('s1'), stepStub('s2')]);
  });

  it('an update that archives nothing appends nothing to the history', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun());
    await store.update('r1', (run) => ({ run: { ...run!, endTime: 'x' }, result: 0 }));
    assert.deepEqual(await store.history('r1'), []);
  });

  it('keeps the first definition stored under a hash, as Firestore creates it only once', async () => {
    const store = new MemoryRunStore();
    await store.putDefinition('h', { StartAt: 'X', States: { X: { Type: 'Succeed' } } });
    await store.putDefinition('h', { StartAt: 'Y', States: { Y: { Type: 'Succeed' } } });
    assert.equal((await store.getDefinition('h'))?.StartAt, 'X');
  });

  it('close answers with a promise that resolves', async () => {
    assert.equal(await new MemoryRunStore().close().then(() => 'closed'), 'closed');
  });
});

describe('MemoryRunStore: slots and lines', () => {
  let store: MemoryRunStore;
  beforeEach(() => {
    store = new MemoryRunStore();
  });
  admissionContract(() => store);
});
