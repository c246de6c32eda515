import { strict as assert } from 'node:assert';
import { ConfigError } from '../../../src/errors.js';
import {
  cronParserProblem,
  lastTickAtOrBefore,
  nextFireTimes,
  scheduleZone,
  ticksBetween,
} from '../../../src/schedule/ticks.js';

const at = (iso: string): Date => new Date(iso);
const iso = (dates: readonly Date[] | Date | undefined): unknown =>
  Array.isArray(dates)
    ? dates.map((d: Date) => d.toISOString())
    : (dates as Date | undefined)?.toISOString();

const DAILY = { Cron: '0 5 * * *' };
const PARIS = { Cron: '0 5 * * *', TimeZone: 'Europe/Paris' };

describe('schedule ticks', () => {
  it('reads a schedule without TimeZone in Etc/UTC, as Cloud Scheduler does', () => {
    assert.equal(scheduleZone(DAILY), 'Etc/UTC');
    assert.equal(scheduleZone(PARIS), 'Europe/Paris');
  });

  describe('nextFireTimes', () => {
    it('gives the next ticks strictly after `from`, in the schedule zone', () => {
      assert.deepEqual(iso(nextFireTimes(PARIS, at('2026-01-01T04:00:00Z'), 3)), [
        '2026-01-02T04:00:00.000Z',
        '2026-01-03T04:00:00.000Z',
        '2026-01-04T04:00:00.000Z',
      ]);
      // Summer time: 05:00 in Paris is 03:00 UTC.
      assert.deepEqual(iso(nextFireTimes(PARIS, at('2026-07-01T00:00:00Z'), 1)), [
        '2026-07-01T03:00:00.000Z',
      ]);
    });

    it('throws ConfigError on a schedule validation refuses', () => {
      assert.throws(
        () =>
          nextFireTimes(
            { Cron: '0 5 * * *', TimeZone: 'Nowhere/X' },
            at('2026-01-01T00:00:00Z'),
            1,
          ),
        ConfigError,
      );
    });
  });

  describe('lastTickAtOrBefore', () => {
    const cases: [publish: string, tick: string | undefined][] = [
      ['2026-01-02T05:00:00.000Z', '2026-01-02T05:00:00.000Z'],
      ['2026-01-02T05:00:00.350Z', '2026-01-02T05:00:00.000Z'],
      ['2026-01-02T05:00:59.999Z', '2026-01-02T05:00:00.000Z'],
      ['2026-01-02T04:59:59.999Z', '2026-01-01T05:00:00.000Z'],
      ['2026-01-02T23:00:00.000Z', '2026-01-02T05:00:00.000Z'],
    ];
    for (const [publish, tick] of cases)
      it(`a trigger published at ${publish} stands for ${tick}`, () =>
        assert.equal(iso(lastTickAtOrBefore(DAILY, at(publish))), tick));

    it('reads ticks in the schedule zone', () => {
      assert.equal(
        iso(lastTickAtOrBefore(PARIS, at('2026-01-02T04:00:30Z'))),
        '2026-01-02T04:00:00.000Z',
      );
    });
  });

  describe('ticksBetween', () => {
    it('gives the ticks in [from, to], both ends included', () => {
      assert.deepEqual(
        iso(ticksBetween(DAILY, at('2026-01-01T05:00:00Z'), at('2026-01-03T05:00:00Z'), 10)),
        ['2026-01-01T05:00:00.000Z', '2026-01-02T05:00:00.000Z', '2026-01-03T05:00:00.000Z'],
      );
      assert.deepEqual(
        iso(ticksBetween(DAILY, at('2026-01-01T05:00:01Z'), at('2026-01-03T04:59:59Z'), 10)),
        ['2026-01-02T05:00:00.000Z'],
      );
    });

    it('stops at limit + 1 ticks, so the caller knows there are more', () => {
      const ticks = ticksBetween(
        { Cron: '* * * * *' },
        at('2026-01-01T00:00:00Z'),
        at('2026-12-31T00:00:00Z'),
        10,
      );
      assert.equal(ticks.length, 11);
    });
  });

  it('cronParserProblem: says when cron-parser cannot compute a tick', () => {
    assert.equal(cronParserProblem(DAILY), undefined);
    assert.equal(cronParserProblem({ Cron: '0 0 29 2 *' }), undefined);
    assert.equal(
      cronParserProblem({ Cron: '0 0 31 2 *' }),
      'Invalid explicit day of month definition',
    );
  });
});
