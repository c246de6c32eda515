import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  TIME_OF_DAY_PATTERN,
  deadlineProblems,
  timeOfDayMessage,
} from '../../../src/chain/deadline-checks.js';
import { chainProblems } from '../../../src/chain/validate.js';

const SCHEMA = JSON.parse(readFileSync('dag/schema.json', 'utf8')) as {
  definitions: { deadline: { properties: { At: { pattern: string } } } };
};

/** A valid chain with top-level `extra`. */
function chain(extra: object): object {
  return {
    StartAt: 'S',
    ...extra,
    Defaults: { Region: 'europe-west4' },
    States: { S: { Type: 'Pass', End: true } },
  };
}

describe('chain Deadline checks', () => {
  it("uses the schema's own pattern for Deadline.At", () => {
    assert.equal(SCHEMA.definitions.deadline.properties.At.pattern, TIME_OF_DAY_PATTERN);
  });

  describe('timeOfDayMessage', () => {
    const cases: [value: string, message: string][] = [
      [
        '24:00',
        '"24:00" is not a time of day; midnight is "00:00" ("HH:MM", 24-hour, from "00:00" to "23:59")',
      ],
      [
        '7:5',
        '"7:5" is not a time of day; write hours and minutes with two digits each, as "07:05"',
      ],
      [
        '07:5',
        '"07:5" is not a time of day; write hours and minutes with two digits each, as "07:05"',
      ],
      ['23:60', '"23:60" is not a time of day; write "HH:MM", 24-hour, from "00:00" to "23:59"'],
      ['24:30', '"24:30" is not a time of day; write "HH:MM", 24-hour, from "00:00" to "23:59"'],
      [
        '07:00:00',
        '"07:00:00" is not a time of day; write "HH:MM", 24-hour, from "00:00" to "23:59", such as "07:30"',
      ],
      [
        '',
        '"" is not a time of day; write "HH:MM", 24-hour, from "00:00" to "23:59", such as "07:30"',
      ],
    ];
    for (const [value, message] of cases) {
      it(JSON.stringify(value), () => {
        assert.equal(timeOfDayMessage(value), message);
        assert.deepEqual(chainProblems(chain({ Deadline: { At: value } })), [
          { path: 'Deadline.At', message },
        ]);
      });
    }

    it('every time from 00:00 to 23:59 is valid', () => {
      for (let minutes = 0; minutes < 1440; minutes++) {
        const at = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        assert.deepEqual(chainProblems(chain({ Deadline: { At: at } })), [], at);
      }
    });
  });

  it('an unknown field beside AfterSeconds is reported once, as unknown (not as both fields)', () => {
    assert.deepEqual(chainProblems(chain({ Deadline: { AfterSeconds: 60, Due: '07:00' } })), [
      { path: 'Deadline', message: 'unknown field "Due" (allowed: AfterSeconds, At)' },
    ]);
  });

  describe('deadlineProblems', () => {
    const MESSAGE = (timeout: number) =>
      `must be smaller than the chain's TimeoutSeconds (${timeout}): the run fails with States.Timeout before this deadline could be missed; lower it, or raise TimeoutSeconds`;
    const cases: [name: string, json: unknown, expected: string[]][] = [
      ['below TimeoutSeconds', chain({ TimeoutSeconds: 61, Deadline: { AfterSeconds: 60 } }), []],
      [
        'equal to TimeoutSeconds',
        chain({ TimeoutSeconds: 60, Deadline: { AfterSeconds: 60 } }),
        [MESSAGE(60)],
      ],
      [
        'above TimeoutSeconds',
        chain({ TimeoutSeconds: 60, Deadline: { AfterSeconds: 90 } }),
        [MESSAGE(60)],
      ],
      ['no TimeoutSeconds', chain({ Deadline: { AfterSeconds: 90 } }), []],
      ['At, whatever TimeoutSeconds', chain({ TimeoutSeconds: 1, Deadline: { At: '07:00' } }), []],
      [
        'a TimeoutSeconds the schema refuses',
        chain({ TimeoutSeconds: '60', Deadline: { AfterSeconds: 90 } }),
        [],
      ],
      [
        'an AfterSeconds the schema refuses',
        chain({ TimeoutSeconds: 60, Deadline: { AfterSeconds: 90.5 } }),
        [],
      ],
      ['no Deadline', chain({ TimeoutSeconds: 60 }), []],
      ['a Deadline that is not an object', chain({ Deadline: 60 }), []],
      ['not a chain', [], []],
    ];
    for (const [name, json, expected] of cases) {
      it(name, () => {
        assert.deepEqual(
          deadlineProblems(json),
          expected.map((message) => ({ path: 'Deadline.AfterSeconds', message })),
        );
      });
    }
  });
});
