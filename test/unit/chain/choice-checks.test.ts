import { strict as assert } from 'node:assert';
import { choiceProblems } from '../../../src/chain/choice-checks.js';

/** The problems of a Choice state named C with these rules, inside a Map's item processor. */
function problems(Choices: unknown): string[] {
  const chain = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Choice', Choices } } },
        End: true,
      },
    },
  };
  return choiceProblems(chain).map((p) => `${p.path}: ${p.message}`);
}

const C = 'States.Each.ItemProcessor.States.C.Choices';

describe('choiceProblems', () => {
  const cases: { name: string; rules: unknown; expected: string[] }[] = [
    {
      name: 'well-formed rules of every shape',
      rules: [
        { Variable: '$.a', StringEquals: 'x', Next: 'D' },
        { Variable: '$$.Map.Item.Index', NumericLessThanPath: '$.n', Next: 'D', Comment: 'c' },
        {
          And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.b', IsNull: false } }],
          Next: 'D',
        },
        { Or: [{ Or: [{ Variable: '$.t', TimestampEquals: '2024-01-01T00:00:00Z' }] }], Next: 'D' },
      ],
      expected: [],
    },
    {
      name: 'a top-level rule without Next; nested rules with Next, at any depth',
      rules: [
        { Variable: '$.a', IsString: true },
        {
          And: [{ Variable: '$.a', IsString: true, Next: 'D' }],
          Next: 'D',
        },
        {
          Or: [{ Not: { Variable: '$.a', IsString: true, Next: 'D' } }],
          Next: 'D',
        },
      ],
      expected: [
        `${C}[0]: needs "Next", the state to go to when this rule matches`,
        `${C}[1].And[0].Next: a rule inside "And" takes no "Next" (only the top-level rule of Choices does); remove it`,
        `${C}[2].Or[0].Not.Next: a rule inside "Not" takes no "Next" (only the top-level rule of Choices does); remove it`,
      ],
    },
    {
      name: 'no operator, two operators, three',
      rules: [
        { Variable: '$.a', Next: 'D' },
        { Variable: '$.a', IsNull: true, IsString: false, Next: 'D' },
        { Not: { Variable: '$.a', IsNull: true }, And: [], Or: [], Next: 'D' },
      ],
      expected: [
        `${C}[0]: has no comparison; add one such as "StringEquals" (with "Variable"), or "And", "Or" or "Not"`,
        `${C}[1]: has 2 operators ("IsNull" and "IsString"); a rule holds exactly one, so combine rules with "And" or "Or"`,
        `${C}[2]: has 3 operators ("And", "Or" and "Not"); a rule holds exactly one, so combine rules with "And" or "Or"`,
      ],
    },
    {
      name: 'an unknown field is left to the schema (it names the operator it resembles)',
      rules: [{ Variable: '$.a', StringEqual: 'x', Next: 'D' }],
      expected: [],
    },
    {
      name: 'a comparison without Variable; a Boolean rule with one',
      rules: [
        { NumericEquals: 1, Next: 'D' },
        { Variable: '$.a', Not: { Variable: '$.a', IsNull: true }, Next: 'D' },
      ],
      expected: [
        `${C}[0]: needs "Variable", the path of the value "NumericEquals" tests`,
        `${C}[1].Variable: a rule with "Not" tests its nested rules, not a Variable; move it into them`,
      ],
    },
    {
      name: 'a Variable that is no path; operands of the wrong type, in nested rules too',
      rules: [
        { Variable: 'a', IsPresent: true, Next: 'D' },
        {
          And: [
            { Variable: '$.n', NumericGreaterThan: '10' },
            { Variable: '$.t', TimestampLessThan: '2024-01-01T00:00:00' },
            { Variable: '$.p', StringEqualsPath: 'other' },
          ],
          Next: 'D',
        },
      ],
      expected: [
        `${C}[0].Variable: "a" is not a path: start it with $ (the state input) or $$ (the context object)`,
        `${C}[1].And[0].NumericGreaterThan: must be a number, not the string "10" (drop the quotes)`,
        `${C}[1].And[1].TimestampLessThan: "2024-01-01T00:00:00" is not a timestamp: add a time zone: Z for UTC, or an offset such as +02:00`,
        `${C}[1].And[2].StringEqualsPath: "other" is not a path: "StringEqualsPath" compares with the value at a path such as "$.limit"; to compare with a fixed value, use "StringEquals"`,
      ],
    },
    {
      name: 'rules that are not objects are left to the schema; their keys still count',
      rules: [null, 'x', { And: [3], Not: 'y', Next: 'D' }],
      expected: [
        `${C}[2]: has 2 operators ("And" and "Not"); a rule holds exactly one, so combine rules with "And" or "Or"`,
      ],
    },
    { name: 'Choices that is not a list', rules: 'nope', expected: [] },
  ];
  for (const { name, rules, expected } of cases) {
    it(name, () => assert.deepEqual(problems(rules), expected));
  }
});
