import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainsInvalidError, PathError } from '../../../src/errors.js';
import type { Json, JsonObject } from '../../../src/json.js';
import { MAX_VALUE_DEPTH, jsonDepth } from '../../../src/chain/json-depth.js';
import { scanJson } from '../../../src/chain/json-syntax.js';
import { sameJson } from '../../../src/chain/json-value.js';
import { loadChains } from '../../../src/chain/load.js';
import { resolveParameters } from '../../../src/chain/parameters.js';

const DEEP = 20_000;

/** `[[[…[1]…]]]` nested `depth` arrays deep, built without recursion. */
function nestedArrays(depth: number, inner: Json = 1): Json {
  let value: Json = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** `{"a":{"a":…{}}}` nested `depth` objects deep. */
function nestedObjects(depth: number): Json {
  let value: Json = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

/** Runs `fn`, which must throw PathError, and returns its message. */
function pathError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PathError, `expected PathError, got ${String(error)}`);
    return error.message;
  }
  return assert.fail('no error was thrown');
}

describe('bounded work / input checks: a 20,000-deep input', () => {
  const input: JsonObject = {
    deep: nestedArrays(DEEP),
    deepObject: nestedObjects(DEEP),
    text: `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
    list: [nestedArrays(DEEP)],
  };
  const resolve = (template: JsonObject): JsonObject => resolveParameters(template, input, {});

  it('measures depth without recursion, stopping at the limit', () => {
    assert.equal(jsonDepth(nestedArrays(DEEP)), DEEP);
    assert.equal(jsonDepth(nestedObjects(DEEP)), DEEP);
    assert.equal(jsonDepth(nestedArrays(DEEP), 16), 17);
    assert.equal(jsonDepth('x'), 0);
    assert.equal(jsonDepth({ a: [], b: { c: [1] } }), 3);
  });

  it('compares deep values without recursion (States.ArrayContains)', () => {
    assert.equal(sameJson(nestedArrays(DEEP), nestedArrays(DEEP)), true);
    assert.equal(sameJson(nestedArrays(DEEP), nestedArrays(DEEP, 2)), false);
    assert.equal(sameJson(nestedObjects(DEEP), nestedObjects(DEEP)), true);
    assert.deepEqual(resolve({ 'found.$': 'States.ArrayContains($.list, $.deep)' }), {
      found: true,
    });
  });

  it('scans 20,000 nested brackets without recursion, and reports text past maxDepth', () => {
    assert.deepEqual(scanJson(input.text as string), { duplicateKeys: [] });
    assert.deepEqual(scanJson(`{"a":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`), {
      duplicateKeys: [],
    });
    assert.deepEqual(scanJson('{"a": [[1]]}', 2), {
      tooDeep: { line: 1, column: 8, reason: 'nested deeper than 2 levels' },
      duplicateKeys: [],
    });
    assert.deepEqual(scanJson('{"a": [[1]]}', 3), { duplicateKeys: [] });
  });

  it('yields PathError, never RangeError, from resolveParameters', () => {
    assert.equal(
      pathError(() => resolve({ 'all.$': '$' })),
      `Parameters.all.$: "$" yields a value nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain passes on; select a shallower part of it`,
    );
    assert.equal(
      pathError(() => resolve({ p: { 'd.$': '$.deepObject' } })),
      `Parameters.p.d.$: "$.deepObject" yields a value nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain passes on; select a shallower part of it`,
    );
    assert.equal(
      pathError(() => resolve({ 's.$': 'States.JsonToString($.deep)' })),
      `Parameters.s.$: States.JsonToString: argument 1 is nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain evaluates; flatten it`,
    );
    assert.equal(
      pathError(() => resolve({ 'j.$': 'States.StringToJson($.text)' })),
      `Parameters.j.$: States.StringToJson: argument 1 is nested deeper than ${MAX_VALUE_DEPTH} levels (at line 1, column ${MAX_VALUE_DEPTH + 1}), the most dfchain evaluates; flatten the JSON`,
    );
  });

  it('runs the new intrinsics on 20,000-deep values without RangeError', () => {
    // ArrayUnique compares through a canonical text written without recursion.
    assert.equal(
      pathError(() => resolve({ 'u.$': 'States.ArrayUnique(States.Array($.deep, $.deep))' })),
      `Parameters.u.$: "States.ArrayUnique(States.Array($.deep, $.deep))" yields a value nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain passes on; select a shallower part of it`,
    );
    assert.deepEqual(
      resolve({ 'n.$': 'States.ArrayLength(States.ArrayUnique(States.Array($.deep, $.deep, 1)))' }),
      { n: 2 },
    );
    assert.deepEqual(
      resolve({
        'n.$': 'States.ArrayLength(States.ArrayPartition(States.Array($.deep, $.deep, 1), 2))',
      }),
      { n: 2 },
    );
    assert.equal(
      pathError(() => resolve({ 'm.$': "States.JsonMerge($, States.StringToJson('{}'), false)" })),
      `Parameters.m.$: "States.JsonMerge($, States.StringToJson('{}'), false)" yields a value nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain passes on; select a shallower part of it`,
    );
  });

  it('builds at most 1000 items with States.ArrayRange, checked before any is made', () => {
    const started = process.hrtime.bigint();
    assert.equal(
      pathError(() => resolve({ 'r.$': 'States.ArrayRange(0, 9007199254740991, 1)' })),
      'Parameters.r.$: cannot parse "States.ArrayRange(0, 9007199254740991, 1)" at character 1: States.ArrayRange: from 0 to 9007199254740991 by 1 makes 9007199254740992 items, more than the 1000 allowed; use a larger step (argument 3) or a shorter range',
    );
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
  });

  it('turns any other evaluation failure into PathError naming the place', () => {
    // A getter that throws stands for a failure nobody foresaw in the evaluator.
    const hostile = {} as JsonObject;
    Object.defineProperty(hostile, 'x', {
      enumerable: true,
      get: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    const message = pathError(() => resolveParameters({ 'v.$': '$.x' }, hostile, {}));
    assert.equal(
      message,
      'Parameters.v.$: evaluating "$.x" failed (RangeError: Maximum call stack size exceeded)',
    );
  });

  it('still passes a value at the depth limit', () => {
    const atLimit = nestedArrays(MAX_VALUE_DEPTH);
    assert.equal(jsonDepth(atLimit), MAX_VALUE_DEPTH);
    assert.deepEqual(resolveParameters({ 'v.$': '$' }, atLimit, {}), { v: atLimit });
  });

  it('still turns a value at the depth limit into a string (States.JsonToString)', () => {
    const atLimit = nestedArrays(MAX_VALUE_DEPTH);
    assert.deepEqual(resolveParameters({ 's.$': 'States.JsonToString($)' }, atLimit, {}), {
      s: JSON.stringify(atLimit),
    });
  });

  describe('chain files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'dfchain-deep-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('refuses a chain file nested 20,000 deep with a problem, not a RangeError', () => {
      writeFileSync(join(dir, 'deep.json'), `{"Comment": ${input.text as string}}`);
      assert.throws(
        () => loadChains(dir),
        (error: unknown) => {
          assert.ok(error instanceof ChainsInvalidError, String(error));
          assert.equal(
            error.message,
            `${join(dir, 'deep.json')}: nested deeper than ${MAX_VALUE_DEPTH} levels at line 1, column ${12 + MAX_VALUE_DEPTH}; dfchain reads chain files up to ${MAX_VALUE_DEPTH} levels deep, so flatten it`,
          );
          return true;
        },
      );
    });
  });
});
