import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import type { Json, JsonObject } from '../../../src/json.js';
import { dynamicEntries, resolveParameters } from '../../../src/chain/parameters.js';

const INPUT: Json = { table: 'sales', workers: 5, tags: ['a', 'b'] };
const CONTEXT: Json = { Execution: { Input: { date: '2024-05-01' } }, State: { Name: 'Ingest' } };

describe('resolveParameters', () => {
  it('copies the template, replacing .$ keys by their values', () => {
    const template: JsonObject = {
      fixed: 'x',
      n: 1,
      'date.$': '$$.Execution.Input.date',
      nested: {
        'out.$': "States.Format('gs://b/{}/{}', $.table, $$.Execution.Input.date)",
        keep: [1, { 'w.$': '$.workers' }],
      },
      'all.$': '$',
    };
    assert.deepEqual(resolveParameters(template, INPUT, CONTEXT), {
      fixed: 'x',
      n: 1,
      date: '2024-05-01',
      nested: { out: 'gs://b/sales/2024-05-01', keep: [1, { w: 5 }] },
      all: INPUT,
    });
    assert.equal(template['date.$'], '$$.Execution.Input.date', 'the template is left alone');
  });

  it('names the place of a failing path, under the given root', () => {
    assert.throws(
      () =>
        resolveParameters({ parameters: { 'date.$': '$$.Execution.Input.day' } }, INPUT, CONTEXT),
      {
        name: 'PathError',
        message:
          'Parameters.parameters.date.$: path "$$.Execution.Input.day" not found in the context object (the run input has no "day"; pass it in the start command\'s input)',
      },
    );
    assert.throws(
      () =>
        resolveParameters(
          { l: [{ 'x.$': 'States.ArrayGetItem($.tags, 2)' }] },
          INPUT,
          CONTEXT,
          'Input',
        ),
      {
        name: 'PathError',
        message:
          'Input.l[0].x.$: States.ArrayGetItem: index 2 is out of range (the array has 2 items)',
      },
    );
  });

  it('reports a syntax error with its place', () => {
    assert.throws(() => resolveParameters({ 'a.$': '$..x' }, INPUT, CONTEXT), {
      message:
        'Parameters.a.$: cannot parse "$..x" at character 2: recursive descent ("..") is not supported; spell out each field',
    });
  });

  it('refuses a .$ value that is not a string', () => {
    assert.throws(() => resolveParameters({ 'a.$': 3 }, INPUT, CONTEXT), {
      message: 'Parameters.a.$: must be a string (a path or an intrinsic)',
    });
  });
});

describe('dynamicEntries', () => {
  it('lists every .$ key with its place, in document order', () => {
    assert.deepEqual(
      dynamicEntries({ a: { 'b.$': '$.b' }, 'c.$': 1, l: [{ 'd.$': '$.d' }] }, 'P'),
      [
        { place: 'P.a.b.$', value: '$.b' },
        { place: 'P.c.$', value: 1 },
        { place: 'P.l[0].d.$', value: '$.d' },
      ],
    );
  });
});

describe('resolveParameters: nulls and causes', () => {
  it('copies null values of the template as they are', () => {
    assert.deepEqual(resolveParameters({ a: null, b: [null], c: { d: null } }, INPUT, CONTEXT), {
      a: null,
      b: [null],
      c: { d: null },
    });
  });

  it('finds .$ keys beside null values', () => {
    assert.deepEqual(dynamicEntries({ a: null, b: [null, 'x'], 'c.$': '$.c' }, 'P'), [
      { place: 'P.c.$', value: '$.c' },
    ]);
  });

  it('keeps the PathError of the path as the cause of the one naming the place', () => {
    try {
      resolveParameters({ 'v.$': '$.missing' }, INPUT, CONTEXT);
      assert.fail('no error');
    } catch (error) {
      assert.ok(error instanceof PathError);
      assert.ok(error.cause instanceof PathError);
      assert.equal(error.message, `Parameters.v.$: ${error.cause.message}`);
    }
  });

  it('keeps any other error of an evaluation as the cause', () => {
    const hostile = {};
    Object.defineProperty(hostile, 'x', {
      enumerable: true,
      get() {
        throw new TypeError('boom');
      },
    });
    try {
      resolveParameters({ 'v.$': '$.x' }, hostile as Json, CONTEXT);
      assert.fail('no error');
    } catch (error) {
      assert.ok(error instanceof PathError);
      assert.ok(error.cause instanceof TypeError);
      assert.equal(error.message, 'Parameters.v.$: evaluating "$.x" failed (TypeError: boom)');
    }
  });
});

describe('resolveParameters: any payload template, its place in every message', () => {
  const places = ['Parameters', 'ItemSelector', 'ResultSelector', 'States.P.Parameters'];
  for (const place of places) {
    it(`names ${place} in its messages`, () => {
      assert.throws(() => resolveParameters({ x: { 'a.$': '$.nope' } }, INPUT, CONTEXT, place), {
        name: 'PathError',
        message: `${place}.x.a.$: path "$.nope" not found in the state input (the state input has no "nope")`,
      });
      assert.throws(() => resolveParameters({ 'a.$': 1 }, INPUT, CONTEXT, place), {
        message: `${place}.a.$: must be a string (a path or an intrinsic)`,
      });
      assert.throws(() => resolveParameters({ l: [{ 'a.$': '$$$' }] }, INPUT, CONTEXT, place), {
        message: `${place}.l[0].a.$: cannot parse "$$$" at character 3: unexpected "$" after "$$"`,
      });
      assert.throws(
        () => resolveParameters({ 'r.$': 'States.ArrayRange(1, 5000, 1)' }, INPUT, CONTEXT, place),
        {
          message: `${place}.r.$: cannot parse "States.ArrayRange(1, 5000, 1)" at character 1: States.ArrayRange: from 1 to 5000 by 1 makes 5000 items, more than the 1000 allowed; use a larger step (argument 3) or a shorter range`,
        },
      );
      assert.throws(
        () => resolveParameters({ 'm.$': 'States.MathAdd($.table, 1)' }, INPUT, CONTEXT, place),
        { message: `${place}.m.$: States.MathAdd argument 1 must be a number, got string "sales"` },
      );
    });
  }

  it('resolves like resolveParameters, with the same seed the same random values', () => {
    const template: JsonObject = { 'id.$': 'States.UUID()', 'w.$': '$.workers' };
    const a = resolveParameters(template, INPUT, CONTEXT, 'ItemSelector', 'run/Map/0');
    assert.deepEqual(a, resolveParameters(template, INPUT, CONTEXT, 'Parameters', 'run/Map/0'));
    assert.equal(a.w, 5);
    assert.notEqual(
      a.id,
      resolveParameters(template, INPUT, CONTEXT, 'ItemSelector', 'run/Map/1').id,
    );
  });

  it('keeps a "__proto__" key of the template as a field', () => {
    const template = JSON.parse(
      '{"__proto__": {"x": 1}, "y.$": "$.table", "o": {"__proto__.$": "$.tags"}}',
    ) as JsonObject;
    const out = resolveParameters(template, INPUT, CONTEXT);
    assert.ok(Object.hasOwn(out, '__proto__'));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(
      JSON.stringify(out),
      '{"__proto__":{"x":1},"y":"sales","o":{"__proto__":["a","b"]}}',
    );
  });
});
