import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import {
  applyResultPath,
  evaluateText,
  resolveTemplate,
  selectPath,
  type Evaluation,
} from '../../../src/engine/io.js';
import type { RunError } from '../../../src/engine/run.js';
import { StateError } from '../../../src/engine/state-error.js';
import type { Json } from '../../../src/json.js';

const AT: Evaluation = {
  context: { Execution: { Id: 'exec-1' }, State: { Name: 'Load' } },
  seed: 'n0nce\nLoad\n0',
  place: 'States.Load',
};
const NESTED: Evaluation = { ...AT, place: 'States.Fan[1]/Load' };

/** Runs `f`, which must throw a StateError with `error` whose cause is a PathError. */
function raises(f: () => unknown, error: RunError): void {
  assert.throws(f, (thrown: unknown) => {
    assert.ok(thrown instanceof StateError, `a StateError, got ${String(thrown)}`);
    assert.deepEqual(thrown.error, error);
    assert.equal(thrown.message, `${error.Error}: ${error.Cause}`);
    assert.ok(thrown.cause instanceof PathError, 'keeps the PathError as its cause');
    return true;
  });
}

const runtime = (Cause: string): RunError => ({ Error: 'States.Runtime', Cause });
const noRoom = (Cause: string): RunError => ({ Error: 'States.ResultPathMatchFailure', Cause });

describe('engine: state input and output (io)', () => {
  describe('selectPath (InputPath, OutputPath, ItemsPath)', () => {
    const input = { a: { b: [10, 20, 30] }, n: null };
    const cases: [name: string, path: string | null | undefined, selected: Json][] = [
      ['absent keeps the value', undefined, input],
      ['null gives {}', null, {}],
      ['$ is the whole value', '$', input],
      ['a field', '$.a', { b: [10, 20, 30] }],
      ['an index', '$.a.b[1]', 20],
      ['a field holding null', '$.n', null],
      ['the context object', '$$.Execution.Id', 'exec-1'],
    ];
    for (const [name, path, selected] of cases) {
      it(`${name}: ${JSON.stringify(path)}`, () => {
        assert.deepEqual(selectPath(input, path, AT, 'InputPath'), selected);
      });
    }

    it('absent returns the very value, not a copy', () => {
      assert.equal(selectPath(input, undefined, AT, 'InputPath'), input);
    });

    const failures: [path: string, field: string, at: Evaluation, cause: string][] = [
      [
        '$.missing',
        'InputPath',
        AT,
        'States.Load.InputPath: path "$.missing" not found in the state input (the state input has no "missing")',
      ],
      [
        '$.a.c',
        'OutputPath',
        NESTED,
        'States.Fan[1]/Load.OutputPath: path "$.a.c" not found in the state input ($.a has no "c")',
      ],
      [
        "States.Format('x')",
        'ItemsPath',
        AT,
        'States.Load.ItemsPath: cannot parse "States.Format(\'x\')" at character 1: a path must start with $ (the state input) or $$ (the context object)',
      ],
      [
        '$.a[*]',
        'ItemsPath',
        AT,
        'States.Load.ItemsPath: cannot parse "$.a[*]" at character 5: wildcards ("*") are not supported; name the field or index',
      ],
    ];
    for (const [path, field, at, cause] of failures) {
      it(`${field} ${path} raises States.Runtime naming the place`, () => {
        raises(() => selectPath(input, path, at, field), runtime(cause));
      });
    }
  });

  describe('applyResultPath', () => {
    const input = { keep: 1, a: { b: 2 }, list: [1, 2], num: 5, nil: null };

    const cases: [name: string, path: string | null | undefined, output: Json][] = [
      ['absent: the result replaces the input', undefined, 'R'],
      ['null: the input, result discarded', null, input],
      ['$: the result replaces the input', '$', 'R'],
      ['a new field', '$.r', { ...input, r: 'R' }],
      ['an existing field is replaced', '$.keep', { ...input, keep: 'R' }],
      ['inside an existing object', '$.a.c', { ...input, a: { b: 2, c: 'R' } }],
      ['nested objects are created', '$.x.y.z', { ...input, x: { y: { z: 'R' } } }],
      ['an index of an existing array', '$.list[1]', { ...input, list: [1, 'R'] }],
      ['a bracketed name', "$['with space']", { ...input, 'with space': 'R' }],
    ];
    for (const [name, path, output] of cases) {
      it(`${name}: ${JSON.stringify(path)}`, () => {
        const before = structuredClone(input);
        assert.deepEqual(applyResultPath(input, 'R', path, AT), output);
        assert.deepEqual(input, before, 'the input is not changed');
      });
    }

    const impossible: [path: string, input: Json, detail: string][] = [
      [
        '$.num.b',
        input,
        'ResultPath "$.num.b" cannot be applied to the state input ($.num is a number, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
      ],
      [
        '$.nil.b',
        input,
        'ResultPath "$.nil.b" cannot be applied to the state input ($.nil is null, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
      ],
      [
        '$.list[5]',
        input,
        'ResultPath "$.list[5]" cannot be applied to the state input ($.list has 2 items, so [5] is out of range); choose a ResultPath whose parents are objects, or null to discard the result',
      ],
      [
        '$.r',
        5,
        'ResultPath "$.r" cannot be applied to the state input (the state input is a number, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
      ],
      [
        '$.r',
        [1],
        'ResultPath "$.r" cannot be applied to the state input (the state input is an array, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
      ],
      [
        '$$.State',
        input,
        'cannot parse "$$.State" at character 1: a ResultPath cannot start with $$: the context object is read-only; write the result into the state input with $',
      ],
    ];
    for (const [path, value, detail] of impossible) {
      it(`${path} on ${JSON.stringify(value).slice(0, 30)} raises States.ResultPathMatchFailure`, () => {
        raises(
          () => applyResultPath(value, 'R', path, NESTED),
          noRoom(`States.Fan[1]/Load.ResultPath: ${detail}`),
        );
      });
    }

    it("names the catcher's field for Catch.ResultPath", () => {
      raises(
        () => applyResultPath(5, { Error: 'E', Cause: '' }, '$.error', AT, 'Catch.ResultPath'),
        noRoom(
          'States.Load.Catch.ResultPath: ResultPath "$.error" cannot be applied to the state input (the state input is a number, not an object); choose a ResultPath whose parents are objects, or null to discard the result',
        ),
      );
    });
  });

  describe('resolveTemplate (Parameters, ItemSelector, ResultSelector)', () => {
    it('resolves paths, the context and intrinsics, keeping fixed values', () => {
      const template = {
        'v.$': '$.a',
        fixed: { k: 1 },
        'exec.$': '$$.Execution.Id',
        'sum.$': 'States.MathAdd($.a, 2)',
        nested: { 'deep.$': '$.b' },
      };
      assert.deepEqual(resolveTemplate(template, { a: 1, b: 'x' }, AT, 'Parameters'), {
        v: 1,
        fixed: { k: 1 },
        exec: 'exec-1',
        sum: 3,
        nested: { deep: 'x' },
      });
    });

    const failures: [name: string, template: Record<string, Json>, field: string, cause: string][] =
      [
        [
          'a path that does not resolve',
          { 'v.$': '$.missing' },
          'Parameters',
          'States.Load.Parameters.v.$: path "$.missing" not found in the state input (the state input has no "missing")',
        ],
        [
          'a nested path that does not resolve',
          { n: { 'v.$': '$.b' } },
          'ResultSelector',
          'States.Load.ResultSelector.n.v.$: path "$.b" not found in the state input (the state input has no "b")',
        ],
        [
          'a failing intrinsic',
          { 'v.$': 'States.ArrayGetItem($.list, 5)' },
          'ItemSelector',
          'States.Load.ItemSelector.v.$: States.ArrayGetItem: index 5 is out of range (the array has 1 item)',
        ],
        [
          'an intrinsic with a wrong argument',
          { 'v.$': "States.MathAdd($.a, 'x')" },
          'Parameters',
          'States.Load.Parameters.v.$: cannot parse "States.MathAdd($.a, \'x\')" at character 21: States.MathAdd argument 2 must be a number, got string "x"',
        ],
      ];
    for (const [name, template, field, cause] of failures) {
      it(`${name} raises States.Runtime naming the place and field`, () => {
        raises(() => resolveTemplate(template, { a: 1, list: [1] }, AT, field), runtime(cause));
      });
    }
  });

  describe('evaluateText (ErrorPath, CausePath)', () => {
    it('evaluates a path or an intrinsic', () => {
      assert.equal(evaluateText({ e: 'Oops' }, '$.e', AT, 'ErrorPath'), 'Oops');
      assert.equal(
        evaluateText({ e: 'Oops' }, "States.Format('{}!', $.e)", AT, 'CausePath'),
        'Oops!',
      );
    });

    it('raises States.Runtime naming the place when it fails', () => {
      raises(
        () => evaluateText({}, '$.zz', NESTED, 'ErrorPath'),
        runtime(
          'States.Fan[1]/Load.ErrorPath: path "$.zz" not found in the state input (the state input has no "zz")',
        ),
      );
    });
  });
});
