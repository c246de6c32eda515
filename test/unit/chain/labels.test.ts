import { strict as assert } from 'node:assert';
import {
  MAX_LABEL_BYTES,
  MAX_USER_LABELS,
  isValidLabelKey,
  isValidLabelValue,
  suggestLabelKey,
  suggestLabelValue,
} from '../../../src/chain/labels.js';
import { taskProblems } from '../../../src/chain/task-checks.js';

describe('Dataflow labels', () => {
  it('leaves room for the labels dfchain adds', () => assert.equal(MAX_USER_LABELS, 60));

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

  const suggestions: [string, string, string][] = [
    ['Sales  &  Dept', 'sales-dept', 'sales-dept'],
    ['Team 1', 'team-1', 'team-1'],
    ['-x1', '-x1', 'x1'],
  ];
  for (const [text, value, key] of suggestions) {
    it(`suggests the value ${JSON.stringify(value)} and the key ${JSON.stringify(key)} for ${JSON.stringify(text)}`, () => {
      assert.equal(suggestLabelValue(text), value);
      assert.equal(suggestLabelKey(text), key);
    });
  }

  it('accepts keys and values of exactly 128 bytes', () => {
    const exact = `${'日'.repeat(42)}ab`;
    assert.equal(Buffer.byteLength(exact), MAX_LABEL_BYTES);
    assert.equal(isValidLabelValue(exact), true);
    assert.equal(isValidLabelKey(exact), true);
  });
});

describe('Labels: 128 bytes as well as 63 characters', () => {
  const cjk63 = '日'.repeat(63); // 63 characters, 189 bytes
  const cjk42 = '日'.repeat(42); // 126 bytes
  const cjk43 = '日'.repeat(43); // 129 bytes

  it('refuses keys and values over 128 bytes even within 63 characters', () => {
    assert.equal(isValidLabelValue(cjk63), false);
    assert.equal(isValidLabelKey(cjk63), false);
    assert.equal(isValidLabelValue(cjk42), true);
    assert.equal(isValidLabelKey(cjk42), true);
    assert.equal(isValidLabelValue(cjk43), false);
    assert.equal(isValidLabelKey(`a${'é'.repeat(62)}`), true); // 63 characters, 125 bytes
  });

  it('cuts suggestions to 128 bytes at a character boundary', () => {
    assert.equal(suggestLabelValue(cjk63), cjk42);
    assert.equal(suggestLabelKey(`${'日'.repeat(40)}ab`), `${'日'.repeat(40)}ab`);
    assert.equal(suggestLabelValue(`${'日'.repeat(42)}ab`), `${'日'.repeat(42)}ab`);
    assert.equal(suggestLabelValue(`${'日'.repeat(42)}éa`), `${cjk42}é`); // 128 bytes exactly
    assert.equal(MAX_LABEL_BYTES, 128);
    for (const text of [cjk63, 'Ingest Sales 🚀'.repeat(20), 'x'.repeat(99)]) {
      assert.ok(isValidLabelValue(suggestLabelValue(text)), text);
    }
  });

  it('reports a label value over 128 bytes in a chain file', () => {
    assert.deepEqual(
      taskProblems({
        States: {
          A: {
            Type: 'Task',
            Region: 'europe-west4',
            Parameters: { environment: { additionalUserLabels: { team: cjk63 } } },
          },
        },
      }),
      [
        {
          path: 'States.A.Parameters.environment.additionalUserLabels.team',
          message: `"${cjk63}" is not a valid Dataflow label value: use lowercase letters, digits, '_' or '-', at most 63 characters and 128 bytes; such as "${cjk42}"`,
        },
      ],
    );
  });
});
