/**
 * ASL timestamps: the RFC 3339 profile of ISO 8601 with an uppercase `T` between date and time
 * and an uppercase `Z` when there is no numeric offset (states-language.net, "Timestamps"; the
 * AWS Choice page says the same). Hand-parsed, not `Date.parse`, which accepts far more
 * (`2024-02-30`, lowercase `t`, no zone) and reads years 0–99 as 1900–1999.
 *
 * Precision: a fraction may have any number of digits (RFC 3339 `time-secfrac = "." 1*DIGIT`).
 * {@link parseTimestamp} gives whole milliseconds, rounded down; {@link compareTimestamps}
 * compares every digit, so `…00.0001Z` is after `…00Z` although both are the same millisecond.
 *
 * Leap seconds (`:60`) are rejected: epoch time has no slot for them, so two different texts
 * would compare equal, and no leap second has been inserted since 2016.
 */

// A fixed expression (never built from user text), without nested quantifiers: linear time.
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** An exact instant: whole seconds since the epoch plus the fraction's digits (no trailing 0). */
interface Instant {
  readonly seconds: number;
  readonly fraction: string;
}

/** Why `text` is not an ASL timestamp, or undefined when it is one. */
export function timestampProblem(text: string): string | undefined {
  const result = parse(text);
  return typeof result === 'string' ? result : undefined;
}

/** Epoch milliseconds (rounded down) of an ASL timestamp; undefined for any other text. */
export function parseTimestamp(text: string): number | undefined {
  const result = parse(text);
  if (typeof result === 'string') return undefined;
  return result.seconds * 1000 + Number(result.fraction.padEnd(3, '0').slice(0, 3));
}

/** True for a string that is an ASL timestamp. */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && typeof parse(value) !== 'string';
}

/**
 * Orders two ASL timestamps by the instant they name, every fractional digit counting:
 * negative, 0 or positive; undefined when either is not a timestamp.
 */
export function compareTimestamps(a: string, b: string): number | undefined {
  const x = parse(a);
  const y = parse(b);
  if (typeof x === 'string' || typeof y === 'string') return undefined;
  if (x.seconds !== y.seconds) return x.seconds < y.seconds ? -1 : 1;
  // Same length, digits only: comparing the strings compares the numbers.
  const width = Math.max(x.fraction.length, y.fraction.length);
  const f = x.fraction.padEnd(width, '0');
  const g = y.fraction.padEnd(width, '0');
  if (f === g) return 0;
  return f < g ? -1 : 1;
}

function parse(text: string): Instant | string {
  const match = SHAPE.exec(text);
  if (match === null) return shapeProblem(text);
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12) return `month ${mo} does not exist (01 to 12)`;
  const last = daysInMonth(year, month);
  if (day < 1 || day > last) {
    return `day ${d} does not exist in ${MONTHS[month - 1]} ${y} (01 to ${last})`;
  }
  if (hour > 23) return `hour ${h} does not exist (00 to 23; midnight is 00:00:00 of the next day)`;
  if (minute > 59) return `minute ${mi} does not exist (00 to 59)`;
  if (second === 60) return 'leap seconds (second 60) are not supported';
  if (second > 59) return `second ${s} does not exist (00 to 59)`;
  let offset = 0;
  if (zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMinutes = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMinutes > 59) {
      return `offset ${zone} does not exist (-23:59 to +23:59)`;
    }
    offset = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  const seconds =
    daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return { seconds, fraction: fraction.replace(/0+$/, '') };
}

// The common mistakes get their own message; anything else gets the expected shape.
function shapeProblem(text: string): string {
  const expected = 'expected YYYY-MM-DDThh:mm:ss[.sss](Z or ±hh:mm), such as 2016-03-14T01:59:00Z';
  const dateTime = /^\d{4}-\d{2}-\d{2}([Tt ])\d{2}:\d{2}:\d{2}(?:\.\d+)?([\s\S]*)$/.exec(text);
  if (dateTime === null) return expected;
  const [, separator, zone = ''] = dateTime;
  if (separator !== 'T') return 'separate the date and the time with an uppercase T';
  if (zone === 'z') return 'write UTC as an uppercase Z';
  if (zone === '') return 'add a time zone: Z for UTC, or an offset such as +02:00';
  if (/^[+-]\d{4}$/.test(zone))
    return `write the offset with a colon, as ${zone.slice(0, 3)}:${zone.slice(3)}`;
  return expected;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil):
// exact for every year RFC 3339 allows, 0000 to 9999, with no Date object involved.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
