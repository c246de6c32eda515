import { strict as assert } from 'node:assert';
import type { Run, Step } from '../../../src/engine/run.js';
import { StoreTransientError } from '../../../src/errors.js';
import type { CrashPoint } from '../../../src/local/crash.js';
import { FaultyRunStore } from '../../../src/local/faulty-store.js';
import { MemoryRunStore } from '../../../src/store/memory.js';

const step = (status: Step['status']): Step => ({
  state: 'A',
  attempt: 0,
  jobName: 'a-0123456789ab',
  projectId: 'p',
  location: 'europe-west4',
  request: { launchParameter: { jobName: 'a-0123456789ab' } },
  status,
  intendedAt: '2026-11-22T10:00:00.000Z',
});

const run = (steps: Step[]): Run => ({
  id: 'r1',
  chain: 'c',
  definitionHash: 'h',
  projectId: 'p',
  input: {},
  status: 'RUNNING',
  startTime: '2026-11-22T10:00:00.000Z',
  steps: Object.fromEntries(steps.map((s) => [s.jobName, s])),
});

class Crashed extends Error {}

/** A store whose random source replays `rolls`, recording crashes instead of dying. */
function faulty(inner: MemoryRunStore, rolls: number[], rates = { faultRate: 0, crashRate: 0 }) {
  const crashes: CrashPoint[] = [];
  const store = new FaultyRunStore(inner, {
    ...rates,
    random: () => rolls.shift() ?? 0.99,
    crash: (point) => {
      crashes.push(point);
      throw new Crashed(point);
    },
  });
  return { store, crashes };
}

describe('local: FaultyRunStore', () => {
  it('fails before the call reaches the store: nothing is written', async () => {
    const inner = new MemoryRunStore();
    const { store } = faulty(inner, [0.1, 0.9], { faultRate: 0.2, crashRate: 0 });
    await assert.rejects(
      store.create(run([])),
      new StoreTransientError('local fault: store create r1 failed before it was sent'),
    );
    assert.equal(await inner.get('r1'), undefined);
  });

  it('fails after the call succeeded: the write happened, the answer is lost', async () => {
    const inner = new MemoryRunStore();
    const { store } = faulty(inner, [0.1, 0.1], { faultRate: 0.2, crashRate: 0 });
    await assert.rejects(
      store.create(run([])),
      new StoreTransientError('local fault: store create r1 ran but its answer was lost'),
    );
    assert.equal((await inner.get('r1'))?.id, 'r1');
  });

  it('crashes before committing an update: the stored run is unchanged', async () => {
    const inner = new MemoryRunStore();
    await inner.create(run([]));
    const { store, crashes } = faulty(inner, [0.99, 0.01], { faultRate: 0.2, crashRate: 0.05 });
    await assert.rejects(
      store.update('r1', (current) => ({ run: { ...current!, status: 'FAILED' }, result: 1 })),
      Crashed,
    );
    assert.deepEqual(crashes, ['before-commit']);
    assert.equal((await inner.get('r1'))?.status, 'RUNNING');
  });

  it('crashes after an update that recorded a new intent, once it is stored', async () => {
    const inner = new MemoryRunStore();
    await inner.create(run([]));
    const { store, crashes } = faulty(inner, [0.99, 0.99, 0.01], {
      faultRate: 0.2,
      crashRate: 0.05,
    });
    await assert.rejects(
      store.update('r1', (current) => ({
        run: { ...current!, steps: run([step('INTENDED')]).steps },
        result: 1,
      })),
      Crashed,
    );
    assert.deepEqual(crashes, ['after-intent']);
    assert.equal(Object.values((await inner.get('r1'))!.steps)[0]?.status, 'INTENDED');
  });

  it('never crashes after an update that added no intent', async () => {
    const inner = new MemoryRunStore();
    await inner.create(run([step('INTENDED')]));
    const { store, crashes } = faulty(inner, [0.99, 0.99, 0.01], {
      faultRate: 0.2,
      crashRate: 0.05,
    });
    const result = await store.update('r1', (current) => ({
      run: { ...current!, steps: run([step('LAUNCHED')]).steps },
      result: 7,
    }));
    assert.equal(result, 7);
    assert.deepEqual(crashes, []);
  });
});
