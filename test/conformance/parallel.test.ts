import { strict as assert } from 'node:assert';
import type { Step } from '../../src/engine/run.js';
import type { JsonObject } from '../../src/json.js';
import { task, type RunResult } from './harness.js';
import {
  branch,
  byState,
  chain,
  countCases,
  eventsOf,
  pass,
  runCases,
  type ConformanceCase,
} from './cases.js';

/**
 * Parallel cases. Sources: the specification's Parallel State
 * (https://states-language.net/spec.html#parallel-state: "The elements of the output array
 * correspond to the branches in the same order that they appear in the Branches array"; "If any
 * branch fails, due to an unhandled error or by transitioning to a Fail state, the entire
 * Parallel State fails and all its branches are stopped") and AWS "Parallel workflow state"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html: the Parallel
 * state's error is the branch's, and it may Retry and Catch it).
 */
function parallel(branches: JsonObject[], next?: string, extra: JsonObject = {}): JsonObject {
  return {
    Type: 'Parallel',
    Branches: branches,
    ...(next === undefined ? { End: true } : { Next: next }),
    ...extra,
  };
}

/** A branch whose one Task `state` launches a job and outputs its state name. */
function taskBranch(state: string, prefix: string, extra: JsonObject = {}): JsonObject {
  return branch({
    [state]: task(prefix, undefined, { ResultSelector: { 'state.$': '$$.State.Name' }, ...extra }),
  });
}

/** A branch that waits `seconds`, then fails with ErrorA / "Kaiju attack" (the spec's Fail). */
function failingBranch(seconds: number): JsonObject {
  return branch({
    Pause: { Type: 'Wait', Seconds: seconds, Next: 'Boom' },
    Boom: { Type: 'Fail', Error: 'ErrorA', Cause: 'Kaiju attack' },
  });
}

/** The step of `state` as the run left it (live steps) or as it ended (archived). */
function stepOf(r: RunResult, state: string): Step | undefined {
  return (
    r.archived.find((s) => s.state === state) ??
    r.docs.flatMap((doc) => Object.values(doc.steps)).find((s) => s.state === state)
  );
}

/** The sibling's job was launched, then abandoned and cancelled through the API. */
function siblingCancelled(r: RunResult, state: string): void {
  const launched = r.launched.find((s) => s.state === state);
  assert.ok(launched, `${state} was launched`);
  assert.equal(stepOf(r, state)?.abandoned, true, `${state} is abandoned`);
  assert.ok(
    eventsOf(r.events, 'job.cancelling').some((e) => e.jobName === launched.jobName),
    `${state}'s job is cancelled`,
  );
}

export const PARALLEL_CASES: readonly ConformanceCase[] = [
  // AWS state-parallel.html: two branches on the same input, output [branch 0, branch 1].
  {
    it: 'the output is the array of the branch outputs, in Branches order',
    definition: chain({
      P: parallel(
        [
          branch({ Add: pass(undefined, { Parameters: { 'v.$': 'States.MathAdd($[0], $[1])' } }) }),
          branch({
            Join: pass(undefined, { Parameters: { 'v.$': "States.Format('{}-{}', $[0], $[1])" } }),
          }),
        ],
        undefined,
        { InputPath: '$.numbers' },
      ),
    }),
    input: { numbers: [3, 2] },
    output: [{ v: 5 }, { v: '3-2' }],
  },
  {
    it: "branch outputs keep Branches order when a later branch's job ends first",
    definition: chain({
      P: parallel([taskBranch('Slow', 'zz'), taskBranch('Fast', 'aa')]),
    }),
    output: [{ state: 'Slow' }, { state: 'Fast' }],
    check: (r) =>
      assert.deepEqual(
        eventsOf(r.events, 'job.confirmed').map((e) => e.state),
        ['Fast', 'Slow'],
        "the second branch's job ended first",
      ),
  },
  {
    it: "every branch gets the same input: the Parallel's effective input (InputPath, Parameters)",
    definition: chain({
      P: parallel(
        [branch({ A: pass() }), branch({ B: pass(undefined, { InputPath: '$.x' }) })],
        undefined,
        { InputPath: '$.in', Parameters: { 'x.$': '$.value', fixed: true } },
      ),
    }),
    input: { in: { value: 42 } },
    output: [{ x: 42, fixed: true }, 42],
  },
  {
    it: 'ResultSelector, ResultPath and OutputPath shape the branch outputs array',
    definition: chain({
      P: parallel(
        [
          branch({ A: pass(undefined, { Result: 'a' }) }),
          branch({ B: pass(undefined, { Result: 'b' }) }),
        ],
        undefined,
        {
          ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1]' },
          ResultPath: '$.results',
          OutputPath: '$.results',
        },
      ),
    }),
    input: { keep: 1 },
    output: { first: 'a', second: 'b' },
  },
  {
    it: "a branch's output is the output of its last state",
    definition: chain({
      P: parallel([
        branch({
          One: pass('Two', { Result: 1, ResultPath: '$.one' }),
          Two: pass('Three', { Result: 2, ResultPath: '$.two' }),
          Three: pass(undefined, { OutputPath: '$.two' }),
        }),
      ]),
    }),
    output: [2],
  },
  {
    it: 'branches of Tasks launch one job each, all before any ends',
    definition: chain({
      P: parallel([taskBranch('A', 'a'), taskBranch('B', 'b'), taskBranch('C', 'c')]),
    }),
    output: [{ state: 'A' }, { state: 'B' }, { state: 'C' }],
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => s.state),
        ['A', 'B', 'C'],
      );
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 3);
      const firstEnd = r.events.findIndex((e) => e.event === 'job.confirmed');
      assert.equal(
        r.events.slice(0, firstEnd).filter((e) => e.event === 'job.launched').length,
        3,
        'three jobs ran at once',
      );
    },
  },
  {
    it: "$$.State.Name inside a branch is the branch state's name",
    definition: chain({
      Outer: parallel([
        branch({ Inner: pass(undefined, { Parameters: { 'n.$': '$$.State.Name' } }) }),
      ]),
    }),
    output: [{ n: 'Inner' }],
  },
  // Spec: a Succeed state in a branch ends that branch, not the run.
  {
    it: 'a Succeed in a branch ends the branch only; the run goes on past the Parallel',
    definition: chain({
      P: parallel(
        [
          branch({
            Check: {
              Type: 'Choice',
              Choices: [{ Variable: '$.skip', BooleanEquals: true, Next: 'Skip' }],
              Default: 'Work',
            },
            Skip: { Type: 'Succeed', OutputPath: '$.skip' },
            Work: pass(undefined, { Result: 'worked' }),
          }),
          branch({ Other: pass(undefined, { Result: 'other' }) }),
        ],
        'After',
      ),
      After: pass(undefined, { Parameters: { 'results.$': '$' } }),
    }),
    input: { skip: true },
    output: { results: [true, 'other'] },
  },
  // --- Failure --------------------------------------------------------------------------------
  {
    it: "a branch reaching Fail fails the Parallel and the run with the branch's Error and Cause",
    definition: chain({ P: parallel([taskBranch('Work', 'work'), failingBranch(10)]) }),
    outcomes: byState({ Work: 'HANG' }),
    error: { Error: 'ErrorA', Cause: 'Kaiju attack' },
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => s.state),
        ['Work'],
      );
      siblingCancelled(r, 'Work');
      assert.equal(r.seconds, 10);
    },
  },
  {
    it: 'a branch whose job fails fails the Parallel with Dataflow.JobFailed and cancels the running sibling',
    definition: chain({ P: parallel([taskBranch('Bad', 'bad'), taskBranch('Long', 'long')]) }),
    outcomes: byState({ Bad: 'FAILED', Long: 'HANG' }),
    error: { Error: 'Dataflow.JobFailed', Cause: /bad-/ },
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => s.state),
        ['Bad', 'Long'],
      );
      siblingCancelled(r, 'Long');
    },
  },
  {
    it: "a Parallel Catch handles a branch's error; the cancelled sibling ends abandoned",
    definition: chain({
      P: parallel([taskBranch('Long', 'long'), failingBranch(5)], 'Done', {
        Catch: [{ ErrorEquals: ['ErrorA'], ResultPath: '$.error', Next: 'Recover' }],
      }),
      Done: pass(),
      // A Wait, so the run is still running when the cancelled job's end arrives.
      Recover: { Type: 'Wait', Seconds: 1, Next: 'Report' },
      Report: pass(undefined, { Parameters: { 'caught.$': '$.error', 'input.$': '$.in' } }),
    }),
    input: { in: 1 },
    outcomes: byState({ Long: 'HANG' }),
    output: { caught: { Error: 'ErrorA', Cause: 'Kaiju attack' }, input: 1 },
    check: (r) => {
      siblingCancelled(r, 'Long');
      const ended = r.archived.find((s) => s.state === 'Long');
      assert.equal(ended?.jobState, 'JOB_STATE_CANCELLED');
      assert.equal(ended?.abandoned, true);
    },
  },
  {
    it: 'a Parallel Catch without ResultPath replaces the input with {Error, Cause}',
    definition: chain({
      P: parallel([failingBranch(0)], undefined, {
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
      }),
      Recover: pass(),
    }),
    input: { lost: true },
    output: { Error: 'ErrorA', Cause: 'Kaiju attack' },
  },
  {
    it: 'a Parallel Retry runs every branch again, with new job names',
    definition: chain({
      P: parallel([taskBranch('A', 'a'), taskBranch('B', 'b')], undefined, {
        Retry: [{ ErrorEquals: ['Dataflow.JobFailed'], IntervalSeconds: 2, MaxAttempts: 1 }],
      }),
    }),
    outcomes: (s) => (s.state === 'A' && !(s.scope ?? '').includes('@') ? 'FAILED' : 'DONE'),
    output: [{ state: 'A' }, { state: 'B' }],
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => s.state),
        ['A', 'B', 'A', 'B'],
      );
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 4, 'four distinct job names');
      assert.notEqual(r.launched[0]?.scope, r.launched[2]?.scope, 'the retry runs in a new scope');
      assert.equal(r.seconds, 2);
      assert.equal(stepOf(r, 'B')?.abandoned, true, 'B of the failed attempt was abandoned');
    },
  },
  {
    it: 'a Parallel Retry exhausted goes to its Catch',
    definition: chain({
      P: parallel([failingBranch(0)], undefined, {
        Retry: [{ ErrorEquals: ['ErrorA'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
        Catch: [{ ErrorEquals: ['ErrorA'], Next: 'Recover', ResultPath: '$.err' }],
      }),
      Recover: pass(undefined, { OutputPath: '$.err.Error' }),
    }),
    output: 'ErrorA',
    check: (r) => assert.equal(r.seconds, 2),
  },
  {
    it: 'a branch timing out fails the Parallel with States.Timeout',
    definition: chain({
      P: parallel([taskBranch('Slow', 'slow', { TimeoutSeconds: 30 }), branch({ Q: pass() })]),
    }),
    outcomes: byState({ Slow: 'HANG' }),
    error: { Error: 'States.Timeout' },
    check: (r) => {
      assert.equal(r.seconds, 30);
      assert.equal(stepOf(r, 'Slow')?.abandoned, true);
    },
  },
  // AWS: States.Runtime is never caught, even by States.ALL, and fails the whole execution.
  {
    it: "States.Runtime in a branch fails the whole run, past the Parallel's Catch; the sibling is cancelled",
    definition: chain({
      P: parallel(
        [
          taskBranch('Long', 'long'),
          branch({
            Pause: { Type: 'Wait', Seconds: 1, Next: 'Bad' },
            Bad: pass(undefined, { InputPath: '$.missing' }),
          }),
        ],
        undefined,
        { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }] },
      ),
      Recover: pass(),
    }),
    outcomes: byState({ Long: 'HANG' }),
    error: { Error: 'States.Runtime' },
    check: (r) => siblingCancelled(r, 'Long'),
  },
  // --- Nesting ----------------------------------------------------------------------------------
  {
    it: 'a Parallel nests in a Parallel branch',
    definition: chain({
      Outer: parallel([
        branch({
          Inner: parallel([
            branch({ A: pass(undefined, { Result: 'a' }) }),
            branch({ B: pass(undefined, { Result: 'b' }) }),
          ]),
        }),
        branch({ C: pass(undefined, { Result: 'c' }) }),
      ]),
    }),
    output: [['a', 'b'], 'c'],
  },
  {
    it: 'a Map runs inside a Parallel branch',
    definition: chain({
      P: parallel([
        branch({
          M: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: branch({
              Double: pass(undefined, { Parameters: { 'v.$': 'States.MathAdd($, $)' } }),
            }),
            End: true,
          },
        }),
        branch({
          Count: pass(undefined, { Parameters: { 'n.$': 'States.ArrayLength($.items)' } }),
        }),
      ]),
    }),
    input: { items: [1, 2, 3] },
    output: [[{ v: 2 }, { v: 4 }, { v: 6 }], { n: 3 }],
  },
];

describe('conformance: Parallel', () => {
  countCases('parallel', PARALLEL_CASES, 15);
  runCases(PARALLEL_CASES);
});
