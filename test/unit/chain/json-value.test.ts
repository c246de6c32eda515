import { strict as assert } from 'node:assert';
import type { Json } from '../../../src/json.js';
import { describeJson, sameJson } from '../../../src/chain/json-value.js';

describe('describeJson', () => {
  const cases: [Json, string][] = [
    [[1], 'an array'],
    [[], 'an array'],
    [null, 'null'],
    [{ a: 1 }, 'an object'],
    ['x', 'string "x"'],
    [3, 'number 3'],
    [false, 'boolean false'],
  ];
  for (const [value, expected] of cases) {
    it(`describes ${JSON.stringify(value)} as ${expected}`, () =>
      assert.equal(describeJson(value), expected));
  }
});

describe('sameJson', () => {
  const equal: [string, Json, Json][] = [
    ['the same primitive', 'a', 'a'],
    ['two nulls', null, null],
    [
      'objects with keys in another order',
      { a: 1, b: [true, { c: null }] },
      { b: [true, { c: null }], a: 1 },
    ],
    ['empty arrays', [], []],
    ['nested arrays', [[1], [2, [3]]], [[1], [2, [3]]]],
  ];
  for (const [name, a, b] of equal) {
    it(`holds for ${name}`, () => {
      assert.equal(sameJson(a, b), true);
      assert.equal(sameJson(b, a), true);
    });
  }

  const different: [string, Json, Json][] = [
    ['a number and its string', 1, '1'],
    ['null and an object', null, {}],
    ['an object and null', {}, null],
    ['null and an array', null, []],
    ['a number and an object', 1, {}],
    ['an object and a number', {}, 1],
    ['an array and an object with the same index keys', [1], { 0: 1 }],
    ['an object with index keys and an array', { 0: 1 }, [1]],
    ['a longer array and a shorter one', [1, 2], [1]],
    ['a shorter array and a longer one', [1], [1, 2]],
    ['arrays in another order', [1, 2], [2, 1]],
    ['arrays whose items differ deep down', [{ a: [1] }], [{ a: [2] }]],
    ['an object with fewer keys', { a: 1 }, { a: 1, b: 2 }],
    ['an object with more keys', { a: 1, b: 2 }, { a: 1 }],
    ['objects with other keys of the same count', { a: 1 }, { b: 1 }],
    ['objects whose values differ', { a: 1 }, { a: 2 }],
    ['objects whose values differ deep down', { a: { b: [1] } }, { a: { b: [1, 2] } }],
  ];
  for (const [name, a, b] of different) {
    it(`fails for ${name}`, () => assert.equal(sameJson(a, b), false));
  }

  it('does not take an inherited property for an own key', () => {
    assert.equal(sameJson({ toString: 1 }, { valueOf: 1 }), false);
    // JSON.parse makes "__proto__" an own key; on the other side it would find Object.prototype.
    const own = JSON.parse('{"__proto__": {}}') as Json;
    assert.equal(sameJson(own, { b: {} }), false);
    assert.equal(sameJson(own, JSON.parse('{"__proto__": {}}') as Json), true);
  });
});
