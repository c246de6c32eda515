import { strict as assert } from 'node:assert';
import type { Json, JsonObject } from '../../src/json.js';
import { task } from './harness.js';
import { chain, countCases, pass, runCases, type ConformanceCase } from './cases.js';

/**
 * Choice cases. Sources: the specification's Choice State section
 * (https://states-language.net/spec.html#choice-state) and AWS "Choice workflow state"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html). Each one-rule case
 * runs a Choice whose rule leads to `Yes` and whose Default is `No`.
 */
function rule(title: string, r: JsonObject, input: JsonObject, matches: boolean): ConformanceCase {
  return {
    it: title,
    definition: chain({
      C: { Type: 'Choice', Choices: [{ ...r, Next: 'Yes' }], Default: 'No' },
      Yes: pass(undefined, { Result: 'yes' }),
      No: pass(undefined, { Result: 'no' }),
    }),
    input,
    output: matches ? 'yes' : 'no',
  };
}

/** `Variable: $.v` compared with `operand` (literal), the value being `value`. */
function on(title: string, operator: string, operand: Json, value: Json, matches: boolean) {
  return rule(title, { Variable: '$.v', [operator]: operand }, { v: value }, matches);
}

/** `Variable: $.v` compared with the value at `$.w`. */
function onPath(title: string, operator: string, value: Json, other: Json, matches: boolean) {
  return rule(title, { Variable: '$.v', [operator]: '$.w' }, { v: value, w: other }, matches);
}

const T1 = '2016-03-14T01:59:00Z';
const T2 = '2016-03-14T02:00:00Z';

/** The specification's example Choice state, "ChoiceStateX". */
const CHOICE_STATE_X = chain({
  ChoiceStateX: {
    Type: 'Choice',
    Choices: [
      { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
      {
        And: [
          { Variable: '$.value', IsPresent: true },
          { Variable: '$.value', IsNumeric: true },
          { Variable: '$.value', NumericGreaterThanEquals: 20 },
          { Variable: '$.value', NumericLessThan: 30 },
        ],
        Next: 'ValueInTwenties',
      },
      { Variable: '$.rating', NumericGreaterThanPath: '$.auditThreshold', Next: 'StartAudit' },
    ],
    Default: 'RecordEvent',
  },
  Public: pass(undefined, { Result: 'Public' }),
  ValueInTwenties: pass(undefined, { Result: 'ValueInTwenties' }),
  StartAudit: pass(undefined, { Result: 'StartAudit' }),
  RecordEvent: pass(undefined, { Result: 'RecordEvent' }),
});

export const CHOICE_CASES: readonly ConformanceCase[] = [
  // --- The specification's example ---------------------------------------------------------
  {
    it: 'spec ChoiceStateX: Not StringEquals "Private" goes to Public',
    definition: CHOICE_STATE_X,
    input: { type: 'Public', value: 25 },
    output: 'Public',
  },
  {
    it: 'spec ChoiceStateX: a Private value in its twenties goes to ValueInTwenties',
    definition: CHOICE_STATE_X,
    input: { type: 'Private', value: 25 },
    output: 'ValueInTwenties',
  },
  {
    it: 'spec ChoiceStateX: a rating above the audit threshold goes to StartAudit',
    definition: CHOICE_STATE_X,
    input: { type: 'Private', value: 35, rating: 60, auditThreshold: 50 },
    output: 'StartAudit',
  },
  {
    it: 'spec ChoiceStateX: nothing matching goes to the Default, RecordEvent',
    definition: CHOICE_STATE_X,
    input: { type: 'Private', value: 'twenty', rating: 40, auditThreshold: 50 },
    output: 'RecordEvent',
  },
  // --- String operators -----------------------------------------------------------------------
  on('StringEquals matches an equal string', 'StringEquals', 'Private', 'Private', true),
  on('StringEquals is case-sensitive', 'StringEquals', 'Private', 'private', false),
  onPath('StringEqualsPath compares with the value at a path', 'StringEqualsPath', 'a', 'a', true),
  on('StringLessThan: "a" < "b"', 'StringLessThan', 'b', 'a', true),
  onPath('StringLessThanPath: "b" is not < "a"', 'StringLessThanPath', 'b', 'a', false),
  on('StringGreaterThan: "b" > "a"', 'StringGreaterThan', 'a', 'b', true),
  onPath('StringGreaterThanPath: "b" > "a"', 'StringGreaterThanPath', 'b', 'a', true),
  on('StringLessThanEquals: equal strings match', 'StringLessThanEquals', 'abc', 'abc', true),
  onPath(
    'StringLessThanEqualsPath: "abc" <= "abd"',
    'StringLessThanEqualsPath',
    'abc',
    'abd',
    true,
  ),
  on('StringGreaterThanEquals: "abd" >= "abc"', 'StringGreaterThanEquals', 'abc', 'abd', true),
  onPath(
    'StringGreaterThanEqualsPath: "abc" is not >= "abd"',
    'StringGreaterThanEqualsPath',
    'abc',
    'abd',
    false,
  ),
  on('StringEquals on a number is false, not an error', 'StringEquals', '1', 1, false),
  // AWS state-choice.html: StringMatches with "*" wildcards, e.g. "log-*.txt".
  on(
    'StringMatches "log-*.txt" matches "log-2026.txt"',
    'StringMatches',
    'log-*.txt',
    'log-2026.txt',
    true,
  ),
  on(
    'StringMatches "log-*.txt" does not match "log-2026.csv"',
    'StringMatches',
    'log-*.txt',
    'log-2026.csv',
    false,
  ),
  on('StringMatches "*" alone matches the empty string', 'StringMatches', '*', '', true),
  // Spec: "\\*" matches a literal asterisk.
  on(
    'StringMatches escaped "\\*" matches a literal asterisk',
    'StringMatches',
    'a\\*b',
    'a*b',
    true,
  ),
  on('StringMatches escaped "\\*" is no wildcard', 'StringMatches', 'a\\*b', 'axb', false),
  // --- Numeric operators ----------------------------------------------------------------------
  on('NumericEquals matches an equal number', 'NumericEquals', 1.5, 1.5, true),
  on('NumericEquals: 20 equals 20.0', 'NumericEquals', 20, 20.0, true),
  on('NumericEquals on the string "20" is false', 'NumericEquals', 20, '20', false),
  onPath('NumericEqualsPath compares with the number at a path', 'NumericEqualsPath', 7, 7, true),
  on('NumericLessThan: 25 < 30', 'NumericLessThan', 30, 25, true),
  on('NumericLessThan: 30 is not < 30', 'NumericLessThan', 30, 30, false),
  onPath('NumericLessThanPath: -1 < 0', 'NumericLessThanPath', -1, 0, true),
  on('NumericGreaterThan: 31 > 30', 'NumericGreaterThan', 30, 31, true),
  onPath('NumericGreaterThanPath: 1 is not > 2', 'NumericGreaterThanPath', 1, 2, false),
  on('NumericLessThanEquals: 30 <= 30', 'NumericLessThanEquals', 30, 30, true),
  onPath('NumericLessThanEqualsPath: 29.9 <= 30', 'NumericLessThanEqualsPath', 29.9, 30, true),
  on('NumericGreaterThanEquals: 20 >= 20', 'NumericGreaterThanEquals', 20, 20, true),
  onPath(
    'NumericGreaterThanEqualsPath: 19 is not >= 20',
    'NumericGreaterThanEqualsPath',
    19,
    20,
    false,
  ),
  // --- Boolean ----------------------------------------------------------------------------------
  on('BooleanEquals true matches true', 'BooleanEquals', true, true, true),
  on('BooleanEquals false does not match true', 'BooleanEquals', false, true, false),
  on('BooleanEquals on the string "true" is false', 'BooleanEquals', true, 'true', false),
  onPath(
    'BooleanEqualsPath compares with the boolean at a path',
    'BooleanEqualsPath',
    false,
    false,
    true,
  ),
  // --- Timestamps -------------------------------------------------------------------------------
  on('TimestampEquals matches the same instant', 'TimestampEquals', T1, T1, true),
  on(
    'TimestampEquals compares instants across offsets',
    'TimestampEquals',
    '2016-03-14T01:59:00Z',
    '2016-03-14T02:59:00+01:00',
    true,
  ),
  on(
    'TimestampEquals on a string that is no timestamp is false',
    'TimestampEquals',
    T1,
    'yesterday',
    false,
  ),
  onPath(
    'TimestampEqualsPath compares with the timestamp at a path',
    'TimestampEqualsPath',
    T1,
    T1,
    true,
  ),
  on('TimestampLessThan: earlier < later', 'TimestampLessThan', T2, T1, true),
  onPath('TimestampLessThanPath: later is not < earlier', 'TimestampLessThanPath', T2, T1, false),
  on('TimestampGreaterThan: later > earlier', 'TimestampGreaterThan', T1, T2, true),
  onPath('TimestampGreaterThanPath: later > earlier', 'TimestampGreaterThanPath', T2, T1, true),
  on('TimestampLessThanEquals: equal instants match', 'TimestampLessThanEquals', T1, T1, true),
  onPath(
    'TimestampLessThanEqualsPath: earlier <= later',
    'TimestampLessThanEqualsPath',
    T1,
    T2,
    true,
  ),
  on('TimestampGreaterThanEquals: later >= earlier', 'TimestampGreaterThanEquals', T1, T2, true),
  onPath(
    'TimestampGreaterThanEqualsPath: earlier is not >= later',
    'TimestampGreaterThanEqualsPath',
    T1,
    T2,
    false,
  ),
  // --- Type tests (spec: IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp) -----
  on('IsNull true matches null', 'IsNull', true, null, true),
  on('IsNull true does not match 0', 'IsNull', true, 0, false),
  on('IsPresent true matches a present field', 'IsPresent', true, 'x', true),
  rule(
    'IsPresent false matches a missing field (no error)',
    { Variable: '$.v', IsPresent: false },
    {},
    true,
  ),
  rule(
    'IsPresent true on a missing field is false (no error)',
    { Variable: '$.v', IsPresent: true },
    {},
    false,
  ),
  on('IsNumeric true matches 1.5', 'IsNumeric', true, 1.5, true),
  on('IsNumeric true does not match the string "1"', 'IsNumeric', true, '1', false),
  on('IsString true matches a string', 'IsString', true, 'x', true),
  on('IsString false matches a number', 'IsString', false, 1, true),
  on('IsBoolean true matches false', 'IsBoolean', true, false, true),
  on('IsTimestamp true matches an RFC 3339 timestamp', 'IsTimestamp', true, T1, true),
  on('IsTimestamp true does not match a bare date', 'IsTimestamp', true, '2016-03-14', false),
  // --- Boolean expressions ----------------------------------------------------------------------
  rule(
    'And matches when every rule matches',
    {
      And: [
        { Variable: '$.a', NumericGreaterThan: 1 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'x' },
    true,
  ),
  rule(
    'And does not match when one rule fails',
    {
      And: [
        { Variable: '$.a', NumericGreaterThan: 1 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'y' },
    false,
  ),
  rule(
    'Or matches when one rule matches',
    {
      Or: [
        { Variable: '$.a', NumericGreaterThan: 5 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'x' },
    true,
  ),
  rule(
    'Or does not match when no rule matches',
    {
      Or: [
        { Variable: '$.a', NumericGreaterThan: 5 },
        { Variable: '$.b', StringEquals: 'x' },
      ],
    },
    { a: 2, b: 'y' },
    false,
  ),
  rule('Not inverts its rule', { Not: { Variable: '$.a', IsNull: true } }, { a: 1 }, true),
  rule(
    'And, Or and Not nest',
    {
      Or: [
        { And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.a', IsNull: true } }] },
        { Variable: '$.b', BooleanEquals: true },
      ],
    },
    { a: null, b: true },
    true,
  ),
  rule(
    'Variable may select an array element',
    { Variable: '$.list[1]', StringEquals: 'b' },
    { list: ['a', 'b'] },
    true,
  ),
  rule(
    'Variable may read the context object ($$.Execution.Input)',
    { Variable: '$$.Execution.Input.mode', StringEquals: 'full' },
    { mode: 'full' },
    true,
  ),
  // --- Choice as a state ---------------------------------------------------------------------
  {
    it: 'the first matching rule decides, even when a later one also matches',
    definition: chain({
      C: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.n', NumericGreaterThan: 1, Next: 'First' },
          { Variable: '$.n', NumericGreaterThan: 0, Next: 'Second' },
        ],
      },
      First: pass(undefined, { Result: 'First' }),
      Second: pass(undefined, { Result: 'Second' }),
    }),
    input: { n: 5 },
    output: 'First',
  },
  // Spec: "If no Choice Rule matches and no Default ... States.NoChoiceMatched".
  {
    it: 'no rule matching and no Default fails with States.NoChoiceMatched',
    definition: chain({
      C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'One' }] },
      One: pass(),
    }),
    input: { n: 2 },
    error: { Error: 'States.NoChoiceMatched' },
  },
  // AWS: a Variable that selects nothing is States.Runtime ("Invalid path '$.x': The choice
  // state's condition path references an invalid value.").
  {
    it: 'a Variable selecting nothing fails the run with States.Runtime',
    definition: chain({
      C: {
        Type: 'Choice',
        Choices: [{ Variable: '$.missing', NumericEquals: 1, Next: 'One' }],
        Default: 'One',
      },
      One: pass(),
    }),
    input: { n: 2 },
    error: { Error: 'States.Runtime' },
  },
  // Spec: a Choice's output is its (filtered) input; it has no ResultPath.
  {
    it: 'a Choice passes its input on, shaped by InputPath and OutputPath; rules see the InputPath selection',
    definition: chain({
      C: {
        Type: 'Choice',
        InputPath: '$.order',
        OutputPath: '$.item',
        Choices: [{ Variable: '$.kind', StringEquals: 'book', Next: 'Book' }],
        Default: 'Other',
      },
      Book: pass(),
      Other: pass(undefined, { Result: 'other' }),
    }),
    input: { kind: 'not this one', order: { kind: 'book', item: { title: 'ASL' } } },
    output: { title: 'ASL' },
  },
  // Spec: Choice loops; dfchain names every entry of a Task apart (ARCHITECTURE.md §2.1: job
  // names are unique per run, state path and attempt).
  {
    it: 'a Choice loop re-enters a Task three times, each visit with its own job name',
    definition: chain({
      Count: pass('Work', {
        Parameters: { 'count.$': 'States.MathAdd($.count, 1)' },
      }),
      Work: task('work', 'Again', { ResultPath: null }),
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.count', NumericLessThan: 3, Next: 'Count' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    }),
    input: { count: 0 },
    output: { count: 3 },
    check: (r) => {
      assert.deepEqual(
        r.launched.map((s) => s.state),
        ['Work', 'Work', 'Work'],
      );
      assert.equal(new Set(r.launched.map((s) => s.jobName)).size, 3, 'distinct job names');
      assert.deepEqual(
        r.launched.map((s) => s.attempt),
        [0, 0, 0],
        'a new visit is no retry',
      );
    },
  },
  {
    it: 'a Choice loop with a Wait runs until its condition fails',
    definition: chain({
      Count: pass('Pause', { Parameters: { 'count.$': 'States.MathAdd($.count, 1)' } }),
      Pause: { Type: 'Wait', Seconds: 5, Next: 'Again' },
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.count', NumericLessThan: 4, Next: 'Count' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    }),
    input: { count: 0 },
    output: { count: 4 },
    check: (r) => assert.equal(r.seconds, 20),
  },
];

describe('conformance: Choice', () => {
  countCases('choice', CHOICE_CASES, 70);
  runCases(CHOICE_CASES);
});
