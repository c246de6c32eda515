import { strict as assert } from 'node:assert';
import {
  compareTimestamps,
  isTimestamp,
  parseTimestamp,
  timestampProblem,
} from '../../../src/engine/timestamp.js';

describe('engine: ASL timestamps', () => {
  describe('accepts the RFC 3339 profile, at the exact instant', () => {
    const cases: [text: string, epochMs: number][] = [
      ['2016-03-14T01:59:00Z', Date.UTC(2016, 2, 14, 1, 59, 0)],
      ['1970-01-01T00:00:00Z', 0],
      ['1969-12-31T23:59:59Z', -1000],
      ['2016-03-14T01:59:00.123456+02:00', Date.UTC(2016, 2, 13, 23, 59, 0, 123)],
      ['2016-03-14T01:59:00.1Z', Date.UTC(2016, 2, 14, 1, 59, 0, 100)],
      ['2016-03-14T01:59:00.999999999Z', Date.UTC(2016, 2, 14, 1, 59, 0, 999)],
      ['2016-03-14T01:59:00-05:30', Date.UTC(2016, 2, 14, 7, 29, 0)],
      ['2016-03-14T01:59:00-00:00', Date.UTC(2016, 2, 14, 1, 59, 0)],
      ['2016-03-14T01:59:00+23:59', Date.UTC(2016, 2, 13, 2, 0, 0)],
      ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
      ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
      ['2023-12-31T23:59:59Z', Date.UTC(2023, 11, 31, 23, 59, 59)],
      // Years 0–99 are not 1900–1999 (Date.UTC's trap) and the proleptic calendar holds.
      ['0000-01-01T00:00:00Z', -62167219200000],
      ['0099-03-01T00:00:00Z', new Date('0099-03-01T00:00:00Z').getTime()],
      ['9999-12-31T23:59:59.999Z', new Date('9999-12-31T23:59:59.999Z').getTime()],
      // A fraction rounds down to the millisecond, also before the epoch.
      ['1969-12-31T23:59:59.9999Z', -1],
    ];
    for (const [text, epochMs] of cases) {
      it(`${text} is ${epochMs}`, () => {
        assert.equal(parseTimestamp(text), epochMs);
        assert.equal(isTimestamp(text), true);
        assert.equal(timestampProblem(text), undefined);
      });
    }
  });

  describe('rejects anything else, saying why', () => {
    const expected =
      'expected YYYY-MM-DDThh:mm:ss[.sss](Z or ±hh:mm), such as 2016-03-14T01:59:00Z';
    const cases: [text: string, problem: string][] = [
      ['2024-02-30T00:00:00Z', 'day 30 does not exist in February 2024 (01 to 29)'],
      ['2023-02-29T00:00:00Z', 'day 29 does not exist in February 2023 (01 to 28)'],
      ['1900-02-29T00:00:00Z', 'day 29 does not exist in February 1900 (01 to 28)'],
      ['2024-04-31T00:00:00Z', 'day 31 does not exist in April 2024 (01 to 30)'],
      ['2024-01-00T00:00:00Z', 'day 00 does not exist in January 2024 (01 to 31)'],
      ['2024-13-01T00:00:00Z', 'month 13 does not exist (01 to 12)'],
      ['2024-00-01T00:00:00Z', 'month 00 does not exist (01 to 12)'],
      [
        '2024-01-01T24:00:00Z',
        'hour 24 does not exist (00 to 23; midnight is 00:00:00 of the next day)',
      ],
      ['2024-01-01T00:60:00Z', 'minute 60 does not exist (00 to 59)'],
      ['2024-01-01T00:00:61Z', 'second 61 does not exist (00 to 59)'],
      ['2016-12-31T23:59:60Z', 'leap seconds (second 60) are not supported'],
      ['2024-01-01T00:00:00+24:00', 'offset +24:00 does not exist (-23:59 to +23:59)'],
      ['2024-01-01T00:00:00+01:60', 'offset +01:60 does not exist (-23:59 to +23:59)'],
      // AWS and the specification: uppercase T and Z only.
      ['2024-01-01t00:00:00Z', 'separate the date and the time with an uppercase T'],
      ['2024-01-01 00:00:00Z', 'separate the date and the time with an uppercase T'],
      ['2024-01-01T00:00:00z', 'write UTC as an uppercase Z'],
      ['2024-01-01T00:00:00.5z', 'write UTC as an uppercase Z'],
      ['2024-01-01T00:00:00', 'add a time zone: Z for UTC, or an offset such as +02:00'],
      ['2024-01-01T00:00:00+0200', 'write the offset with a colon, as +02:00'],
      ['2024-01-01T00:00:00+02', expected],
      ['2024-01-01T00:00:00.Z', expected],
      ['2024-01-01T00:00Z', expected],
      ['2024-01-01', expected],
      ['2024-1-01T00:00:00Z', expected],
      ['20240101T000000Z', expected],
      ['+002024-01-01T00:00:00Z', expected],
      ['2024-01-01T00:00:00Z ', expected],
      ['2024-01-01T00:00:00Z\n', expected],
      [' 2024-01-01T00:00:00Z', expected],
      ['2024-01-01T00:00:00ZZ', expected],
      ['2024-01-01T00:00:00 UTC', expected],
      ['2025-01-01T00%3A00%3A00Z', expected],
      // Only ASCII digits: \d must not admit other scripts' digits.
      ['２０２４-01-01T00:00:00Z', expected],
      ['', expected],
    ];
    for (const [text, problem] of cases) {
      it(JSON.stringify(text), () => {
        assert.equal(timestampProblem(text), problem);
        assert.equal(parseTimestamp(text), undefined);
        assert.equal(isTimestamp(text), false);
      });
    }
  });

  it('isTimestamp is false for anything that is not a string', () => {
    for (const value of [null, 0, 1457913540000, true, [], {}, undefined]) {
      assert.equal(isTimestamp(value), false, JSON.stringify(value));
    }
  });

  describe('compareTimestamps orders instants, every fractional digit counting', () => {
    const cases: [a: string, b: string, order: number | undefined][] = [
      ['2016-03-14T01:59:00Z', '2016-03-14T01:59:00Z', 0],
      ['2016-03-14T01:59:00Z', '2016-03-14T01:59:00.000Z', 0],
      ['2016-03-14T01:59:00.5Z', '2016-03-14T01:59:00.500000Z', 0],
      ['2016-03-14T01:59:00+02:00', '2016-03-13T23:59:00Z', 0],
      ['2016-03-14T01:59:00-00:00', '2016-03-14T01:59:00+00:00', 0],
      ['2016-03-14T01:59:00Z', '2016-03-14T01:59:01Z', -1],
      ['2016-03-14T01:59:01Z', '2016-03-14T01:59:00Z', 1],
      // Same millisecond, different microseconds: not equal.
      ['2016-03-14T01:59:00.123456Z', '2016-03-14T01:59:00.123457Z', -1],
      ['2016-03-14T01:59:00.0001Z', '2016-03-14T01:59:00Z', 1],
      ['2016-03-14T01:59:00.9Z', '2016-03-14T01:59:00.10Z', 1],
      // An offset crosses the date line: the later local time is the earlier instant.
      ['2016-03-14T10:00:00+12:00', '2016-03-13T23:00:00-01:00', -1],
      ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', -1],
      ['2016-03-14T01:59:00Z', 'soon', undefined],
      ['2024-02-30T00:00:00Z', '2016-03-14T01:59:00Z', undefined],
    ];
    for (const [a, b, order] of cases) {
      it(`${a} vs ${b}: ${String(order)}`, () => {
        const got = compareTimestamps(a, b);
        assert.equal(got === undefined ? undefined : Math.sign(got), order);
      });
    }
  });

  it('reads a very long string in linear time', () => {
    const long = `2024-01-01T00:00:00.${'1'.repeat(200_000)}`;
    const started = performance.now();
    assert.equal(timestampProblem(long), 'add a time zone: Z for UTC, or an offset such as +02:00');
    assert.equal(parseTimestamp(`${long}Z`), Date.UTC(2024, 0, 1, 0, 0, 0, 111));
    assert.ok(performance.now() - started < 500);
  });
});
