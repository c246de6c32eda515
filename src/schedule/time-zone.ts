import { didYouMean } from '../chain/did-you-mean.js';

/**
 * The zone a schedule without `TimeZone` is read in: Cloud Scheduler's own default ("The
 * default time-zone is Etc/UTC", https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules).
 */
export const DEFAULT_TIME_ZONE = 'Etc/UTC';

/**
 * Why `zone` is not an IANA (tz database) time zone name Node and Cloud Scheduler both read,
 * or undefined. Node's Intl knows the tz database names and reads them in any case: the case
 * the database writes is asked for, since Cloud Scheduler is not documented to be as lenient.
 */
export function timeZoneProblem(zone: string): string | undefined {
  const shown = JSON.stringify(zone);
  let resolved: string;
  try {
    // Offsets such as "+01:00" are refused here too (tz database names only).
    if (!/^[A-Za-z]/.test(zone)) throw new RangeError(zone);
    resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    const guess = didYouMean(zone, Intl.supportedValuesOf('timeZone'));
    const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
    return `${shown} is not an IANA time zone name: use a tz database name such as "Europe/Paris" or "Etc/UTC"${hint}`;
  }
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase())
    return `${shown} must be written as the tz database writes it: "${resolved}"`;
  return undefined;
}
