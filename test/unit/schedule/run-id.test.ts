import { strict as assert } from 'node:assert';
import { RUN_ID_PATTERN } from '../../../src/events/command.js';
import { chainIdPart, scheduledRunId } from '../../../src/schedule/run-id.js';

const TICK = new Date('2026-01-05T04:00:00Z');

describe('scheduled run ids', () => {
  it('is {chain}-{yyyymmdd}t{hhmm}z in UTC', () => {
    assert.equal(scheduledRunId('nightly', TICK), 'nightly-20260105t0400z');
    assert.equal(
      scheduledRunId('nightly', new Date('2026-12-31T23:59:00Z')),
      'nightly-20261231t2359z',
    );
  });

  it('names every tick of a minute the same run (cron ticks have no seconds)', () => {
    assert.equal(
      scheduledRunId('nightly', new Date('2026-01-05T04:00:59.999Z')),
      scheduledRunId('nightly', TICK),
    );
  });

  it('keeps a label-safe chain name of at most 48 characters whole', () => {
    const name = 'a'.repeat(48);
    assert.equal(chainIdPart(name), name);
    assert.equal(scheduledRunId(name, TICK).length, 63);
  });

  it('shortens a long or unsafe chain name, with a hash of the whole name', () => {
    const long = `${'b'.repeat(60)}`;
    assert.match(chainIdPart(long), /^b{39}-[0-9a-f]{8}$/);
    assert.notEqual(chainIdPart(long), chainIdPart(`${long}x`));
    assert.match(chainIdPart('Daily.Sales'), /^daily-sales-[0-9a-f]{8}$/);
    assert.notEqual(chainIdPart('Daily.Sales'), chainIdPart('daily_sales'));
    assert.match(chainIdPart('_Ünïcode_'), /^n-code-[0-9a-f]{8}$/);
    assert.match(chainIdPart('!!!'), /^[0-9a-f]{8}$/);
  });

  it('always matches RUN_ID_PATTERN (a Dataflow label value)', () => {
    for (const chain of ['nightly', 'x'.repeat(200), 'Daily.Sales', '-lead', '!!!', 'É'.repeat(70)])
      assert.match(scheduledRunId(chain, TICK), RUN_ID_PATTERN, chain);
  });
});
