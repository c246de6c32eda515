import { strict as assert } from 'node:assert';
import type { Json, JsonObject } from '../../src/json.js';
import { chain, countCases, pass, runCases, type ConformanceCase } from './cases.js';

/**
 * Every intrinsic of the specification (Appendix B, https://states-language.net/spec.html#appendix-b)
 * inside a Pass state's Parameters, with the inputs and outputs of AWS's examples in "Intrinsic
 * functions for JSONPath states in Step Functions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
 * Failures: AWS raises States.Runtime for an intrinsic that fails (the spec's
 * States.IntrinsicFailure is not what AWS reports); AWS wins (ARCHITECTURE.md §2.1).
 */
function intrinsic(title: string, expression: string, input: JsonObject, expected: Json) {
  return {
    it: title,
    definition: chain({ P: pass(undefined, { Parameters: { 'value.$': expression } }) }),
    input,
    output: { value: expected },
  } satisfies ConformanceCase;
}

/** An intrinsic call that fails: the run fails with States.Runtime, its Catch notwithstanding. */
function failing(title: string, expression: string, input: JsonObject): ConformanceCase {
  return {
    it: title,
    definition: chain({ P: pass(undefined, { Parameters: { 'value.$': expression } }) }),
    input,
    error: { Error: 'States.Runtime' },
  };
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const INTRINSIC_CASES: readonly ConformanceCase[] = [
  // --- States.Format --------------------------------------------------------------------------
  intrinsic(
    'States.Format fills {} from a path (AWS "Hello, my name is" example)',
    "States.Format('Hello, my name is {}.', $.name)",
    { name: 'Arnav' },
    'Hello, my name is Arnav.',
  ),
  intrinsic(
    'States.Format with an escaped quote (AWS "John Doe\'s playlist" example)',
    "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
    { firstName: 'John', lastName: 'Doe' },
    "Welcome to John Doe's playlist.",
  ),
  intrinsic(
    'States.Format renders numbers, booleans and null as JSON text',
    "States.Format('{}-{}-{}', $.n, $.b, $.z)",
    { n: 42, b: true, z: null },
    '42-true-null',
  ),
  // --- JSON manipulation ------------------------------------------------------------------------
  intrinsic(
    'States.StringToJson parses an escaped JSON string (AWS example)',
    'States.StringToJson($.escapedJsonString)',
    { escapedJsonString: '{"foo": "bar"}' },
    { foo: 'bar' },
  ),
  intrinsic(
    'States.JsonToString serialises an object (AWS example)',
    'States.JsonToString($.unescapedJson)',
    { unescapedJson: { foo: 'bar' } },
    '{"foo":"bar"}',
  ),
  intrinsic(
    'States.JsonMerge merges shallowly: the second object wins at top level (AWS example)',
    'States.JsonMerge($.json1, $.json2, false)',
    { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
    { a: { a3: 1, a4: 2 }, b: 2, c: 3 },
  ),
  // --- Arrays -----------------------------------------------------------------------------------
  intrinsic(
    'States.Array builds an array of literals and path values (AWS example)',
    "States.Array('Foo', 2020, $.someJson, null)",
    { someJson: { random: 'abcdefg' } },
    ['Foo', 2020, { random: 'abcdefg' }, null],
  ),
  intrinsic(
    'States.ArrayPartition chunks an array (AWS example: chunks of 4)',
    'States.ArrayPartition($.inputArray, 4)',
    { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
  ),
  intrinsic(
    'States.ArrayContains finds a value (AWS example)',
    'States.ArrayContains($.inputArray, $.lookingFor)',
    { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 },
    true,
  ),
  intrinsic(
    'States.ArrayContains compares objects by value',
    'States.ArrayContains($.list, $.item)',
    { list: [{ a: 1 }, { a: 2 }], item: { a: 2 } },
    true,
  ),
  intrinsic(
    'States.ArrayRange counts from first to last by step (AWS example)',
    'States.ArrayRange(1, 9, 2)',
    {},
    [1, 3, 5, 7, 9],
  ),
  intrinsic(
    'States.ArrayGetItem returns the item at an index (AWS example)',
    'States.ArrayGetItem($.inputArray, $.index)',
    { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 },
    6,
  ),
  intrinsic(
    'States.ArrayLength counts the items (AWS example)',
    'States.ArrayLength($.inputArray)',
    { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    9,
  ),
  intrinsic(
    'States.ArrayUnique drops repeated values, keeping the first (AWS example)',
    'States.ArrayUnique($.inputArray)',
    { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] },
    [1, 2, 3, 4],
  ),
  // --- Encoding and hashing --------------------------------------------------------------------
  intrinsic(
    'States.Base64Encode (AWS example)',
    'States.Base64Encode($.input)',
    { input: 'Data to encode' },
    'RGF0YSB0byBlbmNvZGU=',
  ),
  intrinsic(
    'States.Base64Decode (AWS example)',
    'States.Base64Decode($.base64)',
    { base64: 'RGF0YSB0byBlbmNvZGU=' },
    'Data to encode',
  ),
  intrinsic(
    'States.Hash SHA-1 (AWS example)',
    'States.Hash($.Data, $.Algorithm)',
    { Data: 'input data', Algorithm: 'SHA-1' },
    'aaff4a450a104cd177d28d18d74485e8cae074b7',
  ),
  intrinsic(
    'States.Hash SHA-256 of "abc" (the FIPS 180-2 test vector)',
    "States.Hash('abc', 'SHA-256')",
    {},
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  ),
  // --- Math -------------------------------------------------------------------------------------
  intrinsic(
    'States.MathAdd adds (AWS example: 111 + -1)',
    'States.MathAdd($.value1, $.step)',
    { value1: 111, step: -1 },
    110,
  ),
  {
    it: 'States.MathRandom draws an integer in [start, end) (AWS example: 1, 999)',
    definition: chain({
      P: pass(undefined, { Parameters: { 'random.$': 'States.MathRandom($.start, $.end)' } }),
    }),
    input: { start: 1, end: 999 },
    output: (r) => r.output ?? null,
    check: (r) => {
      const value = (r.output as { random?: unknown }).random;
      assert.ok(Number.isInteger(value), `an integer: ${JSON.stringify(value)}`);
      assert.ok((value as number) >= 1 && (value as number) < 999, `in range: ${String(value)}`);
    },
  },
  {
    it: 'States.MathRandom with a seed (AWS: optional third argument) stays in [start, end)',
    definition: chain({
      P: pass(undefined, { Parameters: { 'random.$': 'States.MathRandom(1, 999, 1234)' } }),
    }),
    output: (r) => r.output ?? null,
    check: (r) => {
      const value = (r.output as { random?: unknown }).random;
      assert.ok(Number.isInteger(value) && (value as number) >= 1 && (value as number) < 999);
    },
  },
  // --- Strings ----------------------------------------------------------------------------------
  intrinsic(
    'States.StringSplit splits at a delimiter (AWS example)',
    'States.StringSplit($.inputString, $.splitter)',
    { inputString: '1,2,3,4,5', splitter: ',' },
    ['1', '2', '3', '4', '5'],
  ),
  intrinsic(
    'States.StringSplit splits at every delimiter character (AWS example ".+,=")',
    'States.StringSplit($.inputString, $.splitter)',
    { inputString: 'This.is+a,test=string', splitter: '.+,=' },
    ['This', 'is', 'a', 'test', 'string'],
  ),
  // --- UUID -------------------------------------------------------------------------------------
  {
    it: 'States.UUID returns a version 4 UUID',
    definition: chain({
      P: pass(undefined, { Parameters: { 'uuid.$': 'States.UUID()' } }),
    }),
    output: (r) => r.output ?? null,
    check: (r) => assert.match(String((r.output as { uuid?: unknown }).uuid), UUID_V4),
  },
  // --- Nesting and context ----------------------------------------------------------------------
  // AWS: intrinsics nest (its myArn example nests nine); they may read $$.
  intrinsic(
    'intrinsics nest: Format of ArrayGetItem of StringSplit (AWS myArn pattern)',
    "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit($.arn, '/'), 1), States.ArrayLength(States.StringSplit($.arn, '/')))",
    { arn: 'recipe/image/1.0' },
    'image.3',
  ),
  intrinsic(
    'an intrinsic may read the context object',
    "States.Format('{} ran {}', $$.State.Name, $$.Execution.Input.what)",
    { what: 'tests' },
    'P ran tests',
  ),
  // --- Failures: States.Runtime (AWS) ---------------------------------------------------------
  failing(
    'States.ArrayGetItem out of range fails with States.Runtime',
    'States.ArrayGetItem($.list, 5)',
    { list: [1, 2] },
  ),
  failing(
    'States.StringToJson of text that is not JSON fails with States.Runtime',
    'States.StringToJson($.text)',
    { text: '{not json' },
  ),
  failing('States.MathAdd of a string fails with States.Runtime', 'States.MathAdd($.a, 1)', {
    a: 'one',
  }),
  failing(
    'States.ArrayPartition with chunk size 0 fails with States.Runtime',
    'States.ArrayPartition($.list, $.size)',
    { list: [1, 2], size: 0 },
  ),
  failing(
    'States.Hash with an algorithm AWS does not offer fails with States.Runtime',
    'States.Hash($.data, $.algorithm)',
    { data: 'x', algorithm: 'SHA-3' },
  ),
  failing(
    'an intrinsic argument path selecting nothing fails with States.Runtime',
    "States.Format('{}', $.missing)",
    {},
  ),
  {
    it: "a failing intrinsic in a Task's Parameters is not caught by States.ALL",
    definition: chain({
      T: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Region: 'europe-west4',
        Parameters: {
          jobName: 't',
          containerSpecGcsPath: 'gs://b/t.json',
          parameters: { 'n.$': 'States.ArrayGetItem($.list, 9)' },
        },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: pass(),
    }),
    input: { list: [1] },
    error: { Error: 'States.Runtime' },
    check: (r) => assert.deepEqual(r.launched, [], 'no job is launched'),
  },
];

describe('conformance: intrinsic functions', () => {
  countCases('intrinsics', INTRINSIC_CASES, 30);
  it('covers every intrinsic of the specification', () => {
    const used = new Set(
      INTRINSIC_CASES.flatMap(
        (c) => JSON.stringify(c.definition).match(/States\.[A-Za-z0-9]+\(/g) ?? [],
      ),
    );
    const all = [
      'Format',
      'StringToJson',
      'JsonToString',
      'Array',
      'ArrayPartition',
      'ArrayContains',
      'ArrayRange',
      'ArrayGetItem',
      'ArrayLength',
      'ArrayUnique',
      'Base64Encode',
      'Base64Decode',
      'Hash',
      'JsonMerge',
      'MathRandom',
      'MathAdd',
      'StringSplit',
      'UUID',
    ];
    assert.deepEqual(
      all.filter((name) => !used.has(`States.${name}(`)),
      [],
    );
  });
  runCases(INTRINSIC_CASES);
});
