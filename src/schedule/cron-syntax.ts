/**
 * The unix-cron Cloud Scheduler takes, checked field by field so a mistake gets a message that
 * names the field and the fix. What it accepts, from Google's "Configure cron job schedules"
 * (https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules):
 *
 * - five fields, in order: minute (0-59), hour (0-23), day of the month (1-31), month (1-12,
 *   or JAN to DEC), day of the week (0-6, or SUN to SAT, 7 is Sunday too);
 * - in each: `*` ("first-last"), a number, a range `a-b` (inclusive), a range or `*` followed
 *   by `/NUMBER` (skips: `0-23/2`, `*\/2`), and lists of those separated by commas;
 * - names are the first three letters, in uppercase; `L` (last day of the month) is not
 *   supported, and neither are the seconds field or the `@daily` shorthands of other crons.
 *
 * cron-parser accepts more (seconds, `L`, `W`, `#`, `?`, `H`, lowercase names), so dfchain
 * refuses those here, before cron-parser computes any time.
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names of the values, from the first value (JAN is 1, SUN is 0). */
  readonly names?: readonly string[];
  /** The values the field takes, as Google's page writes them. */
  readonly example: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59, example: '0-59' },
  { name: 'hour', min: 0, max: 23, example: '0-23' },
  { name: 'day of the month', min: 1, max: 31, example: '1-31' },
  { name: 'month', min: 1, max: 12, names: MONTHS, example: '1-12 or JAN to DEC' },
  {
    name: 'day of the week',
    min: 0,
    max: 7,
    names: DAYS,
    example: '0-6 or SUN to SAT (7 is Sunday)',
  },
];

/** How a schedule's Cron is written: the fix every field message ends with. */
export const CRON_FORMAT =
  'minute hour day-of-month month day-of-week, such as "0 5 * * *" (every day at 05:00)';

/** Other crons' extensions: last day (L), weekday (W), nth weekday (#), no value (?), hashed (H). */
const EXTENSION = /^(?:[0-9]*L|[0-9]+W|LW|\?|[0-9A-Z]+#[0-9]+|H(?:\([0-9-]+\))?(?:\/[0-9]+)?)$/;

const ITEM = /^(?:(\*)|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:\/([0-9]+))?$/;

/** The number `word` stands for in `field`, or why it stands for none. */
function fieldValue(field: CronField, word: string): number | string {
  if (/^[0-9]+$/.test(word)) {
    const value = Number(word);
    if (value < field.min || value > field.max)
      return `the ${field.name} ${word} is out of range ${field.example}`;
    return value;
  }
  const names = field.names;
  if (names === undefined) return `the ${field.name} "${word}" is not a number (${field.example})`;
  const index = names.indexOf(word);
  if (index >= 0) return field.name === 'month' ? index + 1 : index;
  if (names.includes(word.toUpperCase()))
    return `the ${field.name} "${word}" must be written in uppercase, "${word.toUpperCase()}"`;
  return `the ${field.name} "${word}" is neither a number nor a name (${field.example})`;
}

/** What is wrong with one comma-separated item of `field`, or undefined. */
function itemProblem(field: CronField, item: string): string | undefined {
  if (EXTENSION.test(item))
    return `the ${field.name} "${item}" is not unix-cron: Cloud Scheduler takes no L, W, #, ? or H; use numbers, names, ranges a-b, steps /n and lists a,b`;
  const parts = ITEM.exec(item);
  if (parts === null) {
    return `the ${field.name} "${item}" is not a value, a range a-b, a step */n or a-b/n (${field.example})`;
  }
  const [, star, first, last, step] = parts;
  if (step !== undefined) {
    if (Number(step) < 1) return `the ${field.name} step "/${step}" must be at least 1`;
    if (star === undefined && last === undefined)
      return `the ${field.name} "${item}" has a step after a single value: a step follows a range or *, as "${first}-${field.max}/${step}"`;
  }
  if (star !== undefined) return undefined;
  const low = fieldValue(field, first!);
  if (typeof low === 'string') return low;
  if (last === undefined) return undefined;
  const high = fieldValue(field, last);
  if (typeof high === 'string') return high;
  if (low > high)
    return `the ${field.name} range "${item}" runs backwards: write the smaller value first`;
  return undefined;
}

/**
 * Why `cron` is not a unix-cron Cloud Scheduler takes, as a message starting with the quoted
 * expression; undefined when its syntax is right (cron-parser then finds when it fires).
 */
export function cronSyntaxProblem(cron: string): string | undefined {
  const shown = JSON.stringify(cron);
  if (cron.trim() === '') return `${shown} is empty: write 5 fields, ${CRON_FORMAT}`;
  if (cron.trim().startsWith('@'))
    return `${shown} is not unix-cron: Cloud Scheduler takes 5 fields, ${CRON_FORMAT}`;
  const words = cron.trim().split(/\s+/);
  if (words.length !== FIELDS.length) {
    const seconds = words.length === 6 ? ' (no seconds field)' : '';
    return `${shown} has ${words.length} fields; Cloud Scheduler's unix-cron has 5${seconds}: ${CRON_FORMAT}`;
  }
  for (const [i, word] of words.entries()) {
    const field = FIELDS[i]!;
    for (const item of word.split(',')) {
      const problem = itemProblem(field, item);
      if (problem !== undefined) return `${shown}: ${problem}`;
    }
  }
  return undefined;
}
