import { strict as assert } from 'node:assert';
import type { Json } from '../../../src/json.js';
import { jsonDepth } from '../../../src/chain/json-depth.js';

describe('jsonDepth', () => {
  const cases: [Json, number][] = [
    [1, 0],
    ['s', 0],
    [null, 0],
    [{}, 1],
    [[1, null, 'x'], 1],
    [{ a: [] }, 2],
    [{ a: null, b: [null, 1] }, 2],
    [[[1], [[2]], 3], 3],
    [{ a: 1, b: { c: { d: {} } }, e: [] }, 4],
  ];
  for (const [value, depth] of cases) {
    it(`measures ${JSON.stringify(value)} as ${depth} deep`, () =>
      assert.equal(jsonDepth(value), depth));
  }

  it('stops one past the limit', () => {
    assert.equal(jsonDepth([[[[1]]]], 2), 3);
    assert.equal(jsonDepth([[[[1]]]], 4), 4);
  });
});
