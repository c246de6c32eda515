import { strict as assert } from 'node:assert';
import { addDays, isCalendarDate, localDate, startOfDay } from '../../../src/schedule/day.js';

describe('calendar days in a time zone', () => {
  it('localDate: the date an instant shows in a zone', () => {
    const instant = new Date('2026-01-05T23:30:00Z');
    assert.equal(localDate(instant, 'Etc/UTC'), '2026-01-05');
    assert.equal(localDate(instant, 'Europe/Paris'), '2026-01-06');
    assert.equal(localDate(instant, 'America/New_York'), '2026-01-05');
  });

  it('startOfDay: the first instant of the day there', () => {
    assert.equal(startOfDay('2026-01-05', 'Etc/UTC').toISOString(), '2026-01-05T00:00:00.000Z');
    assert.equal(
      startOfDay('2026-01-05', 'Europe/Paris').toISOString(),
      '2026-01-04T23:00:00.000Z',
    );
    assert.equal(
      startOfDay('2026-07-05', 'Europe/Paris').toISOString(),
      '2026-07-04T22:00:00.000Z',
    );
    assert.equal(
      startOfDay('2026-01-05', 'Pacific/Kiritimati').toISOString(),
      '2026-01-04T10:00:00.000Z',
    );
    // Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06: the day begins at 01:00 there.
    assert.equal(
      startOfDay('2026-09-06', 'America/Santiago').toISOString(),
      '2026-09-06T04:00:00.000Z',
    );
  });

  it('isCalendarDate and addDays', () => {
    assert.ok(isCalendarDate('2024-02-29'));
    for (const text of ['2026-02-29', '2026-13-01', '2026-1-5', '20260105', '2026-01-05T00:00:00Z'])
      assert.ok(!isCalendarDate(text), text);
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  });
});
