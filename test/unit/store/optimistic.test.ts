import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import type { QueueEntry, SlotHold } from '../../../src/engine/admission.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { StoreTransientError } from '../../../src/errors.js';
import { CACHE_SIZE, MAX_CONFLICTS, OptimisticRunStore } from '../../../src/store/optimistic.js';
import type { VersionedRun, VersionedRunTable } from '../../../src/store/port.js';
import { emptyRun } from '../../fixtures/runs.js';

/** A second "instance" over the same stored runs, with a cache of its own. */
class Instance extends OptimisticRunStore {
  constructor(protected readonly table: VersionedRunTable) {
    super();
  }
  history(): Promise<Step[]> {
    return Promise.resolve([]);
  }
  parts(): Promise<Run[]> {
    return Promise.resolve([]);
  }
  groupParts(): Promise<Run[]> {
    return Promise.resolve([]);
  }
  groupRunning(): Promise<boolean> {
    return Promise.resolve(false);
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
  listRuns(): Promise<Run[]> {
    return Promise.resolve([]);
  }
  slots(): Promise<SlotHold[]> {
    return Promise.resolve([]);
  }
  waiters(): Promise<QueueEntry[]> {
    return Promise.resolve([]);
  }
  placeInLine(): Promise<number> {
    return Promise.resolve(0);
  }
  dropOrphanSlot(): Promise<boolean> {
    return Promise.resolve(false);
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

  describe('conflicts', () => {
    /**
     * A table where another writer wins the first `losses` conditional writes: each replace
     * fails as a moved-on version does, and every read shows the newer version.
     */
    class ContendedTable implements VersionedRunTable {
      version = 0;
      replaces = 0;
      reads = 0;
      run: Run = emptyRun();
      constructor(private readonly losses: number) {}
      read(): Promise<VersionedRun | undefined> {
        this.reads++;
        return Promise.resolve({ run: this.run, version: this.version });
      }
      insert(): Promise<unknown> {
        return Promise.resolve(undefined);
      }
      replace(run: Run, version: unknown): Promise<unknown> {
        this.replaces++;
        if (this.replaces <= this.losses || version !== this.version) {
          this.version++;
          return Promise.resolve(undefined);
        }
        this.run = run;
        return Promise.resolve(++this.version);
      }
    }

    it('pins its documented limits: 20 conflicts per update, 1000 runs cached', () => {
      assert.equal(MAX_CONFLICTS, 20);
      assert.equal(CACHE_SIZE, 1000);
    });

    it('succeeds when 19 other writers win in a row and the 20th attempt wins', async () => {
      const table = new ContendedTable(19);
      const store = new Instance(table);
      let attempts = 0;
      const result = await store.update('r1', (run) => {
        attempts++;
        return bump(run);
      });
      assert.equal(result, 'bumped');
      assert.equal(attempts, 20);
      assert.equal(table.replaces, 20);
      assert.equal(table.run.endTime, '1');
    });

    it('gives up after 20 lost conditional writes with a retryable StoreTransientError', async () => {
      const table = new ContendedTable(20);
      const store = new Instance(table);
      let attempts = 0;
      await assert.rejects(
        store.update('r1', (run) => {
          attempts++;
          return bump(run);
        }),
        (error: unknown) =>
          error instanceof StoreTransientError &&
          error.retryable &&
          error.message ===
            'run r1: 20 concurrent writers in a row won the race; the delivery will be retried',
      );
      assert.equal(attempts, 20);
      assert.equal(table.replaces, 20);
      assert.equal(table.run.endTime, undefined, 'nothing written');
    });
  });

  describe('the per-instance cache of versions', () => {
    it('forgets the least recently used run past 1000: its next update reads first, a recent one does not', async () => {
      const store = new MemoryRunStore();
      for (let i = 0; i <= 1000; i++) await store.create(emptyRun(`r${i}`));
      const reads = store.trips.reads;
      await store.update('r1000', bump);
      assert.equal(store.trips.reads, reads, 'r1000 is still cached');
      await store.update('r0', bump);
      assert.equal(store.trips.reads, reads + 1, 'r0 was dropped when r1000 came in');
    });

    it('reading a run makes it recent again, so it outlives runs touched before it', async () => {
      const store = new MemoryRunStore();
      for (let i = 0; i < 1000; i++) await store.create(emptyRun(`r${i}`));
      await store.get('r0');
      await store.create(emptyRun('r1000'));
      const reads = store.trips.reads;
      await store.update('r0', bump);
      assert.equal(store.trips.reads, reads, 'r0 was touched last but one');
      await store.update('r1', bump);
      assert.equal(store.trips.reads, reads + 1, 'r1 was the least recently used');
    });
  });

  describe('the per-instance cache of versions, at its edges', () => {
    /** The backing table of `store`, counting reads, with reads held while `hold` is set. */
    function counted(store: MemoryRunStore) {
      const table = shared(store);
      const counter = { reads: 0, hold: undefined as Promise<void> | undefined };
      const wrapped: VersionedRunTable = {
        read: async (runId) => {
          counter.reads++;
          const answer = await table.read(runId);
          if (counter.hold) await counter.hold;
          return answer;
        },
        insert: (run, creates, ops) => table.insert(run, creates, ops),
        replace: (run, version, archive, creates, ops) =>
          table.replace(run, version, archive, creates, ops),
      };
      return { counter, instance: new Instance(wrapped) };
    }

    it('holds exactly 1000 runs: the oldest of 1000 is still cached', async () => {
      const { counter, instance } = counted(new MemoryRunStore());
      for (let i = 0; i < 1000; i++) await instance.create(emptyRun(`r${i}`));
      await instance.update('r0', bump);
      assert.equal(counter.reads, 0);
    });

    it('using a cached version makes the run recent, even when the change then fails', async () => {
      const { counter, instance } = counted(new MemoryRunStore());
      for (let i = 0; i < 1000; i++) await instance.create(emptyRun(`r${i}`));
      await assert.rejects(
        instance.update('r0', () => {
          throw new Error('change failed');
        }),
        /change failed/,
      );
      await instance.create(emptyRun('r1000'));
      await instance.update('r0', bump);
      assert.equal(counter.reads, 0, 'r0 was used last but one');
      await instance.update('r1', bump);
      assert.equal(counter.reads, 1, 'r1 was the least recently used');
    });

    it('a run nobody stored takes no place in the cache, neither while it is read nor after', async () => {
      const { counter, instance } = counted(new MemoryRunStore());
      for (let i = 0; i < 999; i++) await instance.create(emptyRun(`r${i}`));
      let release = () => {};
      counter.hold = new Promise<void>((resolve) => (release = resolve));
      const ghost = instance.update('ghost', (run) => ({ result: run }));
      await instance.create(emptyRun('r999'));
      counter.hold = undefined;
      release();
      assert.equal(await ghost, undefined);
      const reads = counter.reads;
      await instance.update('r0', bump);
      assert.equal(counter.reads, reads, 'the 1000 stored runs are all still cached');
    });
  });

  describe('creating', () => {
    it('create of an existing run leaves it as stored and returns the stored run', async () => {
      const store = new MemoryRunStore();
      await store.create({ ...emptyRun(), endTime: 'first' });
      const again = await store.create({ ...emptyRun(), endTime: 'second' });
      assert.equal(again.created, false);
      assert.equal(again.run.endTime, 'first');
      assert.equal((await store.get('r1'))?.endTime, 'first');
    });

    it('an update of a run nobody stored inserts the run its change returns', async () => {
      const store = new MemoryRunStore();
      const result = await store.update('r1', (run) => ({
        run: run ?? { ...emptyRun(), endTime: 'new' },
        result: run === undefined ? 'inserted' : 'existed',
      }));
      assert.equal(result, 'inserted');
      assert.equal((await store.get('r1'))?.endTime, 'new');
    });

    it('a create the table refuses, of a run it then cannot find, answers with the run given, not created', async () => {
      const table: VersionedRunTable = {
        read: () => Promise.resolve(undefined),
        insert: () => Promise.resolve(undefined),
        replace: () => Promise.resolve(undefined),
      };
      const run = emptyRun();
      assert.deepEqual(await new Instance(table).create(run), { created: false, run });
    });

    it("two instances inserting one run at once: the loser runs its change again on the winner's run", async () => {
      const backing = new MemoryRunStore();
      const a = new Instance(shared(backing));
      const b = new Instance(shared(backing));
      const seen: (string | undefined)[] = [];
      const result = await a.update('r1', async (run) => {
        seen.push(run?.endTime);
        // b wins the race between a's read (nothing there) and a's insert.
        if (seen.length === 1) await b.create({ ...emptyRun(), endTime: 'b' });
        return {
          run: { ...(run ?? emptyRun()), status: 'FAILED' },
          result: run?.endTime ?? 'none',
        };
      });
      assert.deepEqual(seen, [undefined, 'b']);
      assert.equal(result, 'b');
      const stored = await backing.get('r1');
      assert.equal(stored?.endTime, 'b');
      assert.equal(stored?.status, 'FAILED');
    });
  });
});
