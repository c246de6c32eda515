import { strict as assert } from 'node:assert';
import type { JsonObject } from '../../src/json.js';
import { task, type RunResult } from './harness.js';
import {
  byState,
  chain,
  countCases,
  eventsOf,
  launchParameters,
  onAttempts,
  pass,
  retryDueSeconds,
  runCases,
  type ConformanceCase,
} from './cases.js';

/**
 * Errors, Retry, Catch, timeouts and Fail. Sources: the specification's "Errors", "Retrying after
 * error" and "Fallback states" (https://states-language.net/spec.html#errors: the first retrier
 * whose ErrorEquals matches decides; its MaxAttempts used up, the error goes to Catch; interval
 * IntervalSeconds × BackoffRate^n; the example retrier "makes 2 retry attempts after waits of 3
 * and 4.5 seconds"; a catcher's ResultPath defaults to "$"), the Fail state
 * (https://states-language.net/spec.html#fail-state), AWS "Handling errors in Step Functions
 * workflows" (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html:
 * defaults IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0; MaxDelaySeconds caps an interval;
 * JitterStrategy FULL draws it from [0, interval]; States.TaskFailed matches any error but
 * States.Timeout; "A retry or catch on States.ALL won't catch States.Runtime errors") and AWS
 * "Fail workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html:
 * ErrorPath and CausePath, with paths or intrinsics).
 */

/** A Task `t` with the given Retry/Catch/other fields, passing its input on (ResultPath null). */
function t(next: string | undefined, extra: JsonObject): JsonObject {
  return task('t', next, { ResultPath: null, ...extra });
}

/** The delays between retries, given that jobs end without simulated time passing. */
function delays(r: RunResult): number[] {
  const due = retryDueSeconds(r.events);
  return due.map((at, i) => at - (due[i - 1] ?? 0));
}

const ALWAYS_FAILS = byState({ T: 'FAILED' });

/** The Cause of a run output that is an error object, or a marker that fails the comparison. */
function causeOf(r: RunResult): string {
  const cause = (r.output as { Cause?: unknown } | undefined)?.Cause;
  return typeof cause === 'string' ? cause : '<no string Cause>';
}

export const ERROR_CASES: readonly ConformanceCase[] = [
  // --- Errors without handling ----------------------------------------------------------------
  {
    it: 'a failed job without Retry or Catch fails the run with Dataflow.JobFailed',
    definition: chain({ T: t(undefined, {}) }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed', Cause: /JOB_STATE_FAILED/ },
  },
  {
    it: 'a cancelled job fails the run with Dataflow.JobCancelled',
    definition: chain({ T: t(undefined, {}) }),
    outcomes: byState({ T: 'CANCELLED' }),
    error: { Error: 'Dataflow.JobCancelled', Cause: /JOB_STATE_CANCELLED/ },
  },
  {
    it: 'a failed Task stops the chain: later states are not entered',
    definition: chain({ T: t('After', {}), After: task('after') }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) =>
      assert.deepEqual(
        r.launched.map((s) => s.state),
        ['T'],
      ),
  },
  // --- Retry ------------------------------------------------------------------------------------
  {
    it: 'Retry defaults: 3 retries after 1, 2 and 4 seconds, then the error',
    definition: chain({ T: t(undefined, { Retry: [{ ErrorEquals: ['States.ALL'] }] }) }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => {
      assert.deepEqual(delays(r), [1, 2, 4]);
      assert.equal(r.seconds, 7);
      assert.deepEqual(
        r.launched.map((s) => s.attempt),
        [0, 1, 2, 3],
      );
    },
  },
  {
    it: 'spec example: IntervalSeconds 3, MaxAttempts 2, BackoffRate 1.5 waits 3 then 4.5 seconds',
    definition: chain({
      T: t(undefined, {
        Retry: [
          {
            ErrorEquals: ['Dataflow.JobFailed'],
            IntervalSeconds: 3,
            MaxAttempts: 2,
            BackoffRate: 1.5,
          },
        ],
      }),
    }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => {
      assert.deepEqual(delays(r), [3, 4.5]);
      assert.equal(r.seconds, 7.5);
      assert.equal(r.launched.length, 3);
    },
  },
  {
    it: 'each retry relaunches under the next attempt (0, 1, 2) with its own job name',
    definition: chain({
      T: t(undefined, { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }] }),
    }),
    outcomes: onAttempts('T', [0, 1]),
    input: { a: 1 },
    output: { a: 1 },
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => [s.state, s.attempt]),
        [
          ['T', 0],
          ['T', 1],
          ['T', 2],
        ],
      );
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 3, 'distinct job names');
      assert.deepEqual(
        eventsOf(r.events, 'state.retrying').map((e) => e.attempt),
        [1, 2],
      );
    },
  },
  {
    it: "a retry that succeeds continues with the new job's result",
    definition: chain({
      T: task('t', undefined, {
        Retry: [{ ErrorEquals: ['States.ALL'] }],
        ResultSelector: { 'jobId.$': '$.jobId', 'name.$': '$.jobName' },
      }),
    }),
    outcomes: onAttempts('T', [0]),
    output: (r) => ({ jobId: 'job-2', name: r.launched[1]?.jobName ?? 'no second launch' }),
  },
  {
    it: 'MaxDelaySeconds caps each interval (2, 6, then 10 instead of 18 and 54)',
    definition: chain({
      T: t(undefined, {
        Retry: [
          {
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: 2,
            BackoffRate: 3,
            MaxAttempts: 4,
            MaxDelaySeconds: 10,
          },
        ],
      }),
    }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => assert.deepEqual(delays(r), [2, 6, 10, 10]),
  },
  {
    it: 'BackoffRate 1 keeps the interval constant',
    definition: chain({
      T: t(undefined, {
        Retry: [
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 5, BackoffRate: 1, MaxAttempts: 3 },
        ],
      }),
    }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => assert.deepEqual(delays(r), [5, 5, 5]),
  },
  {
    it: 'JitterStrategy FULL draws every interval from [0, capped interval]',
    definition: chain({
      T: t(undefined, {
        Retry: [
          {
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: 10,
            BackoffRate: 2,
            MaxAttempts: 3,
            MaxDelaySeconds: 15,
            JitterStrategy: 'FULL',
          },
        ],
      }),
    }),
    outcomes: ALWAYS_FAILS,
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => {
      const caps = [10, 15, 15];
      const got = delays(r);
      assert.equal(got.length, 3);
      got.forEach((d, i) =>
        assert.ok(d >= 0 && d <= caps[i]!, `delay ${i}: ${d} within 0..${caps[i]}`),
      );
      assert.ok(
        got.some((d, i) => d < caps[i]!),
        `jitter shortens some interval: ${JSON.stringify(got)}`,
      );
    },
  },
  {
    it: 'MaxAttempts 0 never retries: the error goes straight to Catch',
    definition: chain({
      T: t('Done', {
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, { OutputPath: '$.Error' }),
    }),
    outcomes: ALWAYS_FAILS,
    output: 'Dataflow.JobFailed',
    check: (r) => assert.equal(r.launched.length, 1),
  },
  {
    it: 'the first matching retrier decides; once it is exhausted the error goes to Catch, not to a later retrier',
    definition: chain({
      T: t('Done', {
        Retry: [
          { ErrorEquals: ['Dataflow.JobFailed'], MaxAttempts: 1, IntervalSeconds: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5, IntervalSeconds: 1 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, { OutputPath: '$.Error' }),
    }),
    outcomes: ALWAYS_FAILS,
    output: 'Dataflow.JobFailed',
    check: (r) => assert.equal(r.launched.length, 2, 'one try and one retry'),
  },
  {
    it: 'a retrier whose ErrorEquals does not match is skipped for a later one',
    definition: chain({
      T: t(undefined, {
        Retry: [
          { ErrorEquals: ['Dataflow.JobCancelled'], MaxAttempts: 5, IntervalSeconds: 100 },
          { ErrorEquals: ['Dataflow.JobFailed'], MaxAttempts: 1, IntervalSeconds: 3 },
        ],
      }),
    }),
    outcomes: onAttempts('T', [0]),
    input: { a: 1 },
    output: { a: 1 },
    check: (r) => assert.deepEqual(delays(r), [3]),
  },
  {
    it: 'each retrier counts its own retries across different errors',
    definition: chain({
      T: t(undefined, {
        Retry: [
          { ErrorEquals: ['Dataflow.JobFailed'], MaxAttempts: 1, IntervalSeconds: 1 },
          { ErrorEquals: ['Dataflow.JobCancelled'], MaxAttempts: 1, IntervalSeconds: 10 },
        ],
      }),
    }),
    // Attempt 0 fails (retrier 0), attempt 1 is cancelled (retrier 1), attempt 2 fails again:
    // retrier 0 has used its one retry.
    outcomes: (s) => (s.attempt === 1 ? 'CANCELLED' : 'FAILED'),
    error: { Error: 'Dataflow.JobFailed' },
    check: (r) => {
      assert.equal(r.launched.length, 3);
      assert.deepEqual(delays(r), [1, 10]);
    },
  },
  {
    it: 'retry counters start again when a loop re-enters the state',
    definition: chain({
      T: t('Done', {
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Count' }],
      }),
      Count: pass('Again', { Parameters: { 'n.$': 'States.MathAdd($.n, 1)' } }),
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericLessThan: 2, Next: 'T' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    }),
    input: { n: 0 },
    outcomes: ALWAYS_FAILS,
    output: { n: 2 },
    check: (r) =>
      assert.deepEqual(
        r.launched.map((s) => s.attempt),
        [0, 1, 0, 1],
      ),
  },
  {
    it: 'States.TaskFailed in a retrier matches Dataflow.JobFailed',
    definition: chain({
      T: t(undefined, { Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }] }),
    }),
    outcomes: onAttempts('T', [0]),
    input: { ok: true },
    output: { ok: true },
    check: (r) => assert.equal(r.launched.length, 2),
  },
  {
    it: 'ErrorEquals lists several names: any of them matches',
    definition: chain({
      T: t(undefined, {
        Retry: [{ ErrorEquals: ['Custom.Other', 'Dataflow.JobCancelled'], MaxAttempts: 1 }],
      }),
    }),
    outcomes: onAttempts('T', [0], 'CANCELLED'),
    input: { ok: true },
    output: { ok: true },
  },
  {
    it: 'a retrier not matching the error does not retry: the run fails at once',
    definition: chain({
      T: t(undefined, { Retry: [{ ErrorEquals: ['Dataflow.JobFailed'], MaxAttempts: 3 }] }),
    }),
    outcomes: byState({ T: 'CANCELLED' }),
    error: { Error: 'Dataflow.JobCancelled' },
    check: (r) => assert.equal(r.launched.length, 1),
  },
  // --- Catch ------------------------------------------------------------------------------------
  {
    it: "Catch without ResultPath: the fallback state's input is {Error, Cause}",
    definition: chain({
      T: t('Done', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }] }),
      Done: pass(),
      Recover: pass(),
    }),
    input: { lost: true },
    outcomes: ALWAYS_FAILS,
    // Exactly {Error, Cause}: the name exactly, the cause any text naming the job's end.
    output: (r) => ({ Error: 'Dataflow.JobFailed', Cause: causeOf(r) }),
    check: (r) => assert.match(causeOf(r), /JOB_STATE_FAILED/),
  },
  // Spec example: "ResultPath": "$.error-info".
  {
    it: 'Catch ResultPath "$.error-info" keeps the raw input and adds the error (spec example)',
    definition: chain({
      T: t('Done', {
        InputPath: '$.job',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error-info', Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, {
        Parameters: { 'job.$': '$.job', 'other.$': '$.other', 'error.$': '$.error-info.Error' },
      }),
    }),
    input: { job: { date: 'd' }, other: 1 },
    outcomes: ALWAYS_FAILS,
    output: { job: { date: 'd' }, other: 1, error: 'Dataflow.JobFailed' },
  },
  {
    it: 'Catch ResultPath creates missing objects on its way',
    definition: chain({
      T: t('Done', {
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.errors.last', Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, { Parameters: { 'a.$': '$.a', 'name.$': '$.errors.last.Error' } }),
    }),
    input: { a: 1 },
    outcomes: byState({ T: 'CANCELLED' }),
    output: { a: 1, name: 'Dataflow.JobCancelled' },
  },
  {
    it: 'the first matching catcher decides',
    definition: chain({
      T: t('Done', {
        Catch: [
          { ErrorEquals: ['Dataflow.JobCancelled'], Next: 'Cancelled' },
          { ErrorEquals: ['Dataflow.JobFailed'], Next: 'First' },
          { ErrorEquals: ['States.ALL'], Next: 'Second' },
        ],
      }),
      Done: pass(),
      Cancelled: pass(undefined, { Result: 'Cancelled' }),
      First: pass(undefined, { Result: 'First' }),
      Second: pass(undefined, { Result: 'Second' }),
    }),
    outcomes: ALWAYS_FAILS,
    output: 'First',
  },
  {
    it: 'Retry comes before Catch: retries are used up first, then the catcher takes the error',
    definition: chain({
      T: t('Done', {
        Retry: [
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 1 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, { Parameters: { 'error.$': '$.err.Error' } }),
    }),
    outcomes: ALWAYS_FAILS,
    output: { error: 'Dataflow.JobFailed' },
    check: (r) => {
      assert.equal(r.launched.length, 3);
      assert.equal(r.seconds, 4);
      assert.equal(eventsOf(r.events, 'state.caught').length, 1);
    },
  },
  {
    it: 'States.TaskFailed in a catcher matches Dataflow.JobCancelled',
    definition: chain({
      T: t('Done', { Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Recover' }] }),
      Done: pass(),
      Recover: pass(undefined, { OutputPath: '$.Error' }),
    }),
    outcomes: byState({ T: 'CANCELLED' }),
    output: 'Dataflow.JobCancelled',
  },
  {
    it: 'the fallback state runs with $$.State.RetryCount 0 and its own name',
    definition: chain({
      T: t('Done', {
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, {
        Parameters: { 'n.$': '$$.State.RetryCount', 'name.$': '$$.State.Name' },
      }),
    }),
    outcomes: ALWAYS_FAILS,
    output: { n: 0, name: 'Recover' },
  },
  // Spec: States.ResultPathMatchFailure is an error like any other, so a Task's Catch takes it.
  {
    it: "a Task's ResultPath that cannot apply raises States.ResultPathMatchFailure, which its Catch takes",
    definition: chain({
      T: task('t', 'Done', {
        ResultPath: '$.a.b',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(undefined, { Parameters: { 'a.$': '$.a', 'error.$': '$.err.Error' } }),
    }),
    input: { a: 'text' },
    output: { a: 'text', error: 'States.ResultPathMatchFailure' },
  },
  // --- States.Runtime is never caught --------------------------------------------------------
  {
    it: 'States.Runtime is not retried by a States.ALL retrier nor caught by a States.ALL catcher',
    definition: chain({
      T: task('t', 'Done', {
        OutputPath: '$.noSuchField',
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(),
    }),
    error: { Error: 'States.Runtime', Cause: /OutputPath/ },
    check: (r) => {
      assert.equal(r.launched.length, 1, 'no retry');
      assert.deepEqual(eventsOf(r.events, 'state.caught'), [], 'not caught');
    },
  },
  {
    it: 'States.Runtime is not caught by a States.TaskFailed catcher either',
    definition: chain({
      T: task('t', 'Done', {
        InputPath: '$.missing',
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Recover' }],
      }),
      Done: pass(),
      Recover: pass(),
    }),
    error: { Error: 'States.Runtime' },
    check: (r) => assert.deepEqual(r.launched, []),
  },
  // --- Timeouts ---------------------------------------------------------------------------------
  {
    it: 'TimeoutSeconds: a job still running fails the Task with States.Timeout; its step is abandoned',
    definition: chain({ T: t(undefined, { TimeoutSeconds: 60 }) }),
    outcomes: byState({ T: 'HANG' }),
    error: { Error: 'States.Timeout' },
    check: (r) => {
      assert.equal(r.seconds, 60);
      const step = Object.values(r.run.steps).find((s) => s.state === 'T');
      assert.equal(step?.abandoned, true);
      assert.equal(eventsOf(r.events, 'job.cancelling').length, 1, 'its job is cancelled');
    },
  },
  {
    it: 'a job ending before TimeoutSeconds succeeds; the timeout never fires',
    definition: chain({
      T: t('W', { TimeoutSeconds: 60 }),
      W: { Type: 'Wait', Seconds: 100, End: true },
    }),
    input: { a: 1 },
    output: { a: 1 },
    check: (r) => assert.equal(r.seconds, 100),
  },
  {
    it: 'a retry after a timeout relaunches the Task; the timed-out job ends abandoned',
    definition: chain({
      T: t(undefined, {
        TimeoutSeconds: 30,
        Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 5, MaxAttempts: 1 }],
      }),
    }),
    input: { a: 1 },
    outcomes: onAttempts('T', [0], 'HANG'),
    output: { a: 1 },
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => s.attempt),
        [0, 1],
      );
      assert.equal(r.seconds, 35);
      const first = r.archived.find((s) => s.jobName === r.launched[0]?.jobName);
      assert.equal(first?.abandoned, true);
      assert.equal(first?.jobState, 'JOB_STATE_CANCELLED');
    },
  },
  {
    it: 'States.TaskFailed does not catch States.Timeout; a later States.ALL catcher does',
    definition: chain({
      T: t('Done', {
        TimeoutSeconds: 10,
        Catch: [
          { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
          { ErrorEquals: ['States.ALL'], Next: 'Other' },
        ],
      }),
      Done: pass(),
      Failed: pass(undefined, { Result: 'TaskFailed' }),
      Other: pass(undefined, { OutputPath: '$.Error' }),
    }),
    outcomes: byState({ T: 'HANG' }),
    output: 'States.Timeout',
  },
  {
    it: 'States.TaskFailed alone leaves States.Timeout uncaught: the run fails',
    definition: chain({
      T: t('Done', {
        TimeoutSeconds: 10,
        Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 }],
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Done' }],
      }),
      Done: pass(),
    }),
    outcomes: byState({ T: 'HANG' }),
    error: { Error: 'States.Timeout' },
    check: (r) => assert.equal(r.launched.length, 1, 'not retried'),
  },
  {
    it: "$$.State.RetryCount after timeouts counts the attempts in the relaunched job's parameters",
    definition: chain({
      T: task('t', undefined, {
        Parameters: {
          jobName: 't',
          containerSpecGcsPath: 'gs://b/t.json',
          parameters: { 'retry.$': '$$.State.RetryCount' },
        },
        TimeoutSeconds: 10,
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
        ResultPath: null,
      }),
    }),
    outcomes: onAttempts('T', [0, 1], 'HANG'),
    output: {},
    check: (r) =>
      assert.deepEqual(
        r.launched.map((s) => launchParameters(s)?.['retry']),
        ['0', '1', '2'],
      ),
  },
  // --- Fail -------------------------------------------------------------------------------------
  // Spec example: "Error": "ErrorA", "Cause": "Kaiju attack".
  {
    it: 'Fail ends the run with its Error and Cause (spec example)',
    definition: chain({ FailState: { Type: 'Fail', Error: 'ErrorA', Cause: 'Kaiju attack' } }),
    error: { Error: 'ErrorA', Cause: 'Kaiju attack' },
  },
  // AWS state-fail.html: "ErrorPath": "$$.State.Name", "CausePath": "$.Cause".
  {
    it: 'Fail ErrorPath and CausePath read the context and the input (AWS example)',
    definition: chain({
      FailState: { Type: 'Fail', ErrorPath: '$$.State.Name', CausePath: '$.Cause' },
    }),
    input: { Cause: 'the cause' },
    error: { Error: 'FailState', Cause: 'the cause' },
  },
  // AWS state-fail.html: CausePath with States.Format.
  {
    it: 'Fail CausePath may be an intrinsic (AWS States.Format example)',
    definition: chain({
      FailState: {
        Type: 'Fail',
        Error: 'Custom.Error',
        CausePath:
          "States.Format('this is the error: {}, and this is the cause: {}', $.Error, $.Cause)",
      },
    }),
    input: { Error: 'E', Cause: 'C' },
    error: { Error: 'Custom.Error', Cause: 'this is the error: E, and this is the cause: C' },
  },
  {
    it: 'a Catch leading to a Fail with ErrorPath re-raises the caught error',
    definition: chain({
      T: t('Done', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Rethrow' }] }),
      Done: pass(),
      Rethrow: { Type: 'Fail', ErrorPath: '$.Error', Cause: 'rethrown' },
    }),
    outcomes: byState({ T: 'CANCELLED' }),
    error: { Error: 'Dataflow.JobCancelled', Cause: 'rethrown' },
  },
  {
    it: 'Fail ErrorPath selecting a non-string fails with States.Runtime',
    definition: chain({ F: { Type: 'Fail', ErrorPath: '$.code', Cause: 'c' } }),
    input: { code: 42 },
    error: { Error: 'States.Runtime' },
  },
];

describe('conformance: errors, Retry, Catch, timeouts and Fail', () => {
  countCases('errors', ERROR_CASES, 35);
  runCases(ERROR_CASES);
});
