import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';
import {
  evaluateExpression,
  evaluatePath,
  parsePath,
  parsePathExpression,
  parseResultPath,
  setAtPath,
} from '../../../src/chain/paths.js';

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

describe('ASL Paths (InputPath, OutputPath, ItemsPath, ResultPath)', () => {
  const good: [string, '$' | '$$', number][] = [
    ['$', '$', 0],
    ['$$', '$$', 0],
    ['$.a.b[0]', '$', 3],
    ["$['a b'][2]", '$', 2],
    ['$$.Execution.Input', '$$', 2],
  ];
  for (const [text, root, count] of good) {
    it(`reads ${text}`, () => {
      const path = parsePath(text);
      assert.equal(path.root, root);
      assert.equal(path.segments.length, count);
      assert.equal(path.text, text);
    });
  }

  const bad: [string, string][] = [
    [
      'a.b',
      'at character 1: a path must start with $ (the state input) or $$ (the context object)',
    ],
    ['', 'at character 1: a path must start with $ (the state input) or $$ (the context object)'],
    [
      "States.Format('{}', $.a)",
      'at character 1: a path must start with $ (the state input) or $$ (the context object)',
    ],
    ['$.a b', 'at character 4: unexpected " " after "$.a"'],
    [
      '$.a[?(@.x)]',
      'at character 5: filter expressions are not supported: a chain file cannot run code; name the field or index',
    ],
    ['$.a[*]', 'at character 5: wildcards ("*") are not supported; name the field or index'],
    ['$.a[0:2]', 'at character 6: array slices are not supported; use a single index such as [0]'],
    ['$..a', 'at character 2: recursive descent ("..") is not supported; spell out each field'],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)} as a path`, () => {
      assert.throws(() => parsePath(text), {
        name: 'PathError',
        message: `cannot parse ${JSON.stringify(text)} ${message}`,
      });
    });
  }

  it('reads a ResultPath into the state input, never the context object', () => {
    assert.deepEqual(parseResultPath('$.result').segments, [{ kind: 'field', name: 'result' }]);
    assert.equal(parseResultPath('$').segments.length, 0);
    assert.throws(() => parseResultPath('$$.Execution'), {
      name: 'PathError',
      message:
        'cannot parse "$$.Execution" at character 1: a ResultPath cannot start with $$: the context object is read-only; write the result into the state input with $',
    });
    assert.throws(() => parseResultPath('$.a['), { name: 'PathError' });
  });
});

describe('setAtPath (ResultPath)', () => {
  const raw: Json = {
    master: { detail: [1, 2, 3] },
    list: [{ a: 1 }, 'x'],
    text: 'foo',
    none: null,
  };
  const good: [string, Json, Json, Json][] = [
    // The specification's examples.
    ['$.master.detail', { master: { detail: [1, 2, 3] } }, 6, { master: { detail: 6 } }],
    [
      '$.master.result.sum',
      { master: { detail: [1, 2, 3] } },
      6,
      { master: { detail: [1, 2, 3], result: { sum: 6 } } },
    ],
    ['$.b.greeting', { a: 1 }, 'Hi!', { a: 1, b: { greeting: 'Hi!' } }],
    // $ replaces the whole input, whatever it is.
    ['$', raw, { r: 1 }, { r: 1 }],
    ['$', 'foo', 7, 7],
    ['$.list[0].b', raw, true, { ...(raw as object), list: [{ a: 1, b: true }, 'x'] }],
    ['$.list[1]', raw, null, { ...(raw as object), list: [{ a: 1 }, null] }],
    ["$['a b'].c", {}, 1, { 'a b': { c: 1 } }],
    ['$.none', raw, 2, { ...(raw as object), none: 2 }],
  ];
  for (const [text, input, value, output] of good) {
    it(`places ${JSON.stringify(value)} at ${text}`, () => {
      const before = structuredClone(input);
      assert.deepEqual(setAtPath(input, parseResultPath(text), value), output);
      assert.deepEqual(input, before, 'the input is left alone');
    });
  }

  const bad: [string, Json, string][] = [
    [
      '$.x',
      'foo',
      'ResultPath "$.x" cannot be applied to the state input (the state input is a string, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$.text.x',
      raw,
      'ResultPath "$.text.x" cannot be applied to the state input ($.text is a string, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$.none.x',
      raw,
      'ResultPath "$.none.x" cannot be applied to the state input ($.none is null, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$.list.x',
      raw,
      'ResultPath "$.list.x" cannot be applied to the state input ($.list is an array, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$.master[0]',
      raw,
      'ResultPath "$.master[0]" cannot be applied to the state input ($.master is an object, not an array); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$.missing[0]',
      raw,
      'ResultPath "$.missing[0]" cannot be applied to the state input ($.missing does not exist (only objects are created on the way)); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$.list[2]',
      raw,
      'ResultPath "$.list[2]" cannot be applied to the state input ($.list has 2 items, so [2] is out of range); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
    [
      '$[0]',
      [],
      'ResultPath "$[0]" cannot be applied to the state input (the state input has 0 items, so [0] is out of range); choose a ResultPath whose parents are objects, or null to discard the result',
    ],
  ];
  for (const [text, input, message] of bad) {
    it(`refuses ${text} on ${JSON.stringify(input).slice(0, 30)}`, () => {
      assert.throws(() => setAtPath(input, parseResultPath(text), 1), {
        name: 'PathError',
        message,
      });
    });
  }

  it('refuses a path into the context object', () => {
    assert.throws(() => setAtPath({}, parsePath('$$.State'), 1), {
      name: 'PathError',
      message:
        'ResultPath "$$.State" cannot be applied: it starts with $$, and the context object is read-only; start it with $',
    });
  });

  it('writes a "__proto__" field as a field, never the prototype', () => {
    const out = setAtPath({}, parseResultPath("$['__proto__'].x"), 1) as Record<string, Json>;
    assert.ok(Object.hasOwn(out, '__proto__'));
    assert.deepEqual(out.__proto__, { x: 1 });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });

  it('places a value 20,000 fields deep without recursion', () => {
    const text = `$${'.a'.repeat(20_000)}`;
    let out = setAtPath({}, parseResultPath(text), 'v');
    for (let i = 0; i < 20_000; i++) out = (out as Record<string, Json>).a!;
    assert.equal(out, 'v');
  });
});
