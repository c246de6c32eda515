import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { cancelRun } from '../../../src/engine/cancel.js';
import { MAX_READER_ITEMS, MAX_READER_ITEM_BYTES } from '../../../src/engine/item-request.js';
import { onItemsRead, pendingReads, type ItemsOutcome } from '../../../src/engine/items-read.js';
import { itemSpawns } from '../../../src/engine/part.js';
import { redriveDoc } from '../../../src/engine/redrive.js';
import type { Run } from '../../../src/engine/run.js';
import { onTimer } from '../../../src/engine/timer.js';
import type { ReadItemsEffect, Transition } from '../../../src/engine/transition.js';
import {
  at,
  carryOut,
  endJob,
  launchForest,
  partAt,
  rootOf,
  spawnsOf,
  start,
  stepFor,
  task,
} from './drive.js';

/** A Map over the files under $.prefix matching *.csv, two at a time, one job per file. */
function files(extra: Record<string, unknown> = {}): ChainDefinition {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemReader: {
          Resource: 'gcs:listObjects',
          Parameters: { bucket: 'drops', 'prefix.$': '$.prefix', matchGlob: '**.csv' },
        },
        ItemSelector: { 'file.$': '$$.Map.Item.Value.name', 'date.$': '$.date' },
        MaxConcurrency: 2,
        ItemProcessor: { StartAt: 'Load', States: { Load: task('load') } },
        ...extra,
        End: true,
      },
    },
  } as ChainDefinition;
}

const INPUT = { prefix: 'in/2026-11-21/', date: '2026-11-21' };

function readOf(t: Transition): ReadItemsEffect {
  const reads = t.effects.filter((e): e is ReadItemsEffect => e.kind === 'readItems');
  assert.equal(reads.length, 1, 'one read asked for');
  return reads[0]!;
}

function answer(
  def: ChainDefinition,
  run: Run,
  read: ReadItemsEffect,
  outcome: ItemsOutcome,
  s = 1,
) {
  return onItemsRead(def, run, { scope: read.scope, id: read.id }, outcome, at(s));
}

const ITEMS = [{ name: 'in/a.csv' }, { name: 'in/b.csv' }, { name: 'in/c.csv' }];

describe('engine/items-read', () => {
  it('a Map with an ItemReader asks for its items with its Parameters resolved, and waits on "items"', () => {
    const started = start(files(), INPUT);
    const read = readOf(started);
    assert.deepEqual(read.request, {
      resource: 'gcs:listObjects',
      bucket: 'drops',
      prefix: 'in/2026-11-21/',
      matchGlob: '**.csv',
    });
    assert.equal(read.scope, '');
    assert.match(read.id, /^items-[0-9a-f]{32}$/);
    const frame = started.run.frames?.[''];
    assert.equal(frame?.wait, 'items');
    assert.deepEqual(frame?.reader, { id: read.id, request: read.request });
    assert.deepEqual(pendingReads(started.run), [read]);
  });

  it('the items start MaxConcurrency at a time, each item its value in $$.Map.Item.Value, and are kept on the frame', () => {
    const def = files();
    const started = start(def, INPUT);
    const read = readOf(started);
    const t = answer(def, started.run, read, { items: ITEMS });
    assert.ok(t.changed);
    const spawns = spawnsOf(t);
    assert.deepEqual(
      spawns.map((s) => s.input),
      [
        { file: 'in/a.csv', date: '2026-11-21' },
        { file: 'in/b.csv', date: '2026-11-21' },
      ],
    );
    const frame = t.run.frames?.[''];
    assert.equal(frame?.wait, 'children');
    assert.equal(frame?.reader, undefined);
    assert.deepEqual(frame?.children?.items, ITEMS);
    assert.equal(frame?.children?.total, 3);
    assert.deepEqual(pendingReads(t.run), []);
    // The third item is read from the frame, not from the input (which holds no array).
    const forest = carryOut(def, t, at(1));
    assert.equal(forest.docs.size, 3);
  });

  it('a second result for the same read, or one for another read, changes nothing', () => {
    const def = files();
    const started = start(def, INPUT);
    const read = readOf(started);
    const first = answer(def, started.run, read, { items: ITEMS });
    assert.equal(answer(def, first.run, read, { items: [] }).changed, false);
    assert.equal(
      onItemsRead(def, started.run, { scope: '', id: 'items-other' }, { items: [] }, at(1)).changed,
      false,
    );
    const cancelled = cancelRun(def, started.run, 'stop', at(1));
    assert.equal(answer(def, cancelled.run, read, { items: ITEMS }).changed, false);
  });

  it('no items: the Map succeeds at once with []', () => {
    const def = files();
    const started = start(def, INPUT);
    const t = answer(def, started.run, readOf(started), { items: [] });
    assert.equal(t.run.status, 'SUCCEEDED');
    assert.deepEqual(t.run.output, []);
  });

  it('a failed read fails the Map with its error; a Catch takes it', () => {
    const error = { Error: 'States.ItemReaderFailed', Cause: 'gs://drops/x.json: no such object' };
    const def = files();
    const started = start(def, INPUT);
    const failed = answer(def, started.run, readOf(started), { error });
    assert.equal(failed.run.status, 'FAILED');
    const placed = { ...error, Cause: `States.Each.ItemReader: ${error.Cause}` };
    assert.deepEqual(failed.run.error, placed);
    const caught: ChainDefinition = {
      StartAt: 'Each',
      States: {
        Each: {
          ...(files().States['Each'] as object),
          End: undefined,
          Next: 'Done',
          Catch: [
            { ErrorEquals: ['States.ItemReaderFailed'], ResultPath: '$.error', Next: 'Done' },
          ],
        } as never,
        Done: { Type: 'Succeed' },
      },
    };
    const s2 = start(caught, INPUT);
    const t = answer(caught, s2.run, readOf(s2), { error });
    assert.equal(t.run.status, 'SUCCEEDED');
    assert.deepEqual(t.run.output, { ...INPUT, error: placed });
  });

  it('a Retry reads again, under a new read id', () => {
    const def = files({
      Retry: [{ ErrorEquals: ['States.ItemReaderFailed'], IntervalSeconds: 2 }],
    });
    const started = start(def, INPUT);
    const first = readOf(started);
    const failed = answer(def, started.run, first, {
      error: { Error: 'States.ItemReaderFailed', Cause: 'x' },
    });
    assert.equal(failed.run.frames?.['']?.wait, 'retry');
    assert.deepEqual(pendingReads(failed.run), []);
    const [timer] = Object.keys(failed.run.timers ?? {});
    const again = onTimer(def, failed.run, timer!, at(5));
    const second = readOf(again);
    assert.notEqual(second.id, first.id);
    assert.equal(answer(def, again.run, first, { items: ITEMS }, 6).changed, false);
    assert.equal(
      answer(def, again.run, second, { items: ITEMS }, 6).run.frames?.['']?.wait,
      'children',
    );
  });

  it(`more than ${MAX_READER_ITEMS} items, or more than ${MAX_READER_ITEM_BYTES} bytes of them, fail with States.ItemReaderFailed naming the limit and the fix`, () => {
    const def = files();
    const started = start(def, INPUT);
    const read = readOf(started);
    const many = answer(def, started.run, read, {
      items: Array.from({ length: MAX_READER_ITEMS + 1 }, (_, i) => i),
    });
    assert.deepEqual(many.run.error, {
      Error: 'States.ItemReaderFailed',
      Cause: `States.Each.ItemReader: gs://drops/in/2026-11-21/ matching "**.csv" gives more than ${MAX_READER_ITEMS} items, the most dfchain keeps for one Map; split the prefix (a Map per sub-prefix) or narrow matchGlob`,
    });
    const big = answer(def, started.run, read, { items: ['x'.repeat(MAX_READER_ITEM_BYTES)] });
    assert.equal(big.run.error?.Error, 'States.ItemReaderFailed');
    assert.match(
      big.run.error?.Cause ?? '',
      /1 items of 262148 bytes as JSON, more than the 262144 dfchain keeps/,
    );
  });

  it('a Parameters path that does not resolve raises States.Runtime; a bucket that is not a string, States.ItemReaderFailed', () => {
    const runtime = start(files(), { date: 'd' }).run;
    assert.equal(runtime.error?.Error, 'States.Runtime');
    const def = files({
      ItemReader: {
        Resource: 'gcs:getObject',
        ReaderConfig: { InputType: 'CSV' },
        Parameters: { 'bucket.$': '$.n', object: 'm.csv' },
      },
    });
    const t = start(def, { n: 3 });
    assert.deepEqual(t.run.error, {
      Error: 'States.ItemReaderFailed',
      Cause: 'States.Each.ItemReader: Parameters.bucket must be a non-empty string, got 3',
    });
  });

  it('a getObject reader asks for the object and its InputType', () => {
    const def = files({
      ItemReader: {
        Resource: 'gcs:getObject',
        ReaderConfig: { InputType: 'JSONL' },
        Parameters: { bucket: 'drops', 'object.$': '$.manifest' },
      },
    });
    assert.deepEqual(readOf(start(def, { manifest: 'm/list.jsonl' })).request, {
      resource: 'gcs:getObject',
      bucket: 'drops',
      object: 'm/list.jsonl',
      inputType: 'JSONL',
    });
  });

  it('redriving a Map that failed while reading reads again; one that failed after keeps its items', () => {
    const def = files();
    const started = start(def, INPUT);
    const read = readOf(started);
    const failed = answer(def, started.run, read, {
      error: { Error: 'States.ItemReaderFailed', Cause: 'x' },
    });
    assert.equal(failed.run.stopped?.wait, 'items');
    const redriven = redriveDoc(def, failed.run, [], at(10), { count: 1 });
    const again = readOf(redriven);
    assert.notEqual(again.id, read.id);
    assert.deepEqual(again.request, read.request);
    assert.equal(answer(def, redriven.run, read, { items: ITEMS }, 11).changed, false);
    const begun = answer(def, redriven.run, again, { items: ITEMS }, 11);
    const forest = launchForest(def, carryOut(def, begun, at(11)), at(12));
    assert.deepEqual(rootOf(forest).frames?.['']?.children?.items, ITEMS);
    // Item 1 fails, so the Map and the run fail; a redrive starts it again from the kept items.
    const part = partAt(forest, 'Each[1]');
    carryOut(
      def,
      endJob(def, part, stepFor(part, 'Load'), 'JOB_STATE_FAILED', at(13)),
      at(13),
      forest,
    );
    const root = rootOf(forest);
    assert.equal(root.status, 'FAILED');
    assert.deepEqual(root.stopped?.children?.items, ITEMS);
    const parts = [...forest.docs.values()].filter((doc) => doc.part !== undefined);
    const second = redriveDoc(def, root, parts, at(20), { count: 2 });
    assert.deepEqual(pendingReads(second.run), []);
    assert.deepEqual(second.run.frames?.['']?.children?.items, ITEMS);
    // Item 2 (lane 0's next, never started) would start from the kept items.
    assert.deepEqual(
      itemSpawns(def, second.run, '', [2]).map((s) => s.input),
      [{ file: 'in/c.csv', date: '2026-11-21' }],
    );
  });
});
