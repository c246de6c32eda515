import { strict as assert } from 'node:assert';
import { scheduleLines, tickText } from '../../../src/schedule/describe.js';

describe('scheduleLines', () => {
  it('says the cron, the zone and the next 3 ticks after now, in UTC to the minute', () => {
    assert.deepEqual(
      scheduleLines(
        { Cron: '30 6 * * MON-FRI', TimeZone: 'Europe/Paris' },
        new Date('2026-01-09T12:00:00Z'),
      ),
      [
        'schedule: "30 6 * * MON-FRI" in Europe/Paris',
        'next: 2026-01-12T05:30Z, 2026-01-13T05:30Z, 2026-01-14T05:30Z',
      ],
    );
    assert.equal(tickText(new Date('2026-01-09T12:00:59.999Z')), '2026-01-09T12:00Z');
  });
});
