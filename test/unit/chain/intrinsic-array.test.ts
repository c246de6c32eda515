import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';
import { canonicalJson, partition, range, unique } from '../../../src/chain/intrinsic-array.js';
import { evaluateExpression, parsePathExpression } from '../../../src/chain/paths.js';

const INPUT: Json = {
  nine: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  dupes: [1, 2, 3, 3, 3, 3, 3, 3, 4],
  mixed: [
    null,
    null,
    true,
    true,
    false,
    false,
    1,
    1,
    1.1,
    0,
    'HelloWorld',
    'HelloWorld',
    [],
    [],
    [null],
    [null],
    { a: 1, b: 2 },
    { b: 2, a: 1 },
    { a: 1, b: 1 },
  ],
  json1: { a: { a1: 1, a2: 2 }, b: 2 },
  json2: { a: { a3: 1, a4: 2 }, c: 3 },
  proto: JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Json,
  text: 'abc',
  zero: 0,
  yes: true,
  big: 1e300,
  far: 5000,
  list: [1, 2],
};

const evaluate = (text: string): Json => evaluateExpression(parsePathExpression(text), INPUT, {});

type Good = [string, Json];
type Bad = [string, string];

/** The same three tables for each intrinsic: values, refusals of the text, failures at run time. */
function table(name: string, good: Good[], syntax: Bad[], runtime: Bad[]): void {
  describe(name, () => {
    for (const [text, value] of good) {
      it(`evaluates ${text}`, () => assert.deepEqual(evaluate(text), value));
    }
    for (const [text, message] of syntax) {
      it(`refuses ${text}`, () => {
        assert.throws(() => parsePathExpression(text), {
          name: 'PathError',
          message: `cannot parse ${JSON.stringify(text)} ${message}`,
        });
      });
    }
    for (const [text, message] of runtime) {
      it(`fails to evaluate ${text}`, () => {
        assert.throws(
          () => evaluate(text),
          (error: unknown) => {
            assert.ok(error instanceof PathError);
            assert.equal(error.message, message);
            return true;
          },
        );
      });
    }
  });
}

table(
  'States.ArrayPartition',
  [
    // AWS's example.
    ['States.ArrayPartition($.nine, 4)', [[1, 2, 3, 4], [5, 6, 7, 8], [9]]],
    ['States.ArrayPartition($.nine, 9)', [[1, 2, 3, 4, 5, 6, 7, 8, 9]]],
    ['States.ArrayPartition($.nine, 100)', [[1, 2, 3, 4, 5, 6, 7, 8, 9]]],
    ['States.ArrayPartition($.list, 1)', [[1], [2]]],
    ['States.ArrayPartition(States.Array(), 3)', []],
    // AWS rounds a chunk size that is not an integer to the nearest one.
    [
      'States.ArrayPartition($.nine, 2.5)',
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ],
    ['States.ArrayPartition($.list, 1.4)', [[1], [2]]],
  ],
  [
    [
      'States.ArrayPartition($.nine, 0)',
      'at character 31: States.ArrayPartition argument 2 (the chunk size) must be 1 or more, got number 0; write the number of items each chunk holds',
    ],
    [
      'States.ArrayPartition($.nine, -2)',
      'at character 31: States.ArrayPartition argument 2 (the chunk size) must be 1 or more, got number -2; write the number of items each chunk holds',
    ],
    [
      'States.ArrayPartition($.nine, 0.4)',
      'at character 31: States.ArrayPartition argument 2 (the chunk size) must be 1 or more, got number 0.4, which rounds to 0; write the number of items each chunk holds',
    ],
    [
      "States.ArrayPartition('x', 2)",
      'at character 23: States.ArrayPartition argument 1 must be an array, got string "x"',
    ],
    [
      "States.ArrayPartition($.nine, '2')",
      'at character 31: States.ArrayPartition argument 2 must be a number, got string "2"',
    ],
    [
      'States.ArrayPartition($.nine)',
      'at character 1: States.ArrayPartition takes 2 arguments, got 1',
    ],
    [
      'States.ArrayPartition($.nine, 1e999)',
      'at character 31: this number is too large; write one below 1e308',
    ],
  ],
  [
    [
      'States.ArrayPartition($.nine, $.zero)',
      'States.ArrayPartition argument 2 (the chunk size) must be 1 or more, got number 0; write the number of items each chunk holds',
    ],
    [
      'States.ArrayPartition($.text, 2)',
      'States.ArrayPartition argument 1 must be an array, got string "abc"',
    ],
    [
      'States.ArrayPartition($.nine, $.yes)',
      'States.ArrayPartition argument 2 must be a number, got boolean true',
    ],
    [
      'States.ArrayPartition($.nine, $.big)',
      'States.ArrayPartition argument 2 must be between -9007199254740991 and 9007199254740991, got number 1e+300',
    ],
  ],
);

table(
  'States.ArrayRange',
  [
    // AWS's example, and the ranges LocalStack recorded against AWS.
    ['States.ArrayRange(1, 9, 2)', [1, 3, 5, 7, 9]],
    ['States.ArrayRange(0, 9, 3)', [0, 3, 6, 9]],
    ['States.ArrayRange(0, 10, 3)', [0, 3, 6, 9]],
    ['States.ArrayRange(1, 9, 9)', [1]],
    ['States.ArrayRange(5, 5, 1)', [5]],
    ['States.ArrayRange(9, 1, -2)', [9, 7, 5, 3, 1]],
    ['States.ArrayRange(-3, 3, 3)', [-3, 0, 3]],
    // A step pointing away from the end: nothing to count.
    ['States.ArrayRange(1, 9, -1)', []],
    // AWS rounds every argument to the nearest integer.
    ['States.ArrayRange(0.5, 2.4, 1.4)', [1, 2]],
    ['States.ArrayRange(-0.4, 0, 1)', [0]],
    ['States.ArrayRange($.zero, States.ArrayLength($.list), 1)', [0, 1, 2]],
  ],
  [
    [
      'States.ArrayRange(1, 9, 0)',
      'at character 25: States.ArrayRange argument 3 (the step) must not be 0, got number 0; count up with a positive step, down with a negative one',
    ],
    [
      'States.ArrayRange(1, 9, 0.4)',
      'at character 25: States.ArrayRange argument 3 (the step) must not be 0, got number 0.4, which rounds to 0; count up with a positive step, down with a negative one',
    ],
    [
      'States.ArrayRange(0, 1000, 1)',
      'at character 1: States.ArrayRange: from 0 to 1000 by 1 makes 1001 items, more than the 1000 allowed; use a larger step (argument 3) or a shorter range',
    ],
    [
      'States.ArrayRange(0, -3000, -2)',
      'at character 1: States.ArrayRange: from 0 to -3000 by -2 makes 1501 items, more than the 1000 allowed; use a larger step (argument 3) or a shorter range',
    ],
    [
      "States.ArrayRange('1', 9, 1)",
      'at character 19: States.ArrayRange argument 1 must be a number, got string "1"',
    ],
    [
      'States.ArrayRange(1, null, 1)',
      'at character 22: States.ArrayRange argument 2 must be a number, got null',
    ],
  ],
  [
    [
      'States.ArrayRange(1, $.far, 1)',
      'States.ArrayRange: from 1 to 5000 by 1 makes 5000 items, more than the 1000 allowed; use a larger step (argument 3) or a shorter range',
    ],
    [
      'States.ArrayRange(1, 9, $.zero)',
      'States.ArrayRange argument 3 (the step) must not be 0, got number 0; count up with a positive step, down with a negative one',
    ],
    [
      'States.ArrayRange($.text, 9, 1)',
      'States.ArrayRange argument 1 must be a number, got string "abc"',
    ],
    [
      'States.ArrayRange(1, $.big, 1)',
      'States.ArrayRange argument 2 must be between -9007199254740991 and 9007199254740991, got number 1e+300',
    ],
  ],
);

table(
  'States.ArrayUnique',
  [
    // AWS's example.
    ['States.ArrayUnique($.dupes)', [1, 2, 3, 4]],
    // The values LocalStack recorded against AWS: equal as JSON, objects whatever their key order.
    [
      'States.ArrayUnique($.mixed)',
      [null, true, false, 1, 1.1, 0, 'HelloWorld', [], [null], { a: 1, b: 2 }, { a: 1, b: 1 }],
    ],
    ['States.ArrayUnique(States.Array())', []],
    ["States.ArrayUnique(States.Array('1', 1, '1', 1))", ['1', 1]],
    [
      'States.ArrayUnique(States.Array($.list, States.Array(2, 1), $.list))',
      [
        [1, 2],
        [2, 1],
      ],
    ],
    ['States.ArrayUnique($.nine)', [1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ],
  [
    [
      "States.ArrayUnique('x')",
      'at character 20: States.ArrayUnique argument 1 must be an array, got string "x"',
    ],
    ['States.ArrayUnique()', 'at character 1: States.ArrayUnique takes 1 argument, got 0'],
    ['States.ArrayUnique($.nine, 1)', 'at character 1: States.ArrayUnique takes 1 argument, got 2'],
    [
      'States.ArrayUnique(null)',
      'at character 20: States.ArrayUnique argument 1 must be an array, got null',
    ],
  ],
  [
    [
      'States.ArrayUnique($.text)',
      'States.ArrayUnique argument 1 must be an array, got string "abc"',
    ],
    [
      'States.ArrayUnique($.json1)',
      'States.ArrayUnique argument 1 must be an array, got an object',
    ],
  ],
);

table(
  'States.JsonMerge',
  [
    // AWS's example: shallow, so json2's "a" replaces json1's whole.
    ['States.JsonMerge($.json1, $.json2, false)', { a: { a3: 1, a4: 2 }, b: 2, c: 3 }],
    ['States.JsonMerge($.json2, $.json1, false)', { a: { a1: 1, a2: 2 }, b: 2, c: 3 }],
    ["States.JsonMerge($.json1, States.StringToJson('{}'), false)", { a: { a1: 1, a2: 2 }, b: 2 }],
    ["States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), false)", {}],
    [
      'States.JsonMerge($.json1, States.StringToJson(\'{"b": null}\'), false)',
      { a: { a1: 1, a2: 2 }, b: null },
    ],
  ],
  [
    [
      'States.JsonMerge($.json1, $.json2, true)',
      'at character 36: States.JsonMerge argument 3 must be false: AWS Step Functions merges shallowly only (the deep merge of true is refused there), so write false',
    ],
    [
      "States.JsonMerge($.json1, $.json2, 'false')",
      'at character 36: States.JsonMerge argument 3 must be a boolean, got string "false"',
    ],
    [
      'States.JsonMerge(null, $.json2, false)',
      'at character 18: States.JsonMerge argument 1 must be an object, got null',
    ],
    [
      'States.JsonMerge($.json1, $.json2)',
      'at character 1: States.JsonMerge takes 3 arguments, got 2',
    ],
  ],
  [
    // A nested call is not a literal: checked when it is evaluated.
    [
      'States.JsonMerge(States.Array(), $.json2, false)',
      'States.JsonMerge argument 1 must be an object, got an array',
    ],
    [
      'States.JsonMerge($.json1, $.text, false)',
      'States.JsonMerge argument 2 must be an object, got string "abc"',
    ],
    [
      'States.JsonMerge($.json1, $.json2, $.yes)',
      'States.JsonMerge argument 3 must be false: AWS Step Functions merges shallowly only (the deep merge of true is refused there), so write false',
    ],
  ],
);

describe('array intrinsics, their helpers', () => {
  it('keeps a "__proto__" field of a merged object as a field', () => {
    const merged = evaluate('States.JsonMerge($.proto, $.json2, false)') as Record<string, Json>;
    assert.ok(Object.hasOwn(merged, '__proto__'));
    assert.deepEqual(Object.keys(merged), ['__proto__', 'y', 'a', 'c']);
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  });

  it('leaves the merged objects alone', () => {
    const input = { a: { x: 1 }, b: { y: 2 } };
    const merged = evaluateExpression(
      parsePathExpression('States.JsonMerge($.a, $.b, false)'),
      input,
      {},
    );
    assert.deepEqual(merged, { x: 1, y: 2 });
    assert.deepEqual(input, { a: { x: 1 }, b: { y: 2 } });
  });

  it('writes canonical JSON with sorted keys and no recursion', () => {
    assert.equal(
      canonicalJson({ b: [1, { d: null, c: 'x' }], a: true }),
      '{"a":true,"b":[1,{"c":"x","d":null}]}',
    );
    assert.equal(canonicalJson([]), '[]');
    assert.equal(canonicalJson({}), '{}');
    assert.equal(canonicalJson(-0), '0');
    let deep: Json = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    assert.equal(canonicalJson(deep).length, 40_001);
  });

  it('finds deep duplicates without recursion', () => {
    let a: Json = 1;
    let b: Json = 1;
    for (let i = 0; i < 20_000; i++) {
      a = [a];
      b = [b];
    }
    assert.equal(unique([a, b, 2]).length, 2);
  });

  it('partitions and counts ranges directly', () => {
    assert.deepEqual(partition([1, 2, 3], 2), [[1, 2], [3]]);
    assert.deepEqual(range(3, 1, -1), [3, 2, 1]);
    assert.throws(() => range(0, 1000, 1), { name: 'PathError' });
    assert.equal(range(1, 1000, 1).length, 1000);
  });
});
