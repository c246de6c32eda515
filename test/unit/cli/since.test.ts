import { strict as assert } from 'node:assert';
import { sinceTime } from '../../../src/cli/since.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

describe('cli: --since', () => {
  it('takes a duration back from now in s, m, h, d or w', () => {
    assert.equal(sinceTime('90s', NOW, 0), '2026-11-22T11:58:30.000Z');
    assert.equal(sinceTime('2h', NOW, 0), '2026-11-22T10:00:00.000Z');
    assert.equal(sinceTime('1w', NOW, 0), '2026-11-15T12:00:00.000Z');
  });

  it('takes an ISO date or time, and the default window when absent', () => {
    assert.equal(sinceTime('2026-11-21', NOW, 0), '2026-11-21T00:00:00.000Z');
    assert.equal(sinceTime('2026-11-21T08:30:00Z', NOW, 0), '2026-11-21T08:30:00.000Z');
    assert.equal(sinceTime(undefined, NOW, 3600_000), '2026-11-22T11:00:00.000Z');
  });

  it('refuses what is neither (Date.parse alone would take "1")', () => {
    for (const text of ['1', 'yesterday', '2h ago', '5x', '2026-13-45'])
      assert.equal(sinceTime(text, NOW, 0), undefined, text);
  });
});
