import { strict as assert } from 'node:assert';
import { attemptSeed, unitFromSeed } from '../../../src/engine/draw.js';

describe('engine: numbers drawn from seeds', () => {
  describe('unitFromSeed', () => {
    // Pinned: jitter is drawn again on every replay, so a change here would change the delay a
    // run in flight computed before a deploy.
    const pinned: [seed: string, unit: number][] = [
      ['', 0.8894159948913369],
      ['n0nce\nLoad\n0', 0.05409390500221889],
      ['n0nce\nLoad\n0\njitter', 0.3432934549748907],
    ];
    for (const [seed, unit] of pinned) {
      it(`${JSON.stringify(seed)} draws ${unit}`, () => assert.equal(unitFromSeed(seed), unit));
    }

    it('is deterministic: the same seed draws the same number', () => {
      for (let i = 0; i < 50; i++)
        assert.equal(unitFromSeed(`seed-${i}`), unitFromSeed(`seed-${i}`));
    });

    it('draws in [0, 1), spread over the whole range', () => {
      const draws = Array.from({ length: 2000 }, (_, i) => unitFromSeed(`n\nFan[${i}]/Load\n0`));
      for (const draw of draws) assert.ok(draw >= 0 && draw < 1, `${draw} in [0, 1)`);
      const mean = draws.reduce((sum, draw) => sum + draw, 0) / draws.length;
      assert.ok(Math.abs(mean - 0.5) < 0.03, `mean ${mean} near 0.5`);
      for (let decile = 0; decile < 10; decile++) {
        const inside = draws.filter((d) => Math.floor(d * 10) === decile).length;
        assert.ok(inside > 120 && inside < 280, `decile ${decile} holds ${inside} of 2000`);
      }
      assert.equal(new Set(draws).size, draws.length, 'no two seeds drew the same number');
    });
  });

  describe('attemptSeed', () => {
    it('joins nonce, entry key and attempt by newlines', () => {
      assert.equal(attemptSeed('n0nce', 'Fan[1]/Load#2', 3), 'n0nce\nFan[1]/Load#2\n3');
    });

    it('differs for every part, so attempts and entries draw apart', () => {
      const seeds = [
        attemptSeed('n0nce', 'Load', 0),
        attemptSeed('n0nce', 'Load', 1),
        attemptSeed('n0nce', 'Load#1', 0),
        attemptSeed('other', 'Load', 0),
      ];
      assert.equal(new Set(seeds).size, 4);
      assert.equal(new Set(seeds.map(unitFromSeed)).size, 4);
    });
  });
});
