import { strict as assert } from 'node:assert';
import { scanJson } from '../../../src/chain/json-syntax.js';

describe('scanJson', () => {
  it('accepts valid JSON of every kind', () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "s\\n\\u00e9"], "b": {}, "c": []}';
    assert.deepEqual(scanJson(text), { duplicateKeys: [] });
  });

  const errors: [string, number, number, string][] = [
    ['', 1, 1, 'unexpected end of file (expected a value)'],
    ['{"a": tru}', 1, 7, 'unexpected "t" (expected a value)'],
    ['{"a": 01}', 1, 8, 'unexpected "1" (expected "," or "}")'],
    ['[1,]', 1, 4, 'trailing comma before "]": remove it'],
    ['{"a": 1,}', 1, 9, 'trailing comma before "}": remove it'],
    ['[[1], [2}', 1, 9, 'unexpected "}" (expected "," or "]")'],
    ['{"a": [}', 1, 8, 'unexpected "}" (expected a value)'],
    ['[1] 2', 1, 5, 'unexpected "2" after the end of the JSON value'],
    ['[1 2]', 1, 4, 'unexpected "2" (expected "," or "]")'],
    ['{"a" 1}', 1, 6, 'unexpected "1" (expected ":")'],
    [
      '{"a": "x\ny"}',
      1,
      9,
      'line break or control character inside a string: write it as \\n or \\t',
    ],
    [
      '{"a": "\\x"}',
      1,
      8,
      'invalid escape in a string (use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)',
    ],
    ['{"a": "x', 1, 7, 'unterminated string: close it with "'],
    ['{\n  /* c */\n}', 2, 3, 'comments are not allowed in JSON; remove it'],
  ];
  for (const [text, line, column, reason] of errors) {
    it(`locates the error in ${JSON.stringify(text)}`, () => {
      assert.deepEqual(scanJson(text).syntaxError, { line, column, reason });
    });
  }

  it('finds keys written twice, with the path of their object', () => {
    const text = '{"a": 1, "s": {"x": [{"k": 1, "k": 2}], "x": 0}, "a": 2}';
    assert.deepEqual(scanJson(text).duplicateKeys, [
      { path: 's.x[0]', key: 'k' },
      { path: 's', key: 'x' },
      { path: '', key: 'a' },
    ]);
  });

  const duplicates: [string, string, { path: string; key: string }[]][] = [
    ['a key written with an escape', '{"a\\u0062": 1, "ab": 2}', [{ path: '', key: 'ab' }]],
    [
      'a key in a later item of an array',
      '[{}, [], {"k": 1, "k": 2}]',
      [{ path: '[2]', key: 'k' }],
    ],
    [
      'a key in an item of a nested array',
      '{"a": [0, [{"k": 1, "k": 2}]]}',
      [{ path: 'a[1][0]', key: 'k' }],
    ],
  ];
  for (const [name, text, found] of duplicates) {
    it(`finds ${name} twice`, () => assert.deepEqual(scanJson(text).duplicateKeys, found));
  }
});
