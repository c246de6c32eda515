import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { Run } from '../../../src/engine/run.js';
import { unchanged, type Transition } from '../../../src/engine/transition.js';
import { RunWriteQueue } from '../../../src/handler/coalesce.js';
import { StoreTransientError } from '../../../src/errors.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';

/** A change that appends `tag` to the run's input list `seen`. */
function tagging(tag: string) {
  return (run: Run): Transition => {
    const seen = [...((run.input['seen'] as string[] | undefined) ?? []), tag];
    return { ...unchanged(run), run: { ...run, input: { seen } }, changed: true };
  };
}

describe('handler: RunWriteQueue', () => {
  it('joins the changes that arrive while a write is in flight into the next single write, in order', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun('r1'));
    const update = sinon.spy(store, 'update');
    const queue = new RunWriteQueue(store, (t) => t);
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((tag) => queue.apply('r1', tagging(tag))),
    );
    // The first write goes alone; the three that came meanwhile share the next one.
    assert.equal(update.callCount, 2);
    assert.deepEqual((await store.get('r1'))?.input, { seen: ['a', 'b', 'c', 'd'] });
    assert.deepEqual(
      results.map((t) => t?.run.input['seen']),
      [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c', 'd']],
      'each caller gets its own transition, over the run the earlier changes left',
    );
  });

  it('writes nothing when no change of a batch changed the run, and answers undefined for a missing run', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun('r1'));
    const queue = new RunWriteQueue(store, (t) => t);
    const same = await queue.apply('r1', (run) => unchanged(run));
    assert.equal(same?.changed, false);
    assert.equal(await queue.apply('nope', tagging('x')), undefined);
  });

  it('fails every caller of a batch whose write failed, and serves the next batch afresh', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun('r1'));
    const stub = sinon.stub(store, 'update');
    stub.onFirstCall().rejects(new StoreTransientError('unavailable'));
    stub.callThrough();
    const queue = new RunWriteQueue(store, (t) => t);
    const outcomes = await Promise.allSettled([
      queue.apply('r1', tagging('a')),
      queue.apply('r1', tagging('b')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'fulfilled'],
    );
    assert.deepEqual((await store.get('r1'))?.input, { seen: ['b'] });
  });

  it('applies `prepare` to every change before it is stored', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun('r1'));
    const queue = new RunWriteQueue(store, (t) => ({ ...t, run: { ...t.run, chain: 'prepared' } }));
    await queue.apply('r1', tagging('a'));
    assert.equal((await store.get('r1'))?.chain, 'prepared');
  });
});
