import type { ChainProblem } from '../errors.js';
import { isObject } from '../json.js';

/**
 * The pattern dag/schema.json gives `Deadline.At`: "HH:MM", 24-hour, zero-padded. Kept equal to
 * the schema's (a test compares them): the schema's pattern selects {@link timeOfDayMessage}.
 */
export const TIME_OF_DAY_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

const RANGE = '"HH:MM", 24-hour, from "00:00" to "23:59"';

/** Why `value` is not a `Deadline.At` time of day, with the fix (the schema found it is not). */
export function timeOfDayMessage(value: string): string {
  const shown = JSON.stringify(value);
  const parts = /^(\d{1,2}):(\d{1,2})$/.exec(value);
  if (parts === null) return `${shown} is not a time of day; write ${RANGE}, such as "07:30"`;
  const hour = Number(parts[1]);
  const minute = Number(parts[2]);
  if (hour === 24 && minute === 0)
    return `${shown} is not a time of day; midnight is "00:00" (${RANGE})`;
  if (hour > 23 || minute > 59) return `${shown} is not a time of day; write ${RANGE}`;
  const padded = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return `${shown} is not a time of day; write hours and minutes with two digits each, as "${padded}"`;
}

// The schema reports other values: comparing them would only add noise.
const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

/**
 * Checks a chain's `Deadline` beyond the schema: a deadline at or past the chain's own
 * TimeoutSeconds could never be missed by a running run (the run fails with States.Timeout
 * first), so it would never alert; that is a mistake, not a choice.
 */
export function deadlineProblems(chain: unknown): ChainProblem[] {
  if (!isObject(chain) || !isObject(chain['Deadline'])) return [];
  const after = chain['Deadline']['AfterSeconds'];
  const timeout = chain['TimeoutSeconds'];
  if (!isPositiveInteger(after) || !isPositiveInteger(timeout) || after < timeout) return [];
  return [
    {
      path: 'Deadline.AfterSeconds',
      message: `must be smaller than the chain's TimeoutSeconds (${timeout}): the run fails with States.Timeout before this deadline could be missed; lower it, or raise TimeoutSeconds`,
    },
  ];
}
