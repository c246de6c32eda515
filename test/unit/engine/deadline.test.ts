import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { deadlineDueAt, deadlineZone } from '../../../src/engine/deadline.js';
import { timerName } from '../../../src/engine/names.js';
import { NONCE, T0, at, start, task } from './drive.js';

/** One Task, due `deadline` after its start. */
function chainWith(deadline: ChainDefinition['Deadline']): ChainDefinition {
  return { StartAt: 'T', ...(deadline ? { Deadline: deadline } : {}), States: { T: task('t') } };
}

const DEADLINE_TIMER = timerName(NONCE, 'deadline', '', 0);

describe('engine: a chain Deadline', () => {
  describe('deadlineDueAt', () => {
    const cases: {
      readonly name: string;
      readonly at: string;
      readonly start: string;
      readonly zone?: string;
      readonly due: string;
    }[] = [
      {
        name: 'later the same day',
        at: '07:00',
        start: '2026-11-22T06:59:59.999Z',
        due: '2026-11-22T07:00:00.000Z',
      },
      {
        name: 'a start exactly at the time is due at once',
        at: '07:00',
        start: '2026-11-22T07:00:00.000Z',
        due: '2026-11-22T07:00:00.000Z',
      },
      {
        name: 'a start past the time is due the next day',
        at: '07:00',
        start: '2026-11-22T07:00:00.001Z',
        due: '2026-11-23T07:00:00.000Z',
      },
      {
        name: 'midnight across a year end',
        at: '00:00',
        start: '2026-12-31T23:59:00.000Z',
        due: '2027-01-01T00:00:00.000Z',
      },
      {
        name: 'in a zone east of UTC, before its local time',
        at: '09:00',
        start: '2026-06-01T02:00:00.000Z',
        zone: 'Asia/Kolkata',
        due: '2026-06-01T03:30:00.000Z',
      },
      {
        name: 'in a zone east of UTC whose local date is already the next day',
        at: '23:00',
        start: '2026-06-01T12:00:00.000Z',
        zone: 'Pacific/Kiritimati',
        due: '2026-06-02T09:00:00.000Z',
      },
      {
        name: 'in a zone with a 45-minute offset',
        at: '09:00',
        start: '2026-06-01T02:00:00.000Z',
        zone: 'Asia/Kathmandu',
        due: '2026-06-01T03:15:00.000Z',
      },
      {
        name: 'clocks go forward over it (02:30 CET does not exist): the instant the gap ends',
        at: '02:30',
        start: '2026-03-29T00:00:00.000Z',
        zone: 'Europe/Amsterdam',
        due: '2026-03-29T01:00:00.000Z',
      },
      {
        name: 'clocks go forward over it in New York',
        at: '02:30',
        start: '2026-03-08T05:00:00.000Z',
        zone: 'America/New_York',
        due: '2026-03-08T07:00:00.000Z',
      },
      {
        name: 'clocks go back over it: the first 02:30 (summer time)',
        at: '02:30',
        start: '2026-10-25T00:00:00.000Z',
        zone: 'Europe/Amsterdam',
        due: '2026-10-25T00:30:00.000Z',
      },
      {
        name: 'clocks go back over it, started between the two: the second 02:30 (winter time)',
        at: '02:30',
        start: '2026-10-25T00:45:00.000Z',
        zone: 'Europe/Amsterdam',
        due: '2026-10-25T01:30:00.000Z',
      },
      {
        name: 'clocks go back over it, started after both: the next day',
        at: '02:30',
        start: '2026-10-25T01:45:00.000Z',
        zone: 'Europe/Amsterdam',
        due: '2026-10-26T01:30:00.000Z',
      },
      {
        name: 'a day the zone skipped entirely (Samoa, 30 December 2011): the instant it ended',
        at: '12:00',
        start: '2011-12-29T23:00:00.000Z',
        zone: 'Pacific/Apia',
        due: '2011-12-30T10:00:00.000Z',
      },
    ];
    for (const c of cases) {
      it(`At ${c.at} ${c.zone ?? 'UTC'}: ${c.name}`, () => {
        assert.equal(deadlineDueAt({ At: c.at }, c.start, c.zone), c.due);
      });
    }

    it('AfterSeconds: that many seconds after the start, to the millisecond', () => {
      assert.equal(
        deadlineDueAt({ AfterSeconds: 2 }, '2026-11-22T06:59:59.999Z'),
        '2026-11-22T07:00:01.999Z',
      );
      assert.equal(deadlineDueAt({ AfterSeconds: 90_000 }, T0, 'Europe/Amsterdam'), at(90_000));
    });

    it('no time for a deadline that names none (validation refuses it)', () => {
      for (const deadline of [{}, { At: '7:5' }, { At: '24:00 ' }])
        assert.equal(deadlineDueAt(deadline, T0), undefined, JSON.stringify(deadline));
    });
  });

  describe('deadlineZone', () => {
    it("is the chain's Schedule.TimeZone when it has one, else UTC", () => {
      const chain = chainWith({ At: '07:00' });
      assert.equal(deadlineZone(chain), 'UTC');
      const scheduled = { ...chain, Schedule: { Cron: '0 5 * * *', TimeZone: 'Europe/Paris' } };
      assert.equal(deadlineZone(scheduled), 'Europe/Paris');
      for (const Schedule of [null, 'daily', { TimeZone: '' }, { TimeZone: 3 }])
        assert.equal(deadlineZone({ ...chain, Schedule } as ChainDefinition), 'UTC');
    });
  });

  describe('starting a run arms it', () => {
    it('AfterSeconds: a deadline timer due after the start, and its delivery asked for', () => {
      const t = start(chainWith({ AfterSeconds: 7200 }));
      assert.deepEqual(t.run.timers, {
        [DEADLINE_TIMER]: { kind: 'deadline', scope: '', state: '', attempt: 0, dueAt: at(7200) },
      });
      assert.deepEqual(
        t.effects.filter((e) => e.kind === 'timer'),
        [{ kind: 'timer', name: DEADLINE_TIMER, dueAt: at(7200) }],
      );
      // Pinned: a deploy must not rename the deadline timers of runs in flight.
      assert.equal(DEADLINE_TIMER, 'deadline-6029c2ac3d5c58c1c84aa8543511c70c4da417ef');
    });

    it('At: due at the first such time after the start (T0 is 10:00 UTC)', () => {
      assert.equal(start(chainWith({ At: '10:30' })).run.timers?.[DEADLINE_TIMER]?.dueAt, at(1800));
      assert.equal(
        start(chainWith({ At: '09:00' })).run.timers?.[DEADLINE_TIMER]?.dueAt,
        at(23 * 3600),
      );
    });

    it('beside the TimeoutSeconds timer, each with its own name', () => {
      const t = start({ ...chainWith({ AfterSeconds: 60 }), TimeoutSeconds: 120 });
      assert.deepEqual(Object.keys(t.run.timers ?? {}).sort(), [
        DEADLINE_TIMER,
        timerName(NONCE, 'run', '', 0),
      ]);
    });

    it('no timer without a Deadline', () => {
      const t = start(chainWith(undefined));
      assert.deepEqual(t.run.timers, {});
      assert.deepEqual(
        t.effects.filter((e) => e.kind === 'timer'),
        [],
      );
    });

    it('no timer for a run that ended as it started (nothing left to be late)', () => {
      const instant: ChainDefinition = {
        StartAt: 'P',
        Deadline: { AfterSeconds: 5 },
        States: { P: { Type: 'Pass', End: true } },
      };
      const t = start(instant);
      assert.equal(t.run.status, 'SUCCEEDED');
      assert.deepEqual(t.run.timers, {});
      assert.deepEqual(t.effects, []);
    });
  });
});
