import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';
import {
  evaluateExpression,
  parsePathExpression,
  type Expression,
} from '../../../src/chain/paths.js';
import { argumentProblem, arityProblem } from '../../../src/chain/intrinsics.js';

const INPUT: Json = {
  name: 'sales',
  n: 3,
  list: ['a', 'b', { k: 1 }],
  obj: { b: 1, a: [true] },
  json: '{"x":[1,2]}',
  csv: '1,2,,3',
  b64: 'aGVsbG8=',
  tmpl: 'x={}',
  backslash: 'ends with \\',
};
const CONTEXT: Json = { Execution: { Input: { date: '2024-05-01' } } };

const evaluate = (text: string): Json =>
  evaluateExpression(parsePathExpression(text), INPUT, CONTEXT);
const hex = (algorithm: string, text: string): string =>
  createHash(algorithm).update(text).digest('hex');

describe('intrinsic functions', () => {
  const good: [string, Json][] = [
    [
      "States.Format('gs://b/sales/{}/raw', $$.Execution.Input.date)",
      'gs://b/sales/2024-05-01/raw',
    ],
    ["States.Format('{}-{}-{}-{}', $.name, $.n, true, null)", 'sales-3-true-null'],
    ["States.Format('no placeholders')", 'no placeholders'],
    ["States.Format('\\{{}\\} it\\'s \\\\', 1)", "{1} it's \\"],
    ['States.Format($.tmpl, 7)', 'x=7'],
    ["States.Format( '{}' , States.ArrayLength($.list) )", '3'],
    ['States.StringToJson($.json)', { x: [1, 2] }],
    ['States.StringToJson(\'"s"\')', 's'],
    ['States.JsonToString($.obj)', '{"b":1,"a":[true]}'],
    ["States.JsonToString('x')", '"x"'],
    [
      "States.Array('a', 1, 2.5, -3e2, true, false, null, $.n, States.Array())",
      ['a', 1, 2.5, -300, true, false, null, 3, []],
    ],
    ['States.Array()', []],
    ['States.ArrayGetItem($.list, 1)', 'b'],
    ['States.ArrayLength($.list)', 3],
    ['States.ArrayLength(States.Array())', 0],
    ["States.ArrayContains($.list, 'b')", true],
    ["States.ArrayContains($.list, 'z')", false],
    ['States.ArrayContains($.list, States.StringToJson(\'{"k":1}\'))', true],
    [
      'States.ArrayContains(States.Array($.obj), States.StringToJson(\'{"a":[true],"b":1}\'))',
      true,
    ],
    ['States.MathAdd($.n, -5)', -2],
    ['States.MathAdd(111, 1)', 112],
    ["States.StringSplit($.csv, ',')", ['1', '2', '3']],
    ["States.StringSplit('a.b+c=d', '.+=')", ['a', 'b', 'c', 'd']],
    ["States.StringSplit('abc', ',')", ['abc']],
    ["States.Base64Encode('hello')", 'aGVsbG8='],
    ["States.Base64Encode('héllo')", 'aMOpbGxv'],
    ['States.Base64Decode($.b64)', 'hello'],
    ["States.Hash('hello', 'MD5')", '5d41402abc4b2a76b9719d911017c592'],
    ["States.Hash('hello', 'SHA-1')", 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
    [
      "States.Hash('hello', 'SHA-256')",
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    ],
    ["States.Hash('hello', 'SHA-384')", hex('sha384', 'hello')],
    ["States.Hash($.name, 'SHA-512')", hex('sha512', 'sales')],
    ["States.Hash('héllo', 'MD5')", hex('md5', 'héllo')],
    ['States.ArrayGetItem($.list, 0)', 'a'],
    ["States.Base64Decode('aGVsbG8h')", 'hello!'],
    ["States.Base64Decode('aA==')", 'h'],
    ["States.Base64Decode('')", ''],
    // Only the template of States.Format keeps its escapes; other string literals are unescaped.
    ["States.JsonToString('it\\'s')", '"it\'s"'],
    ["States.Format('{}', 'a\\{b')", 'a{b'],
    ["States.StringSplit('a\\,b', ',')", ['a', 'b']],
    // A template from a path ending in a lone backslash keeps it.
    ['States.Format($.backslash)', 'ends with \\'],
  ];
  for (const [text, value] of good) {
    it(`evaluates ${text}`, () => assert.deepEqual(evaluate(text), value));
  }

  const syntax: [string, string][] = [
    [
      "States.Formt('{}', 1)",
      'at character 1: unknown intrinsic function States.Formt (did you mean States.Format?)',
    ],
    ['States.Nope()', 'at character 1: unknown intrinsic function States.Nope'],
    ['States.UUID(1)', 'at character 1: States.UUID takes 0 arguments, got 1'],
    ['States.ArrayRange(1, 9)', 'at character 1: States.ArrayRange takes 3 arguments, got 2'],
    ['States.MathRandom(1)', 'at character 1: States.MathRandom takes 2 or 3 arguments, got 1'],
    [
      'States.MathRandom(1, 2, 3, 4)',
      'at character 1: States.MathRandom takes 2 or 3 arguments, got 4',
    ],
    [
      'States.UUIDs()',
      'at character 1: unknown intrinsic function States.UUIDs (did you mean States.UUID?)',
    ],
    ['States.ArrayLength', 'at character 19: expected "(" after States.ArrayLength'],
    ["States.Format('{}'", 'at character 19: missing ")" to close States.Format('],
    ['States.Array(1 2)', 'at character 16: expected "," or ")"'],
    [
      'States.Array(x)',
      "at character 14: expected an argument: a 'string', a number, true, false, null, a path such as $.a, or States.X(...)",
    ],
    [
      'States.Array("x")',
      "at character 14: strings in intrinsic functions use single quotes: 'like this'",
    ],
    ["States.Array('x)", "at character 14: unterminated string: close it with '"],
    ['States.Array(1) + 1', 'at character 16: unexpected " " after "States.Array(1)"'],
    ['States.ArrayLength($.a, $.b)', 'at character 1: States.ArrayLength takes 1 argument, got 2'],
    ['States.MathAdd(1)', 'at character 1: States.MathAdd takes 2 arguments, got 1'],
    ['States.Format()', 'at character 1: States.Format takes at least 1 argument(s), got 0'],
    [
      "States.Format('{}')",
      'at character 1: States.Format: the template has 1 {} placeholder but 0 values follow',
    ],
    [
      "States.Format('x', 1)",
      'at character 1: States.Format: the template has 0 {} placeholders but 1 value follows',
    ],
    [
      "States.Format('a { b', 1)",
      'at character 18: States.Format: the template has a lone "{"; write {} for a value, or \\{ for the character itself',
    ],
    [
      'States.Format(1)',
      'at character 15: States.Format argument 1 must be a string, got number 1',
    ],
    [
      "States.ArrayLength('abc')",
      'at character 20: States.ArrayLength argument 1 must be an array, got string "abc"',
    ],
    [
      'States.ArrayGetItem($.list, 0.5)',
      'at character 29: States.ArrayGetItem argument 2 must be an integer, got number 0.5',
    ],
    [
      "States.MathAdd(1, '2')",
      'at character 19: States.MathAdd argument 2 must be a number, got string "2"',
    ],
    [
      "States.Hash('x', 'SHA256')",
      'at character 18: States.Hash algorithm "SHA256" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512',
    ],
    ['States.()', 'at character 1: expected an intrinsic function name such as States.Format'],
    [
      'States.Array(States.)',
      'at character 14: expected an intrinsic function name such as States.Format',
    ],
    [
      'States.Array(12abc)',
      "at character 14: expected an argument: a 'string', a number, true, false, null, a path such as $.a, or States.X(...)",
    ],
    [
      'States.Array(truex)',
      "at character 14: expected an argument: a 'string', a number, true, false, null, a path such as $.a, or States.X(...)",
    ],
    ['States.Array(1', 'at character 15: missing ")" to close States.Array('],
    ['States.Array(true', 'at character 18: missing ")" to close States.Array('],
    ['States.Array(null ,1', 'at character 21: missing ")" to close States.Array('],
    [
      "States.Format('a}')",
      'at character 17: States.Format: the template has a lone "}"; write {} for a value, or \\} for the character itself',
    ],
    [
      'States.Array($.a[*])',
      'at character 18: wildcards ("*") are not supported; name the field or index',
    ],
  ];
  for (const [text, message] of syntax) {
    it(`refuses ${text}`, () => {
      assert.throws(() => parsePathExpression(text), {
        name: 'PathError',
        message: `cannot parse ${JSON.stringify(text)} ${message}`,
      });
    });
  }

  const runtime: [string, string][] = [
    [
      'States.ArrayGetItem($.list, $.n)',
      'States.ArrayGetItem: index 3 is out of range (the array has 3 items)',
    ],
    [
      'States.ArrayGetItem($.list, -1)',
      'States.ArrayGetItem: index -1 is out of range (the array has 3 items)',
    ],
    [
      'States.ArrayLength($.name)',
      'States.ArrayLength argument 1 must be an array, got string "sales"',
    ],
    [
      'States.MathAdd($.n, $.name)',
      'States.MathAdd argument 2 must be a number, got string "sales"',
    ],
    [
      'States.StringToJson($.name)',
      'States.StringToJson: argument 1 is not valid JSON (unexpected "s" (expected a value) at line 1, column 1)',
    ],
    [
      'States.Base64Decode($.name)',
      'States.Base64Decode: argument 1 is not valid base64 ("sales")',
    ],
    ["States.Hash($.n, 'MD5')", 'States.Hash argument 1 must be a string, got number 3'],
    [
      "States.Hash('x', $.name)",
      'States.Hash algorithm "sales" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512',
    ],
    [
      "States.Format('{}', $.obj)",
      'States.Format argument 2 is an object: only strings, numbers, booleans and null can be formatted; wrap it in States.JsonToString(...)',
    ],
    [
      'States.Format($.tmpl)',
      'States.Format: the template has 1 {} placeholder but 0 values follow',
    ],
    [
      'States.Format($.name, States.Array())',
      'States.Format: the template has 0 {} placeholders but 1 value follows',
    ],
    [
      'States.Format($.json, 1)',
      'States.Format: the template has a lone "{"; write {} for a value, or \\{ for the character itself (character 1 of the template)',
    ],
    [
      "States.ArrayGetItem(States.Array('x'), 1)",
      'States.ArrayGetItem: index 1 is out of range (the array has 1 item)',
    ],
    ['States.MathAdd($.list, 1)', 'States.MathAdd argument 1 must be a number, got an array'],
    ["States.Base64Decode('=AAA')", 'States.Base64Decode: argument 1 is not valid base64 ("=AAA")'],
    ["States.Base64Decode('ab!d')", 'States.Base64Decode: argument 1 is not valid base64 ("ab!d")'],
    [
      `States.Base64Decode('${'x'.repeat(45)}')`,
      `States.Base64Decode: argument 1 is not valid base64 ("${'x'.repeat(40)}")`,
    ],
    [
      'States.ArrayLength($.missing)',
      'path "$.missing" not found in the state input (the state input has no "missing")',
    ],
  ];
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

describe('intrinsic function calls, as parsed', () => {
  it('parses a call into its name, arguments and text', () => {
    assert.deepEqual(parsePathExpression("States.Array('a\\'b', 1, $.x)"), {
      kind: 'call',
      name: 'States.Array',
      args: [
        { kind: 'literal', value: "a'b", raw: "a\\'b" },
        { kind: 'literal', value: 1 },
        { kind: 'path', root: '$', segments: [{ kind: 'field', name: 'x' }], text: '$.x' },
      ],
      text: "States.Array('a\\'b', 1, $.x)",
    });
  });

  it('uses the value of a template literal that has no raw text (a call built, not parsed)', () => {
    const call: Expression = {
      kind: 'call',
      name: 'States.Format',
      args: [
        { kind: 'literal', value: '{}!' },
        { kind: 'literal', value: 1 },
      ],
      text: "States.Format('{}!', 1)",
    };
    assert.equal(evaluateExpression(call, {}, {}), '1!');
  });

  it('does not check an argument past the last one a function takes (its arity is reported)', () => {
    assert.equal(argumentProblem('States.MathAdd', 2, 'x'), undefined);
    assert.equal(arityProblem('States.MathAdd', 3), 'States.MathAdd takes 2 arguments, got 3');
  });
});
