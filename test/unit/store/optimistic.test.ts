import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { OptimisticRunStore } from '../../../src/store/optimistic.js';
import type { VersionedRunTable } from '../../../src/store/port.js';
import { emptyRun } from '../../fixtures/runs.js';

/** A second "instance" over the same stored runs, with a cache of its own. */
class Instance extends OptimisticRunStore {
  constructor(protected readonly table: VersionedRunTable) {
    super();
  }
  history(): Promise<Step[]> {
    return Promise.resolve([]);
  }
  putDefinition(): Promise<void> {
    return Promise.resolve();
  }
  getDefinition(): Promise<ChainDefinition | undefined> {
    return Promise.resolve(undefined);
  }
  listRunning(): Promise<Run[]> {
    return Promise.resolve([]);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function shared(store: MemoryRunStore): VersionedRunTable {
  return (store as unknown as { table: VersionedRunTable }).table;
}

const bump = (run: Run | undefined) => ({
  run: { ...run!, endTime: `${Number(run!.endTime ?? 0) + 1}` },
  result: 'bumped',
});

describe('OptimisticRunStore', () => {
  it('an instance updating a run it just wrote makes one conditional write and no read', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun());
    const before = { ...store.trips };
    await store.update('r1', bump);
    await store.update('r1', bump);
    assert.deepEqual(store.trips, { reads: before.reads, writes: before.writes + 2 });
    assert.equal((await store.get('r1'))?.endTime, '2');
  });

  it('a stale remembered version costs a failed write and a fresh read, never a lost update', async () => {
    const backing = new MemoryRunStore();
    const a = new Instance(shared(backing));
    const b = new Instance(shared(backing));
    await a.create(emptyRun());
    await b.update('r1', bump);
    await a.update('r1', bump);
    assert.equal((await backing.get('r1'))?.endTime, '2');
  });

  it('a no-op decided on a remembered version is checked against a fresh read', async () => {
    const backing = new MemoryRunStore();
    const a = new Instance(shared(backing));
    const b = new Instance(shared(backing));
    await a.create(emptyRun());
    await b.update('r1', (run) => ({ run: { ...run!, status: 'SUCCEEDED' }, result: null }));
    // On a's stale copy the run is RUNNING; the truth says SUCCEEDED.
    const seen = await a.update('r1', (run) => ({ result: run?.status }));
    assert.equal(seen, 'SUCCEEDED');
  });
});
