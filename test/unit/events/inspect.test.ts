import { strict as assert } from 'node:assert';
import { quote } from '../../../src/events/inspect.js';

describe('quote', () => {
  const cases: ReadonlyArray<readonly [name: string, text: string, max: number, quoted: string]> = [
    ['keeps a text of exactly the limit whole', 'a'.repeat(80), 80, `"${'a'.repeat(80)}"`],
    [
      'cuts a text one past the limit, with an ellipsis',
      'a'.repeat(81),
      80,
      `"${'a'.repeat(80)}…"`,
    ],
    ['keeps a text of exactly a custom limit whole', 'abc', 3, '"abc"'],
    ['cuts at a custom limit', 'abcd', 3, '"abc…"'],
  ];
  for (const [name, text, max, quoted] of cases) {
    it(name, () => assert.equal(quote(text, max), quoted));
  }
});
