import { strict as assert } from 'node:assert';
import { task } from './harness.js';
import { byState, chain, runCases, type ConformanceCase } from './cases.js';

/**
 * Run and Task timeouts, heartbeats, and the precision of a Wait's Timestamp. These four were
 * found failing by the conformance suite (the engine ignored them or read the wrong input) and
 * are kept together as the regression tests of those fixes.
 */
export const TIMEOUT_CASES: readonly ConformanceCase[] = [
  // Fixed: the chain's top-level TimeoutSeconds is accepted (dag/schema.json: "Seconds a
  // run may last before it fails with States.Timeout") but never enforced: no timer is armed
  // for it. Spec (https://states-language.net/spec.html#toplevelfields): "If the machine runs
  // longer than the specified time, then the interpreter fails the machine with a
  // States.Timeout Error Name." Expected: FAILED, States.Timeout, after 10 s.
  // Actual: the run waits its 100 s and SUCCEEDS with {"a":1}.
  {
    it: "the chain's top-level TimeoutSeconds fails a run that lasts longer with States.Timeout",
    definition: chain({ W: { Type: 'Wait', Seconds: 100, End: true } }, { TimeoutSeconds: 10 }),
    input: { a: 1 },
    error: { Error: 'States.Timeout' },
    check: (r) => assert.equal(r.seconds, 10),
  },
  // Fixed: TimeoutSecondsPath is resolved against the Task's resolved Parameters (the launch
  // request) instead of the state input. AWS "Task workflow state", "Dynamic task timeout and
  // heartbeat notification example"
  // (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html) reads
  // "TimeoutSecondsPath": "$.params.maxTime" from the input of a Task whose Parameters are only
  // {"JobName": "myGlueJob"}; AWS: "provide a timeout value dynamically from the state input".
  // (For dfchain the engine's reading also forces the timeout into the Dataflow launch request.)
  // Expected: FAILED, States.Timeout, after 45 s. Actual: FAILED at once with States.Runtime
  // "States.T.TimeoutSecondsPath: path "$.params.maxTime" not found in the state input".
  {
    it: 'TimeoutSecondsPath reads the timeout from the state input (AWS GlueJobTask example)',
    definition: chain({
      T: task('t', undefined, { TimeoutSecondsPath: '$.params.maxTime' }),
    }),
    input: { params: { maxTime: 45 } },
    outcomes: byState({ T: 'HANG' }),
    error: { Error: 'States.Timeout' },
    check: (r) => {
      assert.equal(r.seconds, 45);
      assert.equal(r.launched.length, 1);
    },
  },
  // Fixed: a Wait's Timestamp keeps its milliseconds. AWS "Wait workflow state"
  // (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html): "Currently, if you
  // specify the wait time as a timestamp, Step Functions considers the time value up to seconds
  // and truncates milliseconds." AWS wins (ARCHITECTURE.md §2.1). Expected: the Wait ends at
  // 10:00:01, 1 s after T0. Actual: 1.5 s (likewise for TimestampPath).
  {
    it: 'a Wait Timestamp is taken to the second: milliseconds are truncated (AWS)',
    definition: chain({
      W: { Type: 'Wait', Timestamp: '2026-11-22T10:00:01.500Z', End: true },
    }),
    input: { a: 1 },
    output: { a: 1 },
    check: (r) => assert.equal(r.seconds, 1),
  },
  // Fixed: HeartbeatSeconds is accepted on a Task (dag/schema.json; ARCHITECTURE.md §2.1
  // lists HeartbeatSeconds, States.HeartbeatTimeout and heartbeat timers that "fire on time")
  // but never enforced. Spec (https://states-language.net/spec.html#task-state): "If more time
  // than the specified seconds elapses between heartbeats from the task, then the interpreter
  // fails the state with a States.HeartbeatTimeout Error Name." A Dataflow job sends no
  // heartbeats, so with no heartbeat command the state fails after HeartbeatSeconds.
  // Expected: FAILED, States.HeartbeatTimeout, after 10 s. Actual: FAILED with States.Timeout
  // after 60 s (the heartbeat is ignored).
  {
    it: 'a Task receiving no heartbeat within HeartbeatSeconds fails with States.HeartbeatTimeout',
    definition: chain({
      T: task('t', undefined, { TimeoutSeconds: 60, HeartbeatSeconds: 10 }),
    }),
    outcomes: byState({ T: 'HANG' }),
    error: { Error: 'States.HeartbeatTimeout' },
    check: (r) => assert.equal(r.seconds, 10),
  },
];

describe('conformance: timeouts, heartbeats and Wait precision', () => {
  runCases(TIMEOUT_CASES);
});
