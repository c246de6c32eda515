import { strict as assert } from 'node:assert';
import type { Step } from '../../src/engine/run.js';
import type { Json, JsonObject } from '../../src/json.js';
import { task, type JobOutcome } from './harness.js';
import {
  branch,
  chain,
  countCases,
  eventsOf,
  maxRunning,
  pass,
  runCases,
  type ConformanceCase,
} from './cases.js';

/**
 * Map cases. Sources: the specification's Map State (https://states-language.net/spec.html#map-state:
 * ItemsPath, ItemSelector with $$.Map.Item.Value/Index, MaxConcurrency, ItemProcessor and the
 * older Iterator/Parameters, the "Validate-All" example, output in item order), AWS "Inline Map
 * state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html), AWS
 * "ItemSelector (Map)" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html)
 * and, for ToleratedFailureCount/Percentage (AWS: Distributed Map only; dfchain offers them
 * inline, ARCHITECTURE.md §2.1), AWS "Setting failure thresholds for Distributed Map states"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
 */
function map(processor: JsonObject, extra: JsonObject = {}, next?: string): JsonObject {
  return {
    Type: 'Map',
    ItemProcessor: processor,
    ...(next === undefined ? { End: true } : { Next: next }),
    ...extra,
  };
}

/** An item processor of one Task that passes its item on (ResultPath null). */
const TASK_PROCESSOR = branch({ Work: task('work', undefined, { ResultPath: null }) });

/** An item processor of one Pass. */
const PASS_PROCESSOR = branch({ Item: pass() });

/** The Map item index of a step (its scope ends `[i]`). */
function itemOf(step: Step): number {
  const match = /\[(\d+)\]$/.exec(step.scope ?? '');
  return match ? Number(match[1]) : -1;
}

/** Jobs of the items listed end `outcome`; the others `otherwise`. */
function items(listed: readonly number[], outcome: JobOutcome, otherwise: JobOutcome = 'DONE') {
  return (step: Step): JobOutcome => (listed.includes(itemOf(step)) ? outcome : otherwise);
}

const SHIPPED = [
  { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
  { prod: 'S39', 'dest-code': 9511, quantity: 40 },
  { prod: 'R31', 'dest-code': 9833, quantity: 12 },
];

const SHIPMENT = {
  'ship-date': '2016-03-14T01:59:00Z',
  detail: { 'delivery-partner': 'UQS', shipped: SHIPPED },
};

/** Each item `i` with its Error at index i when it failed, for a tolerated failure (dfchain). */
function withFailure(values: readonly Json[], failed: readonly number[]) {
  return (output: Json | undefined): void => {
    assert.ok(Array.isArray(output), 'an array');
    assert.equal(output.length, values.length);
    values.forEach((value, i) => {
      if (failed.includes(i)) {
        assert.equal((output[i] as { Error?: string }).Error, 'Dataflow.JobFailed', `item ${i}`);
      } else assert.deepEqual(output[i], value, `item ${i}`);
    });
  };
}

export const MAP_CASES: readonly ConformanceCase[] = [
  // --- The specification's example and item input -------------------------------------------
  {
    it: 'spec "Validate-All": InputPath, ItemsPath, ItemSelector ($$.Map.Item.Value and $), ResultPath',
    definition: chain({
      'Validate-All': map(PASS_PROCESSOR, {
        InputPath: '$.detail',
        ItemsPath: '$.shipped',
        MaxConcurrency: 0,
        ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.delivery-partner' },
        ResultPath: '$.detail.shipped',
      }),
    }),
    input: SHIPMENT,
    output: {
      'ship-date': '2016-03-14T01:59:00Z',
      detail: {
        'delivery-partner': 'UQS',
        shipped: SHIPPED.map((parcel) => ({ parcel, courier: 'UQS' })),
      },
    },
  },
  {
    it: 'spec "Validate-All" with a Task per item: one job per item, output in item order',
    definition: chain({
      'Validate-All': map(TASK_PROCESSOR, {
        InputPath: '$.detail',
        ItemsPath: '$.shipped',
        ResultPath: '$.detail.shipped',
      }),
    }),
    input: SHIPMENT,
    output: SHIPMENT,
    check: (r) => {
      assert.deepEqual(r.launched.map(itemOf).sort(), [0, 1, 2]);
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 3, 'a job name per item');
      assert.equal(maxRunning(r.events), 3, 'MaxConcurrency 0: all at once');
    },
  },
  // AWS input-output-itemselector.html: {"size": 10, "value.$": "$$.Map.Item.Value"}.
  {
    it: 'ItemSelector with static values and $$.Map.Item.Value (AWS imageData example)',
    definition: chain({
      M: map(PASS_PROCESSOR, {
        ItemsPath: '$.imageData',
        ItemSelector: { size: 10, 'value.$': '$$.Map.Item.Value' },
      }),
    }),
    input: {
      imageData: [
        { resize: 'true', format: 'jpg' },
        { resize: 'false', format: 'png' },
      ],
    },
    output: [
      { size: 10, value: { resize: 'true', format: 'jpg' } },
      { size: 10, value: { resize: 'false', format: 'png' } },
    ],
  },
  {
    it: 'ItemSelector gives each item its $$.Map.Item.Index',
    definition: chain({
      M: map(PASS_PROCESSOR, {
        ItemsPath: '$.list',
        ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
      }),
    }),
    input: { list: ['a', 'b', 'c'] },
    output: [
      { index: 0, value: 'a' },
      { index: 1, value: 'b' },
      { index: 2, value: 'c' },
    ],
  },
  {
    it: "ItemSelector may use intrinsics on the item and the Map's input",
    definition: chain({
      M: map(PASS_PROCESSOR, {
        ItemsPath: '$.names',
        ItemSelector: { 'greeting.$': "States.Format('{} {}', $.word, $$.Map.Item.Value)" },
      }),
    }),
    input: { word: 'hello', names: ['ann', 'bob'] },
    output: [{ greeting: 'hello ann' }, { greeting: 'hello bob' }],
  },
  {
    it: 'the older Parameters field works as ItemSelector',
    definition: chain({
      M: map(PASS_PROCESSOR, {
        ItemsPath: '$.list',
        Parameters: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value' },
      }),
    }),
    input: { list: [5, 6] },
    output: [
      { i: 0, v: 5 },
      { i: 1, v: 6 },
    ],
  },
  {
    it: 'the older Iterator field works as ItemProcessor',
    definition: chain({
      M: {
        Type: 'Map',
        ItemsPath: '$.list',
        Iterator: branch({
          Double: pass(undefined, { Parameters: { 'v.$': 'States.MathAdd($, $)' } }),
        }),
        End: true,
      },
    }),
    input: { list: [1, 2] },
    output: [{ v: 2 }, { v: 4 }],
  },
  {
    it: 'ItemProcessor with ProcessorConfig Mode INLINE',
    definition: chain({
      M: map(
        {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Item',
          States: { Item: pass(undefined, { Parameters: { 'v.$': '$' } }) },
        },
        { ItemsPath: '$.list' },
      ),
    }),
    input: { list: [true, null] },
    output: [{ v: true }, { v: null }],
  },
  {
    it: "ItemsPath defaults to $: the Map's effective input is the array",
    definition: chain({ M: map(PASS_PROCESSOR, { InputPath: '$.list' }) }),
    input: { list: [1, 'two', { three: 3 }] },
    output: [1, 'two', { three: 3 }],
  },
  {
    it: "an item processor of several states: each item's output is its last state's output",
    definition: chain({
      M: map(
        branch({
          Add: pass('Wrap', { Parameters: { 'n.$': 'States.MathAdd($, 10)' } }),
          Wrap: pass(undefined, { OutputPath: '$.n' }),
        }),
        { ItemsPath: '$.list' },
      ),
    }),
    input: { list: [1, 2, 3] },
    output: [11, 12, 13],
  },
  {
    it: "ResultSelector and OutputPath shape the Map's output array",
    definition: chain({
      M: map(PASS_PROCESSOR, {
        ItemsPath: '$.list',
        ResultSelector: { 'count.$': 'States.ArrayLength($)', 'all.$': '$' },
        ResultPath: '$.summary',
        OutputPath: '$.summary',
      }),
    }),
    input: { list: ['x', 'y'] },
    output: { count: 2, all: ['x', 'y'] },
  },
  // --- Empty and invalid arrays --------------------------------------------------------------
  {
    it: 'an empty array gives [] at once, launching nothing',
    definition: chain({ M: map(TASK_PROCESSOR, { ItemsPath: '$.list' }) }),
    input: { list: [] },
    output: [],
    check: (r) => assert.deepEqual(r.launched, []),
  },
  {
    it: 'an empty array with ResultPath puts [] into the input',
    definition: chain({ M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ResultPath: '$.out' }) }),
    input: { list: [] },
    output: { list: [], out: [] },
  },
  {
    it: 'ItemsPath selecting something that is not an array fails with States.Runtime (AWS)',
    definition: chain({ M: map(PASS_PROCESSOR, { ItemsPath: '$.list' }) }),
    input: { list: { not: 'an array' } },
    error: { Error: 'States.Runtime' },
  },
  // --- MaxConcurrency ---------------------------------------------------------------------------
  {
    it: 'MaxConcurrency 2: never more than two item jobs at once; all items run, output in order',
    definition: chain({ M: map(TASK_PROCESSOR, { ItemsPath: '$.list', MaxConcurrency: 2 }) }),
    input: { list: [0, 1, 2, 3, 4] },
    output: [0, 1, 2, 3, 4],
    check: (r) => {
      assert.equal(maxRunning(r.events), 2);
      assert.equal(r.launched.length, 5);
      assert.deepEqual([...r.launched.map(itemOf)].sort(), [0, 1, 2, 3, 4]);
    },
  },
  {
    it: 'MaxConcurrency 1 runs the items one after another, in order',
    definition: chain({ M: map(TASK_PROCESSOR, { ItemsPath: '$.list', MaxConcurrency: 1 }) }),
    input: { list: ['a', 'b', 'c'] },
    output: ['a', 'b', 'c'],
    check: (r) => {
      assert.equal(maxRunning(r.events), 1);
      assert.deepEqual(r.launched.map(itemOf), [0, 1, 2]);
    },
  },
  {
    it: 'MaxConcurrencyPath reads the limit from the input',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', MaxConcurrencyPath: '$.limit' }),
    }),
    input: { list: [1, 2, 3, 4], limit: 3 },
    output: [1, 2, 3, 4],
    check: (r) => assert.equal(maxRunning(r.events), 3),
  },
  {
    it: 'MaxConcurrency with items that wait: the limit holds for any kind of item',
    definition: chain({
      M: map(branch({ Pause: { Type: 'Wait', Seconds: 10, End: true } }), {
        ItemsPath: '$.list',
        MaxConcurrency: 2,
      }),
    }),
    input: { list: [1, 2, 3, 4, 5] },
    output: [1, 2, 3, 4, 5],
    check: (r) => assert.equal(r.seconds, 30, 'three rounds of 10 seconds'),
  },
  // --- Failures -------------------------------------------------------------------------------
  {
    it: "a failed item without tolerance fails the Map with the item's error, cancelling the others",
    definition: chain({ M: map(TASK_PROCESSOR, { ItemsPath: '$.list' }) }),
    input: { list: [0, 1, 2] },
    outcomes: items([1], 'FAILED', 'HANG'),
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => {
      assert.equal(r.launched.length, 3);
      const cancelled = eventsOf(r.events, 'job.cancelling').map((e) => e.jobName);
      const others = r.launched.filter((s) => itemOf(s) !== 1).map((s) => s.jobName);
      assert.deepEqual(cancelled.sort(), others.sort(), 'items 0 and 2 are cancelled');
      for (const s of Object.values(r.run.steps)) assert.equal(s.abandoned, true);
    },
  },
  {
    it: 'an item reaching Fail fails the Map with that Error and Cause',
    definition: chain({
      M: map(
        branch({
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$', NumericGreaterThan: 1, Next: 'TooBig' }],
            Default: 'Ok',
          },
          Ok: pass(),
          TooBig: { Type: 'Fail', Error: 'Item.TooBig', Cause: 'item above 1' },
        }),
        { ItemsPath: '$.list' },
      ),
    }),
    input: { list: [0, 1, 2] },
    error: { Error: 'Item.TooBig', Cause: 'item above 1' },
  },
  {
    it: 'an item whose job is cancelled fails the Map with Dataflow.JobCancelled',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list' }, 'Done'),
      Done: pass(),
    }),
    input: { list: [0] },
    outcomes: items([0], 'CANCELLED'),
    error: { Error: 'Dataflow.JobCancelled' },
  },
  {
    it: 'a Map Catch with ResultPath keeps the input and adds the error',
    definition: chain({
      M: map(
        TASK_PROCESSOR,
        {
          ItemsPath: '$.list',
          Catch: [{ ErrorEquals: ['Dataflow.JobFailed'], ResultPath: '$.error', Next: 'Recover' }],
        },
        'Done',
      ),
      Done: pass(),
      Recover: pass(undefined, { Parameters: { 'list.$': '$.list', 'error.$': '$.error.Error' } }),
    }),
    input: { list: [0, 1] },
    outcomes: items([0], 'FAILED'),
    output: { list: [0, 1], error: 'Dataflow.JobFailed' },
  },
  {
    it: "a Map Catch handles an item's Fail, with {Error, Cause} as the fallback's input",
    definition: chain({
      M: map(
        branch({ Reject: { Type: 'Fail', Error: 'Item.Rejected', Cause: 'no' } }),
        { ItemsPath: '$.list', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }] },
        'Done',
      ),
      Done: pass(),
      Recover: pass(),
    }),
    input: { list: [1] },
    output: { Error: 'Item.Rejected', Cause: 'no' },
  },
  {
    it: 'a Map Retry runs every item again under new job names',
    definition: chain({
      M: map(TASK_PROCESSOR, {
        ItemsPath: '$.list',
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 1 }],
      }),
    }),
    input: { list: ['a', 'b'] },
    outcomes: (s) => (itemOf(s) === 0 && !(s.scope ?? '').includes('@') ? 'FAILED' : 'DONE'),
    output: ['a', 'b'],
    check: (r) => {
      assert.equal(r.launched.length, 4);
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 4);
      assert.equal(r.seconds, 5);
    },
  },
  // --- Tolerated failures -----------------------------------------------------------------------
  {
    it: 'ToleratedFailureCount 1: one failed item is tolerated and the Map succeeds',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ToleratedFailureCount: 1 }),
    }),
    input: { list: ['a', 'b', 'c'] },
    outcomes: items([1], 'FAILED'),
    output: (r) => r.output ?? null,
    check: (r) => withFailure(['a', 'b', 'c'], [1])(r.output),
  },
  {
    it: 'ToleratedFailureCount 1: two failed items fail the Map with States.ExceedToleratedFailureThreshold',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ToleratedFailureCount: 1 }),
    }),
    input: { list: ['a', 'b', 'c'] },
    outcomes: items([0, 2], 'FAILED'),
    error: { Error: 'States.ExceedToleratedFailureThreshold' },
  },
  {
    it: 'ToleratedFailureCount 0: any failed item exceeds the threshold',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ToleratedFailureCount: 0 }),
    }),
    input: { list: ['a', 'b'] },
    outcomes: items([1], 'FAILED'),
    error: { Error: 'States.ExceedToleratedFailureThreshold' },
  },
  {
    it: 'ToleratedFailurePercentage 50: two failures of four are tolerated',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ToleratedFailurePercentage: 50 }),
    }),
    input: { list: [1, 2, 3, 4] },
    outcomes: items([0, 3], 'FAILED'),
    output: (r) => r.output ?? null,
    check: (r) => withFailure([1, 2, 3, 4], [0, 3])(r.output),
  },
  {
    it: 'ToleratedFailurePercentage 50: three failures of four exceed the threshold',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ToleratedFailurePercentage: 50 }),
    }),
    input: { list: [1, 2, 3, 4] },
    outcomes: items([0, 1, 3], 'FAILED'),
    error: { Error: 'States.ExceedToleratedFailureThreshold' },
  },
  {
    it: 'ToleratedFailureCountPath reads the tolerance from the input',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', ToleratedFailureCountPath: '$.tolerate' }),
    }),
    input: { list: [1, 2, 3], tolerate: 2 },
    outcomes: items([0, 1], 'FAILED'),
    output: (r) => r.output ?? null,
    check: (r) => withFailure([1, 2, 3], [0, 1])(r.output),
  },
  {
    it: 'a tolerated failure lets the remaining items start (MaxConcurrency 1)',
    definition: chain({
      M: map(TASK_PROCESSOR, { ItemsPath: '$.list', MaxConcurrency: 1, ToleratedFailureCount: 1 }),
    }),
    input: { list: ['a', 'b', 'c'] },
    outcomes: items([1], 'FAILED'),
    output: (r) => r.output ?? null,
    check: (r) => {
      withFailure(['a', 'b', 'c'], [1])(r.output);
      assert.deepEqual(r.launched.map(itemOf), [0, 1, 2]);
    },
  },
  {
    it: 'an item timing out counts as a failed item against the tolerance',
    definition: chain({
      M: map(branch({ Work: task('work', undefined, { ResultPath: null, TimeoutSeconds: 5 }) }), {
        ItemsPath: '$.list',
        ToleratedFailureCount: 0,
      }),
    }),
    input: { list: ['a', 'b'] },
    outcomes: items([1], 'HANG'),
    error: { Error: 'States.ExceedToleratedFailureThreshold' },
    check: (r) => assert.equal(r.seconds, 5),
  },
  {
    it: 'a Catch on States.ExceedToleratedFailureThreshold handles a Map beyond its tolerance',
    definition: chain({
      M: map(
        TASK_PROCESSOR,
        {
          ItemsPath: '$.list',
          ToleratedFailureCount: 0,
          Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], Next: 'Recover' }],
        },
        'Done',
      ),
      Done: pass(),
      Recover: pass(undefined, { OutputPath: '$.Error' }),
    }),
    input: { list: [1] },
    outcomes: items([0], 'FAILED'),
    output: 'States.ExceedToleratedFailureThreshold',
  },
  // --- Nesting ----------------------------------------------------------------------------------
  {
    it: 'a Parallel nests in each Map item',
    definition: chain({
      M: map(
        branch({
          Both: {
            Type: 'Parallel',
            Branches: [
              branch({ Same: pass() }),
              branch({
                Double: pass(undefined, { Parameters: { 'v.$': 'States.MathAdd($, $)' } }),
              }),
            ],
            End: true,
          },
        }),
        { ItemsPath: '$.list' },
      ),
    }),
    input: { list: [1, 2] },
    output: [
      [1, { v: 2 }],
      [2, { v: 4 }],
    ],
  },
  {
    it: 'a Parallel of Tasks in each Map item: a job per branch and item, each named apart',
    definition: chain({
      M: map(
        branch({
          Both: {
            Type: 'Parallel',
            Branches: [
              branch({ A: task('a', undefined, { ResultPath: null }) }),
              branch({ B: task('b', undefined, { ResultPath: null }) }),
            ],
            End: true,
          },
        }),
        { ItemsPath: '$.list', MaxConcurrency: 1 },
      ),
    }),
    input: { list: ['x', 'y'] },
    output: [
      ['x', 'x'],
      ['y', 'y'],
    ],
    check: (r) => {
      assert.equal(r.launched.length, 4);
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 4);
      assert.equal(maxRunning(r.events), 2, 'one item (two branches) at a time');
    },
  },
  {
    it: 'a Map nests in a Map; each ItemSelector sees its own $$.Map.Item',
    definition: chain({
      Outer: map(
        branch({
          Inner: map(PASS_PROCESSOR, {
            ItemsPath: '$.row',
            ItemSelector: {
              'outer.$': '$.i',
              'inner.$': '$$.Map.Item.Index',
              'v.$': '$$.Map.Item.Value',
            },
          }),
        }),
        {
          ItemsPath: '$.rows',
          ItemSelector: { 'row.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' },
        },
      ),
    }),
    input: { rows: [[1, 2], [3]] },
    output: [
      [
        { outer: 0, inner: 0, v: 1 },
        { outer: 0, inner: 1, v: 2 },
      ],
      [{ outer: 1, inner: 0, v: 3 }],
    ],
  },
];

describe('conformance: Map', () => {
  countCases('map', MAP_CASES, 30);
  runCases(MAP_CASES);
});
