import { strict as assert } from 'node:assert';
import {
  MAX_SUGGESTION_LENGTH,
  didYouMean,
  editDistance,
} from '../../../src/chain/did-you-mean.js';

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
    // Up to a third of the candidate's length may differ, and at least one character.
    ['Pblsh', ['Publish'], 'Publish'],
    ['ab', ['ac'], 'ac'],
    ['a', ['b'], undefined],
    // Of two equally close candidates, the first is suggested.
    ['ab', ['ac', 'ad'], 'ac'],
  ];
  for (const [word, candidates, guess] of guesses) {
    it(`suggests ${String(guess)} for ${word}`, () =>
      assert.equal(didYouMean(word, candidates), guess));
  }
});

describe('did-you-mean bounded', () => {
  it('answers for a 1 MB key in milliseconds with bounded memory (was 1.5 s and 466 MB of heap)', () => {
    const key = 'x'.repeat(1024 * 1024);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    assert.equal(didYouMean(key, ['chain', 'runId', 'input']), undefined);
    assert.equal(didYouMean('chian', [key, 'chain']), 'chain');
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(elapsed < 50, `took ${elapsed.toFixed(1)} ms`);
    assert.ok(grown < 16 * 1024 * 1024, `heap grew ${grown} bytes`);
  });

  it(`gives no suggestion for words over ${MAX_SUGGESTION_LENGTH} characters`, () => {
    const long = 'a'.repeat(MAX_SUGGESTION_LENGTH);
    assert.equal(didYouMean(`${long}b`, [`${long}c`]), undefined);
    assert.equal(didYouMean(`${long.slice(1)}b`, [`${long.slice(1)}c`]), `${long.slice(1)}c`);
  });

  it(`gives no suggestion when only the word or only the candidate is over ${MAX_SUGGESTION_LENGTH} characters`, () => {
    const long = 'a'.repeat(MAX_SUGGESTION_LENGTH);
    assert.equal(didYouMean(`${long}a`, [long]), undefined);
    assert.equal(didYouMean(long, [`${long}a`]), undefined);
  });

  it('skips candidates whose length alone rules them out', () => {
    assert.equal(didYouMean('Next', ['N', 'Nextextext']), undefined);
  });

  it('keeps the swap rule with rolling rows', () => {
    assert.equal(editDistance('ab', 'ba'), 1);
    assert.equal(editDistance('abcdef', 'badcfe'), 3);
    assert.equal(editDistance('ca', 'abc'), 3);
  });
});
