import { strict as assert } from 'node:assert';
import { didYouMean, editDistance } from '../../../src/chain/did-you-mean.js';

describe('didYouMean', () => {
  const distances: [string, string, number][] = [
    ['', '', 0],
    ['abc', '', 3],
    ['Publish', 'Pubilsh', 1],
    ['kitten', 'sitting', 3],
    ['Next', 'Nxt', 1],
  ];
  for (const [a, b, d] of distances) {
    it(`editDistance(${a}, ${b}) = ${d}`, () => assert.equal(editDistance(a, b), d));
  }

  const guesses: [string, string[], string | undefined][] = [
    ['Pubilsh', ['Ingest', 'Publish'], 'Publish'],
    ['ingest', ['Ingest', 'Publish'], 'Ingest'],
    ['Nxt', ['Type', 'Next', 'End'], 'Next'],
    ['B', ['A'], undefined],
    ['Transform', ['Ingest', 'Publish'], undefined],
    ['Next', ['Next'], undefined],
  ];
  for (const [word, candidates, guess] of guesses) {
    it(`suggests ${String(guess)} for ${word}`, () =>
      assert.equal(didYouMean(word, candidates), guess));
  }
});
