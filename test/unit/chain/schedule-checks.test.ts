import { strict as assert } from 'node:assert';
import { scheduleProblems } from '../../../src/chain/schedule-checks.js';
import { chainProblems } from '../../../src/chain/validate.js';

/** A valid chain with `Schedule`. */
function chain(Schedule: unknown): object {
  return {
    StartAt: 'S',
    Schedule,
    Defaults: { Region: 'europe-west4' },
    States: { S: { Type: 'Pass', End: true } },
  };
}

describe('chain Schedule checks', () => {
  it('accepts a valid Schedule, with or without TimeZone and Input', () => {
    for (const schedule of [
      { Cron: '0 5 * * *' },
      { Cron: '30 4 * * MON-FRI', TimeZone: 'Europe/Paris', Input: { source: 'nightly' } },
    ])
      assert.deepEqual(chainProblems(chain(schedule)), []);
  });

  it('reports the cron and the zone at their JSON paths, with exact messages', () => {
    assert.deepEqual(chainProblems(chain({ Cron: '0 24 * * *', TimeZone: 'Europe/Pariss' })), [
      { path: 'Schedule.Cron', message: '"0 24 * * *": the hour 24 is out of range 0-23' },
      {
        path: 'Schedule.TimeZone',
        message:
          '"Europe/Pariss" is not an IANA time zone name: use a tz database name such as "Europe/Paris" or "Etc/UTC"; did you mean "Europe/Paris"?',
      },
    ]);
  });

  it('reports a cron that never fires', () => {
    assert.deepEqual(scheduleProblems(chain({ Cron: '0 0 31 2 *' })), [
      {
        path: 'Schedule.Cron',
        message:
          '"0 0 31 2 *" never fires (cron-parser: Invalid explicit day of month definition): check that the day of the month exists in the months given',
      },
    ]);
  });

  it('leaves wrong types and unknown fields to the schema', () => {
    assert.deepEqual(scheduleProblems(chain({ Cron: 5, TimeZone: [] })), []);
    assert.deepEqual(scheduleProblems(chain('daily')), []);
    assert.deepEqual(
      chainProblems(chain({ Cron: '0 5 * * *', Input: 3, Every: 'day' })).map((p) => p.path),
      ['Schedule', 'Schedule.Input'],
    );
    assert.deepEqual(
      chainProblems(chain({ TimeZone: 'Etc/UTC' })).map((p) => p.path),
      ['Schedule.Cron'],
    );
  });
});
