import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';
import { roundArgument } from '../../../src/chain/intrinsics.js';
import { evaluateExpression, parsePathExpression } from '../../../src/chain/paths.js';

const INPUT: Json = {
  value1: 111,
  step: -1,
  start: 1,
  end: 999,
  five: 5,
  text: 'abc',
  huge: 3_000_000_000,
  inf: JSON.parse('1e999') as Json,
};

const evaluate = (text: string, seed = ''): Json =>
  evaluateExpression(parsePathExpression(text), INPUT, {}, seed);

type Bad = [string, string];

function refuses(rows: Bad[]): void {
  for (const [text, message] of rows) {
    it(`refuses ${text}`, () => {
      assert.throws(() => parsePathExpression(text), {
        name: 'PathError',
        message: `cannot parse ${JSON.stringify(text)} ${message}`,
      });
    });
  }
}

function failsAtRunTime(rows: Bad[]): void {
  for (const [text, message] of rows) {
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
}

describe('States.MathAdd', () => {
  const good: [string, Json][] = [
    // AWS's example.
    ['States.MathAdd($.value1, $.step)', 110],
    ['States.MathAdd(-9, 3)', -6],
    // Recorded against AWS (LocalStack's snapshot): arguments are rounded, halves up.
    ['States.MathAdd(1.49, 1.50)', 3],
    ['States.MathAdd(1.50, 1.51)', 4],
    ['States.MathAdd(-1.49, -1.50)', -2],
    ['States.MathAdd(-1.50, -1.51)', -3],
    ['States.MathAdd(-0.4, 0)', 0],
    // The bounds AWS documents, and a sum past them (AWS does not say it is refused).
    ['States.MathAdd(2147483647, 0)', 2147483647],
    ['States.MathAdd(-2147483648, 0)', -2147483648],
    ['States.MathAdd(2147483647, 2147483647)', 4294967294],
    ['States.MathAdd(2147483647.4, 0)', 2147483647],
  ];
  for (const [text, value] of good) {
    it(`evaluates ${text}`, () => assert.deepEqual(evaluate(text), value));
  }

  refuses([
    [
      'States.MathAdd(2147483648, 0)',
      'at character 16: States.MathAdd argument 1 must be between -2147483648 and 2147483647 (the 32-bit range AWS Step Functions accepts), got number 2147483648',
    ],
    [
      'States.MathAdd(0, -2147483649)',
      'at character 19: States.MathAdd argument 2 must be between -2147483648 and 2147483647 (the 32-bit range AWS Step Functions accepts), got number -2147483649',
    ],
    [
      'States.MathAdd(2147483647.5, 0)',
      'at character 16: States.MathAdd argument 1 must be between -2147483648 and 2147483647 (the 32-bit range AWS Step Functions accepts), got number 2147483647.5, which rounds to 2147483648',
    ],
    [
      "States.MathAdd('1', 2)",
      'at character 16: States.MathAdd argument 1 must be a number, got string "1"',
    ],
    [
      'States.MathAdd(true, 2)',
      'at character 16: States.MathAdd argument 1 must be a number, got boolean true',
    ],
    ['States.MathAdd(1, 2, 3)', 'at character 1: States.MathAdd takes 2 arguments, got 3'],
  ]);

  failsAtRunTime([
    [
      'States.MathAdd($.huge, 1)',
      'States.MathAdd argument 1 must be between -2147483648 and 2147483647 (the 32-bit range AWS Step Functions accepts), got number 3000000000',
    ],
    ['States.MathAdd(1, $.text)', 'States.MathAdd argument 2 must be a number, got string "abc"'],
    ['States.MathAdd(1, $.inf)', 'States.MathAdd argument 2 must be a number, got number Infinity'],
  ]);

  it('rounds halves up, like Java and AWS, and never yields -0', () => {
    const rows: [number, number][] = [
      [0.5, 1],
      [1.5, 2],
      [2.5, 3],
      [-0.5, 0],
      [-1.5, -1],
      [-2.5, -2],
      [-0.2, 0],
      [0.49999999999999994, 0],
    ];
    for (const [value, rounded] of rows) {
      assert.ok(Object.is(roundArgument(value), rounded), `${value} -> ${roundArgument(value)}`);
    }
  });
});

describe('States.MathRandom', () => {
  it('draws an integer in [start, end): the start may come, the end never does', () => {
    const seen = new Set<Json>();
    for (let i = 0; i < 400; i++) seen.add(evaluate('States.MathRandom(0, 4)', `seed-${i}`));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  });

  const inRange: [string, number, number][] = [
    ['States.MathRandom($.start, $.end)', 1, 999],
    ['States.MathRandom(-99999, -9999)', -99999, -9999],
    // Recorded against AWS with 12.5 and 44.51: rounded, so within [13, 45).
    ['States.MathRandom(12.5, 44.51)', 13, 45],
    ['States.MathRandom(0, 1)', 0, 1],
    ['States.MathRandom(-9007199254740991, 9007199254740991)', -9007199254740991, 9007199254740991],
  ];
  for (const [text, start, end] of inRange) {
    it(`evaluates ${text} within [${start}, ${end})`, () => {
      for (let i = 0; i < 50; i++) {
        const value = evaluate(text, `run-${i}`) as number;
        assert.ok(Number.isSafeInteger(value) && value >= start && value < end, String(value));
      }
    });
  }

  it('gives the same number for the same explicit seed, whatever the run (as AWS does)', () => {
    const values = ['a', 'b', 'c', ''].map((seed) =>
      evaluate('States.MathRandom(1, 999, 3)', seed),
    );
    assert.deepEqual(values, [238, 238, 238, 238]);
    assert.equal(evaluate('States.MathRandom(1, 999, 3.2)'), 238, 'the seed is rounded too');
    assert.notEqual(evaluate('States.MathRandom(1, 999, 4)'), 238);
  });

  it('is the same for the same run seed, and differs between run seeds', () => {
    assert.equal(evaluate('States.MathRandom(1, 999)', 'run-1/Ingest/0'), 962);
    assert.equal(evaluate('States.MathRandom(1, 999)', 'run-1/Ingest/0'), 962);
    const values = new Set(
      Array.from({ length: 20 }, (_, i) => evaluate('States.MathRandom(0, 1000000)', `s${i}`)),
    );
    assert.ok(values.size >= 19, `only ${values.size} distinct values`);
  });

  refuses([
    [
      'States.MathRandom(5, 5)',
      'at character 1: States.MathRandom: the start (argument 1, number 5) must be less than the end (argument 2, number 5), which is never drawn; raise the end',
    ],
    [
      'States.MathRandom(5, 1)',
      'at character 1: States.MathRandom: the start (argument 1, number 5) must be less than the end (argument 2, number 1), which is never drawn; raise the end',
    ],
    [
      'States.MathRandom(1.4, 1.2)',
      'at character 1: States.MathRandom: the start (argument 1, number 1.4, which rounds to 1) must be less than the end (argument 2, number 1.2, which rounds to 1), which is never drawn; raise the end',
    ],
    [
      "States.MathRandom('1', 2)",
      'at character 19: States.MathRandom argument 1 must be a number, got string "1"',
    ],
    [
      "States.MathRandom(1, 2, 'x')",
      'at character 25: States.MathRandom argument 3 must be a number, got string "x"',
    ],
    [
      'States.MathRandom(1, 1e300)',
      'at character 22: States.MathRandom argument 2 must be between -9007199254740991 and 9007199254740991, got number 1e+300',
    ],
  ]);

  failsAtRunTime([
    [
      'States.MathRandom($.five, $.start)',
      'States.MathRandom: the start (argument 1, number 5) must be less than the end (argument 2, number 1), which is never drawn; raise the end',
    ],
    [
      'States.MathRandom($.text, 9)',
      'States.MathRandom argument 1 must be a number, got string "abc"',
    ],
    [
      'States.MathRandom(0, 9, $.text)',
      'States.MathRandom argument 3 must be a number, got string "abc"',
    ],
  ]);
});
