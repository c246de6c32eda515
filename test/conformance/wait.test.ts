import { strict as assert } from 'node:assert';
import type { JsonObject } from '../../src/json.js';
import { T0, task } from './harness.js';
import { branch, chain, countCases, pass, runCases, type ConformanceCase } from './cases.js';

/**
 * Wait cases. Sources: the specification's Wait State (https://states-language.net/spec.html#wait-state:
 * exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; timestamps per RFC 3339) and
 * AWS "Wait workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
 * The harness runs on simulated time from T0 (2026-11-22T10:00:00Z); `seconds` is how much passed.
 */
function wait(fields: JsonObject, next?: string): JsonObject {
  return { Type: 'Wait', ...fields, ...(next === undefined ? { End: true } : { Next: next }) };
}

/** A Wait alone, ending the run with its input after `seconds` of simulated time. */
function waits(title: string, fields: JsonObject, input: JsonObject, seconds: number) {
  return {
    it: title,
    definition: chain({ W: wait(fields) }),
    input,
    output: input,
    check: (r) => assert.equal(r.seconds, seconds, 'simulated seconds'),
  } satisfies ConformanceCase;
}

export const WAIT_CASES: readonly ConformanceCase[] = [
  waits('Seconds waits that many seconds and passes its input on', { Seconds: 10 }, { a: 1 }, 10),
  waits('Seconds 0 passes at once', { Seconds: 0 }, { a: 1 }, 0),
  waits('Timestamp waits until that time', { Timestamp: '2026-11-22T10:05:00Z' }, { a: 1 }, 300),
  waits(
    'Timestamp with an offset is the same instant in UTC',
    { Timestamp: '2026-11-22T11:01:00+01:00' },
    { a: 1 },
    60,
  ),
  // The spec's example timestamp, long past: the Wait does not wait.
  waits(
    'Timestamp in the past passes at once (spec example "2016-03-14T01:59:00Z")',
    { Timestamp: '2016-03-14T01:59:00Z' },
    { a: 1 },
    0,
  ),
  waits(
    'SecondsPath reads the seconds from the input',
    { SecondsPath: '$.delay' },
    { delay: 30 },
    30,
  ),
  // Spec example: "TimestampPath": "$.expirydate".
  waits(
    'TimestampPath reads the time from the input (spec "$.expirydate")',
    { TimestampPath: '$.expirydate' },
    { expirydate: '2026-11-22T10:00:45Z' },
    45,
  ),
  waits(
    'TimestampPath in the past passes at once',
    { TimestampPath: '$.expirydate' },
    { expirydate: '2016-03-14T01:59:00Z' },
    0,
  ),
  // AWS: a path that selects nothing, or a value of the wrong kind, fails with States.Runtime.
  {
    it: 'SecondsPath selecting nothing fails with States.Runtime',
    definition: chain({ W: wait({ SecondsPath: '$.delay' }) }),
    input: {},
    error: { Error: 'States.Runtime' },
  },
  {
    it: 'SecondsPath selecting a negative number fails with States.Runtime',
    definition: chain({ W: wait({ SecondsPath: '$.delay' }) }),
    input: { delay: -5 },
    error: { Error: 'States.Runtime' },
  },
  {
    it: 'TimestampPath selecting a string that is no timestamp fails with States.Runtime',
    definition: chain({ W: wait({ TimestampPath: '$.at' }) }),
    input: { at: 'tomorrow' },
    error: { Error: 'States.Runtime' },
  },
  {
    it: 'a Wait shapes its output with InputPath and OutputPath; SecondsPath reads the InputPath selection',
    definition: chain({ W: wait({ InputPath: '$.w', SecondsPath: '$.s', OutputPath: '$.keep' }) }),
    input: { s: 100, w: { s: 7, keep: 'k' } },
    output: 'k',
    check: (r) => assert.equal(r.seconds, 7),
  },
  {
    it: 'the state after a Wait is entered when the Wait ends ($$.State.EnteredTime)',
    definition: chain({
      W: wait({ Seconds: 10 }, 'After'),
      After: pass(undefined, { Parameters: { 'entered.$': '$$.State.EnteredTime' } }),
    }),
    output: { entered: '2026-11-22T10:00:10.000Z' },
  },
  {
    it: 'a Task after a Wait is launched only when the Wait ends',
    definition: chain({
      W: wait({ Seconds: 60 }, 'T'),
      T: task('t', undefined, { ResultPath: null }),
    }),
    input: { a: 1 },
    output: { a: 1 },
    check: (r) => {
      assert.equal(r.launched.length, 1);
      assert.equal(r.launched[0]?.intendedAt, '2026-11-22T10:01:00.000Z');
    },
  },
  {
    it: 'Waits in parallel branches run at the same time',
    definition: chain({
      P: {
        Type: 'Parallel',
        Branches: [
          branch({ A: wait({ Seconds: 30 }) }),
          branch({ B: wait({ Seconds: 50 }) }),
          branch({ C: wait({ Seconds: 10 }) }),
        ],
        End: true,
      },
    }),
    input: { x: 1 },
    output: [{ x: 1 }, { x: 1 }, { x: 1 }],
    check: (r) => assert.equal(r.seconds, 50),
  },
  {
    it: 'Waits in sequence add up',
    definition: chain({ A: wait({ Seconds: 30 }, 'B'), B: wait({ Seconds: 15 }) }),
    input: { x: 1 },
    output: { x: 1 },
    check: (r) => assert.equal(r.seconds, 45),
  },
];

describe('conformance: Wait', () => {
  it('the harness starts at the T0 these cases count from', () => {
    assert.equal(T0, '2026-11-22T10:00:00.000Z');
  });
  countCases('wait', WAIT_CASES, 15);
  runCases(WAIT_CASES);
});
