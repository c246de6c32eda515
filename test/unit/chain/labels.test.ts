import { strict as assert } from 'node:assert';
import {
  MAX_USER_LABELS,
  isValidLabelKey,
  isValidLabelValue,
  suggestLabelKey,
  suggestLabelValue,
} from '../../../src/chain/labels.js';

describe('Dataflow labels', () => {
  it('leaves room for the labels dfchain adds', () => assert.equal(MAX_USER_LABELS, 61));

  const keys: [string, boolean][] = [
    ['team', true],
    ['ünïcode_1-x', true],
    ['日本', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['Team', false],
    ['1team', false],
    ['_team', false],
    ['a.b', false],
  ];
  for (const [key, ok] of keys) {
    it(`key ${JSON.stringify(key.slice(0, 12))} is ${ok ? 'valid' : 'invalid'}`, () =>
      assert.equal(isValidLabelKey(key), ok));
  }

  const values: [string, boolean][] = [
    ['', true],
    ['1-a_b', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['Sales', false],
    ['a b', false],
  ];
  for (const [value, ok] of values) {
    it(`value ${JSON.stringify(value.slice(0, 12))} is ${ok ? 'valid' : 'invalid'}`, () =>
      assert.equal(isValidLabelValue(value), ok));
  }

  it('suggests valid keys and values', () => {
    assert.equal(suggestLabelKey('1 Team'), 'team');
    assert.equal(suggestLabelKey('42'), 'label');
    assert.equal(suggestLabelValue('Sales Dept.'), 'sales-dept-');
    assert.ok(isValidLabelValue(suggestLabelValue('x'.repeat(99))));
  });
});
