import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';
import { evaluateExpression, evaluatePath, parsePathExpression } from '../../../src/chain/paths.js';

const INPUT: Json = {
  a: { b: [10, { c: 'deep' }] },
  'a b': 1,
  "it's": 2,
  n: null,
  s: 'text',
  nine: Array.from({ length: 20 }, (_, i) => i),
};
const CONTEXT: Json = {
  Execution: { Id: 'run-1', Input: { date: '2024-05-01', nested: { x: 1 } } },
  State: { Name: 'Ingest', RetryCount: 0 },
};

const evaluate = (text: string): Json =>
  evaluateExpression(parsePathExpression(text), INPUT, CONTEXT);

describe('reference paths', () => {
  const good: [string, Json][] = [
    ['$', INPUT],
    ['$$', CONTEXT],
    ['$.a.b[0]', 10],
    ['$.a.b[1].c', 'deep'],
    ["$.a['b'][1]['c']", 'deep'],
    ['$["a"].b[0]', 10],
    ["$['a b']", 1],
    ["$['it\\'s']", 2],
    ['$.n', null],
    ['$.nine[9]', 9],
    ['$.nine[19]', 19],
    ['$$.Execution.Input.date', '2024-05-01'],
    ['$$.State.Name', 'Ingest'],
    ['$$.State.RetryCount', 0],
  ];
  for (const [text, value] of good) {
    it(`evaluates ${text}`, () => assert.deepEqual(evaluate(text), value));
  }

  it('parses a path into its root and segments', () => {
    assert.deepEqual(parsePathExpression("$$.a[2]['b c']"), {
      kind: 'path',
      root: '$$',
      segments: [
        { kind: 'field', name: 'a' },
        { kind: 'index', index: 2 },
        { kind: 'field', name: 'b c' },
      ],
      text: "$$.a[2]['b c']",
    });
  });

  const syntax: [string, string][] = [
    ['$..a', 'at character 2: recursive descent ("..") is not supported; spell out each field'],
    ['$.a.*', 'at character 5: wildcards ("*") are not supported; name the field or index'],
    ['$.a[*]', 'at character 5: wildcards ("*") are not supported; name the field or index'],
    [
      '$.a[?(@.x > 1)]',
      'at character 5: filter expressions are not supported: a chain file cannot run code; name the field or index',
    ],
    [
      '$.a[(@.length-1)]',
      'at character 5: script expressions are not supported: a chain file cannot run code; name the field or index',
    ],
    ['$.a[-1]', 'at character 5: negative indexes are not supported; count from 0'],
    ['$.a[0:2]', 'at character 6: array slices are not supported; use a single index such as [0]'],
    ['$.a[:2]', 'at character 5: array slices are not supported; use a single index such as [0]'],
    ['$.a[0,1]', 'at character 6: unions are not supported; use one field or index per path'],
    ['$.a[0', 'at character 6: expected "]"'],
    ['$.a[x]', 'at character 5: expected a quoted field name or an index after "["'],
    ["$['a", "at character 3: unterminated field name: close it with '"],
    ['$.', 'at character 3: expected a field name after "."'],
    ['$.a b', 'at character 4: unexpected " " after "$.a"'],
    ['$.ab*', 'at character 5: wildcards ("*") are not supported; name the field or index'],
    ['$.a[99999999999999999999]', 'at character 5: index too large'],
    [
      'date',
      'at character 1: a ".$" value must be a path starting with $ or $$, or an intrinsic function such as States.Format(...); for a fixed value, drop ".$" from the key',
    ],
    [
      '',
      'at character 1: a ".$" value must be a path starting with $ or $$, or an intrinsic function such as States.Format(...); for a fixed value, drop ".$" from the key',
    ],
  ];
  for (const [text, message] of syntax) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parsePathExpression(text), {
        name: 'PathError',
        message: `cannot parse ${JSON.stringify(text)} ${message}`,
      });
    });
  }

  const missing: [string, string][] = [
    [
      '$$.Execution.Input.day',
      'path "$$.Execution.Input.day" not found in the context object (the run input has no "day"; pass it in the start command\'s input)',
    ],
    [
      '$$.Execution.Input.dat',
      'path "$$.Execution.Input.dat" not found in the context object (the run input has no "dat"; did you mean "date"? Otherwise pass it in the start command\'s input)',
    ],
    [
      '$$.Execution.Input.nested.y',
      'path "$$.Execution.Input.nested.y" not found in the context object ($$.Execution.Input.nested has no "y"; pass it in the start command\'s input)',
    ],
    [
      '$$.Exection.Id',
      'path "$$.Exection.Id" not found in the context object (the context object has no "Exection"; did you mean "Execution"?)',
    ],
    ['$.x', 'path "$.x" not found in the state input (the state input has no "x")'],
    ['$.a.c', 'path "$.a.c" not found in the state input ($.a has no "c")'],
    [
      '$.a.b[2]',
      'path "$.a.b[2]" not found in the state input ($.a.b has 2 items, so [2] is out of range)',
    ],
    ['$.a[0]', 'path "$.a[0]" not found in the state input ($.a is an object, not an array)'],
    [
      '$.s.length',
      'path "$.s.length" not found in the state input ($.s is a string, not an object)',
    ],
    ['$.n.x', 'path "$.n.x" not found in the state input ($.n is null, not an object)'],
    [
      "$['a b'].c",
      "path \"$['a b'].c\" not found in the state input ($['a b'] is a number, not an object)",
    ],
    [
      "$['it\\'s'].x",
      String.raw`path "$['it\\'s'].x" not found in the state input ($['it\'s'] is a number, not an object)`,
    ],
    [
      '$.a.b[1].c.d',
      'path "$.a.b[1].c.d" not found in the state input ($.a.b[1].c is a string, not an object)',
    ],
  ];
  for (const [text, message] of missing) {
    it(`says what is missing in ${text}`, () => {
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

  it('does not follow inherited properties', () => {
    assert.throws(() => evaluate('$.a.constructor'), {
      message: 'path "$.a.constructor" not found in the state input ($.a has no "constructor")',
    });
  });
});

describe('reference paths: where a missing step is, and when it is the run input', () => {
  const cases: [string, Json, Json, string][] = [
    [
      '$$.Execution',
      {},
      {},
      'path "$$.Execution" not found in the context object (the context object has no "Execution")',
    ],
    [
      '$$.Execution.Input.date',
      {},
      { Execution: { Id: 'run-1' } },
      'path "$$.Execution.Input.date" not found in the context object ($$.Execution has no "Input")',
    ],
    [
      '$$.Execution.Id.x',
      {},
      { Execution: { Id: 'run-1' } },
      'path "$$.Execution.Id.x" not found in the context object ($$.Execution.Id is a string, not an object)',
    ],
    [
      '$$.State.Input.x',
      {},
      { State: { Input: {} } },
      'path "$$.State.Input.x" not found in the context object ($$.State.Input has no "x")',
    ],
    [
      '$.Execution.Input.x',
      { Execution: { Input: {} } },
      {},
      'path "$.Execution.Input.x" not found in the state input ($.Execution.Input has no "x")',
    ],
    [
      '$$.Execution.Input[0]',
      {},
      { Execution: { Input: {} } },
      'path "$$.Execution.Input[0]" not found in the context object (the run input is an object, not an array; pass it in the start command\'s input)',
    ],
    [
      '$.one[1]',
      { one: ['x'] },
      {},
      'path "$.one[1]" not found in the state input ($.one has 1 item, so [1] is out of range)',
    ],
    [
      '$.list.x',
      { list: [] },
      {},
      'path "$.list.x" not found in the state input ($.list is an array, not an object)',
    ],
  ];
  for (const [text, input, context, message] of cases) {
    it(`says ${message}`, () => {
      assert.throws(() => evaluateExpression(parsePathExpression(text), input, context), {
        name: 'PathError',
        message,
      });
    });
  }

  it('evaluates a parsed path directly', () => {
    const path = parsePathExpression('$.a.b[1].c');
    assert.ok(path.kind === 'path');
    assert.equal(evaluatePath(path, INPUT, CONTEXT), 'deep');
  });
});

describe('expressions nested deeper than the stack', () => {
  const deep = `${'States.Array('.repeat(20_000)}1${')'.repeat(20_000)}`;

  it('a chain whose .$ value nests 20,000 intrinsic calls is a validation problem, not a crash', () => {
    assert.throws(
      () => parsePathExpression(deep),
      (error: unknown) =>
        error instanceof PathError &&
        error.message ===
          `the expression nests too deeply to read (${deep.length} characters); write it with fewer nested calls` &&
        error.cause instanceof RangeError,
    );
  });
});
