/**
 * Calendar days in a time zone, for `dfchain backfill --from/--to DATE` and its `{{date}}`
 * placeholder: a day is the span of instants whose wall clock in the zone shows that date.
 */

const HOUR_MS = 3_600_000;
// Zone offsets lie within -12 h and +14 h: a day's first instant is this close to its UTC midnight.
const MAX_OFFSET_MS = 15 * HOUR_MS;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The date `instant` shows in `zone`, `YYYY-MM-DD`. */
export function localDate(instant: Date, zone: string): string {
  let format = formats.get(zone);
  if (format === undefined) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(zone, format);
  }
  return format.format(instant);
}

/** True for `YYYY-MM-DD` naming a real calendar date (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** `date` (`YYYY-MM-DD`) plus `days` days. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 24 * HOUR_MS;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The first instant (to the millisecond) whose wall clock in `zone` shows `date` or a later
 * date: the start of that day there, even when the zone skipped its midnight.
 */
export function startOfDay(date: string, zone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // The dates shown only grow with time: search the window for the first one at or past `date`.
  let before = midnight - MAX_OFFSET_MS;
  let after = midnight + MAX_OFFSET_MS;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localDate(new Date(middle), zone) >= date) after = middle;
    else before = middle;
  }
  return new Date(after);
}
