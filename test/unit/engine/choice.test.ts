import { strict as assert } from 'node:assert';
import {
  COMPARISON_OPERATORS,
  PATH_COMPARISON_OPERATORS,
  TYPE_TEST_OPERATORS,
  type ChoiceRule,
  type ChoiceState,
  type ComparisonOperator,
} from '../../../src/chain/types.js';
import {
  CHOICE_OPERATORS,
  chooseNext,
  evaluateRule,
  isChoiceOperator,
  operandProblem,
  referencePathProblem,
} from '../../../src/engine/choice.js';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';

const T = '2016-03-14T01:59:00Z';
const AWS = "The choice state's condition path references an invalid value.";
const GUARD = 'if it may be missing, test it first with "IsPresent".';

/** Asserts `run` throws a PathError with exactly `message`. */
function throwsPathError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof PathError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

// [operator, the Variable's value, the operand, expected]; every operator has a true, a false
// and a wrong-type case.
const LITERAL_CASES: [ComparisonOperator, Json, Json, boolean][] = [
  ['BooleanEquals', true, true, true],
  ['BooleanEquals', false, false, true],
  ['BooleanEquals', true, false, false],
  ['BooleanEquals', 'true', true, false],
  ['BooleanEquals', 1, true, false],
  ['BooleanEquals', null, false, false],

  ['NumericEquals', 1, 1, true],
  ['NumericEquals', 1, 1.0, true],
  ['NumericEquals', -2.25, -2.25, true],
  ['NumericEquals', 0, -0, true],
  ['NumericEquals', 1, 2, false],
  ['NumericEquals', '1', 1, false],
  ['NumericEquals', true, 1, false],
  ['NumericEquals', null, 0, false],
  ['NumericEquals', [1], 1, false],
  ['NumericGreaterThan', 2, 1, true],
  ['NumericGreaterThan', 1, 1, false],
  ['NumericGreaterThan', '2', 1, false],
  ['NumericGreaterThanEquals', 1, 1, true],
  ['NumericGreaterThanEquals', 1.5, 1, true],
  ['NumericGreaterThanEquals', 0.5, 1, false],
  ['NumericGreaterThanEquals', { n: 2 }, 1, false],
  ['NumericLessThan', -1, 0, true],
  ['NumericLessThan', 0, 0, false],
  ['NumericLessThan', false, 1, false],
  ['NumericLessThanEquals', 0, 0, true],
  ['NumericLessThanEquals', 1e-9, 0, false],
  ['NumericLessThanEquals', '0', 0, false],

  ['StringEquals', 'Private', 'Private', true],
  ['StringEquals', '', '', true],
  ['StringEquals', 'private', 'Private', false],
  ['StringEquals', 'Private ', 'Private', false],
  // No Unicode normalization: é precomposed is not e + combining accent.
  ['StringEquals', 'caf\u00e9', 'cafe\u0301', false],
  ['StringEquals', 1, '1', false],
  ['StringEquals', null, 'null', false],
  // A timestamp is a string to the String operators.
  ['StringEquals', T, T, true],
  ['StringGreaterThan', 'b', 'a', true],
  ['StringGreaterThan', 'MyStringABD', 'MyStringABC', true],
  ['StringGreaterThan', 'a', 'a', false],
  ['StringGreaterThan', 'B', 'a', false],
  ['StringGreaterThan', 2, '1', false],
  ['StringGreaterThanEquals', 'a', 'a', true],
  ['StringGreaterThanEquals', 'ab', 'a', true],
  ['StringGreaterThanEquals', '', 'a', false],
  ['StringGreaterThanEquals', true, 'a', false],
  ['StringLessThan', 'a', 'b', true],
  ['StringLessThan', 'a', 'ab', true],
  ['StringLessThan', 'b', 'a', false],
  // Java's compareTo (AWS): UTF-16 code units, so U+1F600 (D83D DE00) sorts before U+FFFF,
  // although its code point is larger.
  ['StringLessThan', '😀', '\uffff', true],
  ['StringLessThan', '10', '9', true],
  ['StringLessThan', 10, '9', false],
  ['StringLessThanEquals', 'a', 'a', true],
  ['StringLessThanEquals', 'Z', 'a', true],
  ['StringLessThanEquals', 'b', 'a', false],
  ['StringLessThanEquals', ['a'], 'a', false],
  ['StringMatches', 'log-2024.txt', 'log-*.txt', true],
  ['StringMatches', 'file*name', 'file\\*name', true],
  ['StringMatches', 'log-2024.csv', 'log-*.txt', false],
  ['StringMatches', 123, '123', false],
  ['StringMatches', 123, '*', false],

  ['TimestampEquals', T, T, true],
  ['TimestampEquals', '2016-03-14T01:59:00.000Z', T, true],
  ['TimestampEquals', '2016-03-14T03:59:00+02:00', T, true],
  ['TimestampEquals', '2016-03-14T01:59:00.000001Z', T, false],
  ['TimestampEquals', '2016-03-14T01:59:01Z', T, false],
  ['TimestampEquals', '2016-03-14', T, false],
  ['TimestampEquals', 'not-a-timestamp', T, false],
  ['TimestampEquals', 1457920740000, T, false],
  ['TimestampEquals', '2016-03-14t01:59:00z', T, false],
  ['TimestampGreaterThan', '2016-03-14T01:59:01Z', T, true],
  ['TimestampGreaterThan', T, T, false],
  ['TimestampGreaterThan', '2016-03-14T02:59:00+02:00', T, false],
  ['TimestampGreaterThan', '9999-99-99T99:99:99Z', T, false],
  ['TimestampGreaterThanEquals', T, T, true],
  ['TimestampGreaterThanEquals', '2016-03-14T01:59:00.5Z', T, true],
  ['TimestampGreaterThanEquals', '2016-03-14T01:58:59.999Z', T, false],
  ['TimestampGreaterThanEquals', true, T, false],
  ['TimestampLessThan', '2016-03-14T01:58:59Z', T, true],
  ['TimestampLessThan', T, T, false],
  ['TimestampLessThan', null, T, false],
  ['TimestampLessThanEquals', T, T, true],
  ['TimestampLessThanEquals', '2016-03-14T01:59:00.0000001Z', T, false],
  ['TimestampLessThanEquals', '2016-03-13T23:59:59Z', T, true],
  ['TimestampLessThanEquals', { at: T }, T, false],
  // A literal that is not a timestamp (validation rejects it) never matches.
  ['TimestampLessThanEquals', T, '2016-02-30T00:00:00Z', false],
];

describe('engine: Choice rules', () => {
  describe('comparisons with a literal', () => {
    for (const [operator, value, operand, expected] of LITERAL_CASES) {
      it(`${JSON.stringify(value)} ${operator} ${JSON.stringify(operand)} is ${expected}`, () => {
        const rule: ChoiceRule = { Variable: '$.v', [operator]: operand };
        assert.equal(evaluateRule(rule, { v: value }), expected);
      });
    }

    it('has a true, a false and a wrong-type case for every comparison operator', () => {
      for (const operator of COMPARISON_OPERATORS) {
        const rows = LITERAL_CASES.filter(([op]) => op === operator);
        assert.ok(rows.some((r) => r[3]) && rows.filter((r) => !r[3]).length >= 2, operator);
      }
    });
  });

  describe('…Path comparisons read the operand from the same input', () => {
    // The same cases, with the operand moved into the input.
    for (const [operator, value, operand, expected] of LITERAL_CASES) {
      if (operator === 'StringMatches') continue;
      const pathOperator = `${operator}Path`;
      it(`${JSON.stringify(value)} ${pathOperator} ${JSON.stringify(operand)} is ${expected}`, () => {
        const rule: ChoiceRule = { Variable: '$.v', [pathOperator]: '$.o' };
        assert.equal(evaluateRule(rule, { v: value, o: operand }), expected);
      });
    }

    it('covers every …Path operator', () => {
      const covered = new Set(LITERAL_CASES.map(([op]) => `${op}Path`));
      for (const operator of PATH_COMPARISON_OPERATORS) assert.ok(covered.has(operator), operator);
    });

    it('is false when the operand path selects a value of the wrong type', () => {
      const input = { left: 8, right: { value: 8 }, s: '8', ts: T, bad: 'soon' };
      assert.equal(
        evaluateRule({ Variable: '$.left', NumericEqualsPath: '$.right' }, input),
        false,
      );
      assert.equal(evaluateRule({ Variable: '$.left', NumericEqualsPath: '$.s' }, input), false);
      assert.equal(evaluateRule({ Variable: '$.s', StringEqualsPath: '$.left' }, input), false);
      assert.equal(evaluateRule({ Variable: '$.ts', TimestampEqualsPath: '$.bad' }, input), false);
      assert.equal(evaluateRule({ Variable: '$.ts', TimestampEqualsPath: '$.ts' }, input), true);
    });

    it('reads nested fields, indexes, the whole input and the context', () => {
      const input = { payload: { bounds: { low: -2.25, high: -2.25 } }, list: [3, 4] };
      const context = { Execution: { Input: { limit: 4 } } };
      const cases: [ChoiceRule, boolean][] = [
        [
          { Variable: '$.payload.bounds.low', NumericLessThanEqualsPath: '$.payload.bounds.high' },
          true,
        ],
        [{ Variable: '$.list[0]', NumericLessThanPath: '$.list[1]' }, true],
        [{ Variable: "$['list'][1]", NumericEqualsPath: '$$.Execution.Input.limit' }, true],
        [{ Variable: '$$.Execution.Input.limit', NumericGreaterThanPath: '$.list[0]' }, true],
        [{ Variable: '$.list[1]', NumericGreaterThanPath: '$$.Execution.Input.limit' }, false],
      ];
      for (const [rule, expected] of cases) {
        assert.equal(evaluateRule(rule, input, context), expected, JSON.stringify(rule));
      }
      assert.equal(
        evaluateRule({ Variable: '$', StringEquals: 'No messages' }, 'No messages'),
        true,
      );
    });

    it('fails when the operand path selects nothing, naming it', () => {
      throwsPathError(
        () => evaluateRule({ Variable: '$.left', NumericEqualsPath: '$.right' }, { left: 8 }),
        `Invalid path '$.right': ${AWS} Path "$.right" not found in the state input (the state input has no "right"); ${GUARD}`,
      );
    });

    it('fails for an operand that is not a path (validation rejects it first)', () => {
      throwsPathError(
        () => evaluateRule({ Variable: '$.a', NumericEqualsPath: 5 }, { a: 5 }),
        '"NumericEqualsPath": must be a reference path such as "$.limit", not the number 5',
      );
      throwsPathError(
        () => evaluateRule({ Variable: '$.a', NumericEqualsPath: '5' }, { a: 5 }),
        '"NumericEqualsPath": "5" is not a path: "NumericEqualsPath" compares with the value at a path such as "$.limit"; to compare with a fixed value, use "NumericEquals"',
      );
    });
  });

  describe('type tests', () => {
    const values: Record<string, Json> = {
      null: null,
      number: 1.5,
      zero: 0,
      string: 'x',
      empty: '',
      boolean: false,
      timestamp: T,
      badTimestamp: '2024-02-30T00:00:00Z',
      array: [],
      object: {},
    };
    const holds: Record<string, readonly string[]> = {
      IsPresent: Object.keys(values),
      IsNull: ['null'],
      IsNumeric: ['number', 'zero'],
      IsString: ['string', 'empty', 'timestamp', 'badTimestamp'],
      IsBoolean: ['boolean'],
      IsTimestamp: ['timestamp'],
    };
    for (const operator of TYPE_TEST_OPERATORS) {
      it(`${operator}: true for ${holds[operator]!.join(', ')} only; false inverts it`, () => {
        for (const [name, value] of Object.entries(values)) {
          const expected = holds[operator]!.includes(name);
          const input = { v: value };
          assert.equal(evaluateRule({ Variable: '$.v', [operator]: true }, input), expected, name);
          assert.equal(
            evaluateRule({ Variable: '$.v', [operator]: false }, input),
            !expected,
            name,
          );
        }
      });
    }

    it('IsPresent is false (never an error) for a path that selects nothing', () => {
      const input = { a: { b: 1 }, list: [1], s: 'x' };
      for (const path of ['$.missing', '$.a.c', '$.a.b.c', '$.list[1]', '$.s.x', '$.s[0]']) {
        assert.equal(evaluateRule({ Variable: path, IsPresent: true }, input), false, path);
        assert.equal(evaluateRule({ Variable: path, IsPresent: false }, input), true, path);
      }
      assert.equal(evaluateRule({ Variable: '$.a.b', IsPresent: true }, input), true);
      assert.equal(evaluateRule({ Variable: '$$.Task.Token', IsPresent: true }, input), false);
    });

    it('IsPresent is true for a field that holds null', () => {
      assert.equal(evaluateRule({ Variable: '$.n', IsPresent: true }, { n: null }), true);
    });
  });

  describe('a Variable that selects nothing is States.Runtime (a PathError), for every operator but IsPresent', () => {
    const operand: Record<string, Json> = {
      boolean: true,
      number: 1,
      string: 'x',
      pattern: 'x*',
      timestamp: T,
      path: '$.other',
    };
    for (const operator of Object.keys(CHOICE_OPERATORS)) {
      if (operator === 'IsPresent') continue;
      it(operator, () => {
        const rule: ChoiceRule = {
          Variable: '$.x',
          [operator]: operand[CHOICE_OPERATORS[operator as 'IsNull'].operand]!,
        };
        throwsPathError(
          () => evaluateRule(rule, { y: 1, other: 1 }),
          `Invalid path '$.x': ${AWS} Path "$.x" not found in the state input (the state input has no "x"); ${GUARD}`,
        );
      });
    }

    it('says which step is missing', () => {
      const cases: [path: string, input: Json, detail: string][] = [
        [
          '$.a.b',
          { a: 'str' },
          'Path "$.a.b" not found in the state input ($.a is a string, not an object)',
        ],
        [
          '$.a[3]',
          { a: [1] },
          'Path "$.a[3]" not found in the state input ($.a has 1 item, so [3] is out of range)',
        ],
        [
          '$.stauts',
          { status: 'x' },
          'Path "$.stauts" not found in the state input (the state input has no "stauts"; did you mean "status"?)',
        ],
      ];
      for (const [path, input, detail] of cases) {
        throwsPathError(
          () => evaluateRule({ Variable: path, StringEquals: 'x' }, input),
          `Invalid path '${path}': ${AWS} ${detail}; ${GUARD}`,
        );
      }
    });

    it('keeps the underlying PathError as the cause', () => {
      try {
        evaluateRule({ Variable: '$.x', IsNull: true }, {});
        assert.fail('no error');
      } catch (error) {
        assert.ok(error instanceof PathError && error.cause instanceof PathError);
      }
    });

    it('a Variable that is not a path is a PathError of its own', () => {
      throwsPathError(
        () => evaluateRule({ Variable: 'status', IsPresent: true }, { status: 1 }),
        'cannot parse "status" at character 1: a path starts with $ (the state input) or $$ (the context object)',
      );
      throwsPathError(
        () => evaluateRule({ Variable: '$.a[*]', IsPresent: true }, { a: [] }),
        'cannot parse "$.a[*]" at character 5: wildcards ("*") are not supported; name the field or index',
      );
    });
  });

  describe('And, Or, Not', () => {
    const input = { type: 'Private', value: 22, flag: true };
    const inTwenties: ChoiceRule = {
      And: [
        { Variable: '$.value', IsPresent: true },
        { Variable: '$.value', IsNumeric: true },
        { Variable: '$.value', NumericGreaterThanEquals: 20 },
        { Variable: '$.value', NumericLessThan: 30 },
      ],
    };
    const cases: [name: string, rule: ChoiceRule, expected: boolean][] = [
      ['Not of a true rule', { Not: { Variable: '$.type', StringEquals: 'Private' } }, false],
      ['Not of a false rule', { Not: { Variable: '$.type', StringEquals: 'Public' } }, true],
      ['Not Not', { Not: { Not: { Variable: '$.flag', BooleanEquals: true } } }, true],
      ['And, all true', inTwenties, true],
      [
        'And, one false',
        { And: [inTwenties, { Variable: '$.flag', BooleanEquals: false }] },
        false,
      ],
      [
        'Or, one true',
        {
          Or: [
            { Variable: '$.type', StringEquals: 'A' },
            { Variable: '$.type', StringEquals: 'Private' },
          ],
        },
        true,
      ],
      [
        'Or, none true',
        {
          Or: [
            { Variable: '$.type', StringEquals: 'A' },
            { Variable: '$.type', StringEquals: 'B' },
          ],
        },
        false,
      ],
      [
        'Or of And and Not',
        {
          Or: [
            { And: [{ Variable: '$.value', NumericGreaterThan: 100 }, inTwenties] },
            { Not: { Or: [{ Variable: '$.flag', BooleanEquals: false }] } },
          ],
        },
        true,
      ],
      [
        'Not of an And with a wrong type inside',
        { Not: { And: [inTwenties, { Variable: '$.type', NumericEquals: 1 }] } },
        true,
      ],
    ];
    for (const [name, rule, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.equal(evaluateRule(rule, input), expected));
    }

    it('stop as soon as the result is known, so a guarded missing field is no error', () => {
      const guarded: ChoiceRule = {
        And: [
          { Variable: '$.keyThatMightNotExist', IsPresent: true },
          { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' },
        ],
      };
      assert.equal(evaluateRule(guarded, {}), false);
      assert.equal(evaluateRule(guarded, { keyThatMightNotExist: 'foo' }), true);
      const either: ChoiceRule = {
        Or: [
          { Variable: '$.a', IsPresent: false },
          { Variable: '$.a', NumericEquals: 1 },
        ],
      };
      assert.equal(evaluateRule(either, {}), true);
    });

    it('raise the error of a rule they do reach', () => {
      const rule: ChoiceRule = {
        Not: {
          Or: [
            { Variable: '$.a', IsNull: true },
            { Variable: '$.gone', IsNull: true },
          ],
        },
      };
      throwsPathError(
        () => evaluateRule(rule, { a: 1 }),
        `Invalid path '$.gone': ${AWS} Path "$.gone" not found in the state input (the state input has no "gone"); ${GUARD}`,
      );
    });
  });

  describe('a rule that validation would reject fails as a PathError, not a crash', () => {
    const cases: [ChoiceRule, string][] = [
      [
        { Variable: '$.a' },
        'a Choice rule needs "And", "Or", "Not", or a "Variable" with exactly one operator; this one has no operator',
      ],
      [
        { Variable: '$.a', StringEquals: 'x', IsNull: true },
        'a Choice rule needs "And", "Or", "Not", or a "Variable" with exactly one operator; this one has "StringEquals", "IsNull"',
      ],
      [
        { StringEquals: 'x' },
        'a Choice rule needs "And", "Or", "Not", or a "Variable" with exactly one operator; this one has "StringEquals" and no "Variable"',
      ],
      [
        { Variable: '$.a', StringMatches: 'a\\' },
        String.raw`the pattern "a\\" ends with a lone backslash: in JSON, write "\\*" for a literal * and "\\\\" for a literal backslash`,
      ],
    ];
    for (const [rule, message] of cases) {
      it(JSON.stringify(rule), () =>
        throwsPathError(() => evaluateRule(rule, { a: 'a' }), message),
      );
    }
  });

  describe('chooseNext', () => {
    const state: ChoiceState = {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
        { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
        {
          And: [
            { Variable: '$.value', NumericGreaterThanEquals: 20 },
            { Variable: '$.value', NumericLessThan: 30 },
          ],
          Next: 'ValueInTwenties',
        },
        { Variable: '$.value', NumericLessThan: 30, Next: 'Small' },
      ],
      Default: 'DefaultState',
    };
    const cases: [input: Json, next: string][] = [
      [{ type: 'Public', value: 0 }, 'Public'],
      [{ type: 'Private', value: 0 }, 'ValueIsZero'],
      // The first matching rule wins, although the next one matches too.
      [{ type: 'Private', value: 22 }, 'ValueInTwenties'],
      [{ type: 'Private', value: 5 }, 'Small'],
      [{ type: 'Private', value: 99 }, 'DefaultState'],
      [{ type: 'Private', value: '22' }, 'DefaultState'],
    ];
    for (const [input, next] of cases) {
      it(`${JSON.stringify(input)} goes to ${next}`, () =>
        assert.equal(chooseNext(state, input), next));
    }

    it('is undefined when nothing matches and there is no Default', () => {
      const { Default: _default, ...noDefault } = state;
      assert.equal(chooseNext(noDefault, { type: 'Private', value: 99 }), undefined);
    });

    it('passes the context to the rules', () => {
      const byContext: ChoiceState = {
        Type: 'Choice',
        Choices: [{ Variable: '$$.Execution.Input.mode', StringEquals: 'full', Next: 'Full' }],
        Default: 'Delta',
      };
      assert.equal(chooseNext(byContext, {}, { Execution: { Input: { mode: 'full' } } }), 'Full');
      throwsPathError(
        () => chooseNext(byContext, {}),
        `Invalid path '$$.Execution.Input.mode': ${AWS} Path "$$.Execution.Input.mode" not found in the context object (the context object is null, not an object); ${GUARD}`,
      );
    });

    it('raises the error of a rule it reaches, even with a Default', () => {
      throwsPathError(
        () => chooseNext(state, { type: 'Private' }),
        `Invalid path '$.value': ${AWS} Path "$.value" not found in the state input (the state input has no "value"); ${GUARD}`,
      );
    });

    it('does not change its input', () => {
      const input = { type: 'Private', value: 22, nested: { list: [1] } };
      const copy = structuredClone(input);
      chooseNext(state, input);
      assert.deepEqual(input, copy);
    });
  });

  describe('the operator table the validator shares', () => {
    it('has exactly the operators of types.ts', () => {
      const names = [...COMPARISON_OPERATORS, ...PATH_COMPARISON_OPERATORS, ...TYPE_TEST_OPERATORS];
      assert.deepEqual(Object.keys(CHOICE_OPERATORS).sort(), [...names].sort());
      for (const name of names) assert.equal(isChoiceOperator(name), true, name);
      for (const name of [
        'And',
        'Or',
        'Not',
        'Variable',
        'Next',
        'toString',
        'StringMatchesPath',
      ]) {
        assert.equal(isChoiceOperator(name), false, name);
      }
    });

    describe('operandProblem', () => {
      const cases: [operator: string, operand: unknown, problem: string | undefined][] = [
        ['BooleanEquals', true, undefined],
        ['BooleanEquals', false, undefined],
        ['BooleanEquals', 'true', 'must be true or false, not the string "true" (drop the quotes)'],
        ['BooleanEquals', 1, 'must be true or false, not the number 1'],
        ['NumericEquals', 0, undefined],
        ['NumericLessThan', -2.5, undefined],
        ['NumericEquals', '5', 'must be a number, not the string "5" (drop the quotes)'],
        ['NumericEquals', '', 'must be a number, not the string ""'],
        ['NumericGreaterThan', 'x', 'must be a number, not the string "x"'],
        ['NumericGreaterThan', null, 'must be a number, not null'],
        ['NumericGreaterThan', [1], 'must be a number, not an array'],
        ['StringEquals', '', undefined],
        ['StringLessThan', 'b', undefined],
        ['StringEquals', 3, 'must be a string, not the number 3'],
        ['StringEquals', { a: 1 }, 'must be a string, not an object'],
        ['StringEquals', undefined, 'must be a string, not nothing'],
        ['StringMatches', 'log-*.txt', undefined],
        ['StringMatches', 'a\\*b\\\\', undefined],
        ['StringMatches', 7, 'must be a string, not the number 7'],
        [
          'StringMatches',
          'C:\\temp',
          String.raw`the pattern "C:\\temp" has "\\t", which is not an escape: in JSON, write "\\*" for a literal * and "\\\\" for a literal backslash`,
        ],
        ['TimestampEquals', T, undefined],
        ['TimestampLessThan', '2016-03-14T01:59:00.123456+02:00', undefined],
        [
          'TimestampEquals',
          '2024-02-30T00:00:00Z',
          '"2024-02-30T00:00:00Z" is not a timestamp: day 30 does not exist in February 2024 (01 to 29)',
        ],
        [
          'TimestampGreaterThan',
          '2024-01-01t00:00:00z',
          '"2024-01-01t00:00:00z" is not a timestamp: separate the date and the time with an uppercase T',
        ],
        [
          'TimestampEquals',
          1457920740000,
          'must be a timestamp string such as "2016-03-14T01:59:00Z", not the number 1457920740000',
        ],
        ['NumericEqualsPath', '$.limit', undefined],
        ['StringEqualsPath', "$$.Execution.Input['a b'][0]", undefined],
        ['TimestampLessThanPath', '$', undefined],
        [
          'NumericEqualsPath',
          '5',
          '"5" is not a path: "NumericEqualsPath" compares with the value at a path such as "$.limit"; to compare with a fixed value, use "NumericEquals"',
        ],
        ['BooleanEqualsPath', true, 'must be a reference path such as "$.limit", not true'],
        [
          'StringEqualsPath',
          '$.a b',
          'cannot parse "$.a b" at character 4: unexpected " " after "$.a"',
        ],
        [
          'StringEqualsPath',
          '$..a',
          'cannot parse "$..a" at character 2: recursive descent ("..") is not supported; spell out each field',
        ],
        [
          'StringEqualsPath',
          "States.Format('{}', $.a)",
          `"States.Format('{}', $.a)" is not a path: "StringEqualsPath" compares with the value at a path such as "$.limit"; to compare with a fixed value, use "StringEquals"`,
        ],
        ['IsPresent', true, undefined],
        ['IsTimestamp', false, undefined],
        ['IsNull', 'yes', 'must be true or false, not the string "yes"'],
        ['IsString', null, 'must be true or false, not null'],
        [
          'StringEqual',
          'x',
          '"StringEqual" is not a Choice operator (did you mean "StringEquals"?)',
        ],
        ['Foo', 1, '"Foo" is not a Choice operator'],
        [
          'StringMatchesPath',
          '$.p',
          '"StringMatchesPath" does not exist: StringMatches takes a fixed pattern only',
        ],
        // A long string is a string.
        ['StringEquals', 'x'.repeat(50), undefined],
      ];
      for (const [operator, operand, problem] of cases) {
        it(`${operator}: ${JSON.stringify(operand)} → ${problem ?? 'fine'}`, () => {
          assert.equal(operandProblem(operator, operand), problem);
        });
      }

      it('shortens a long operand it quotes', () => {
        assert.equal(
          operandProblem('NumericEquals', 'y'.repeat(50)),
          `must be a number, not the string "${'y'.repeat(40)}…"`,
        );
      });

      it('accepts every operand the evaluation tables above use', () => {
        for (const [operator, , operand] of LITERAL_CASES) {
          // The one literal that is wrong on purpose.
          if (operand === '2016-02-30T00:00:00Z') continue;
          assert.equal(
            operandProblem(operator, operand),
            undefined,
            `${operator} ${JSON.stringify(operand)}`,
          );
        }
      });
    });

    it('referencePathProblem checks a Variable', () => {
      assert.equal(referencePathProblem('$.a.b[0]'), undefined);
      assert.equal(referencePathProblem('$$.Map.Item.Value'), undefined);
      assert.equal(
        referencePathProblem('a.b'),
        'cannot parse "a.b" at character 1: a path starts with $ (the state input) or $$ (the context object)',
      );
      assert.equal(
        referencePathProblem(3),
        'must be a reference path such as "$.limit", not the number 3',
      );
    });
  });
});
