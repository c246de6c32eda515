import type { ChainDeadline, ChainDefinition } from '../chain/types.js';
import type { Draft } from './draft.js';
import { timerName } from './names.js';
import { ROOT_SCOPE } from './scope.js';

/**
 * A chain's `Deadline` is a timer of kind `deadline` on the run, armed when the run starts: when
 * it fires with the run still RUNNING, the run logs `run.deadline_missed` (severity ALERT) and goes
 * on. A run that ends first never fires it (timers of an ended run change nothing).
 *
 * `At: "HH:MM"` is due at the first instant at or after the run's start at which the wall clock
 * of the chain's time zone shows HH:MM:00. So a run started after that time of day is due at it
 * the next day: the deadline belongs to the run, not to a calendar day, and a run never gets a
 * deadline in its past. Across daylight saving time: when HH:MM happens twice (clocks go back),
 * the first time at or after the start counts; when it never happens (clocks go forward over
 * it), the instant the clocks jump is due, the first instant after the gap.
 */

const DAY_MS = 86_400_000;

/** The zone `At` is read in: the chain's `Schedule.TimeZone` when it has one, else UTC. */
export function deadlineZone(definition: ChainDefinition): string {
  const zone = definition.Schedule?.TimeZone;
  return typeof zone === 'string' && zone !== '' ? zone : 'UTC';
}

/**
 * When a run started at `startTime` (ISO) misses `deadline`, as an ISO time; undefined for a
 * deadline that names no time (validation refuses those).
 */
export function deadlineDueAt(
  deadline: ChainDeadline,
  startTime: string,
  timeZone = 'UTC',
): string | undefined {
  const start = Date.parse(startTime);
  if (deadline.AfterSeconds !== undefined)
    return new Date(start + deadline.AfterSeconds * 1000).toISOString();
  const match = /^(\d{2}):(\d{2})$/.exec(deadline.At ?? '');
  if (match === null) return undefined;
  return new Date(nextWallTime(start, Number(match[1]), Number(match[2]), timeZone)).toISOString();
}

/** Arms the chain's Deadline timer on a run that has just started and still runs. */
export function armDeadline(d: Draft): void {
  const deadline = d.definition.Deadline;
  if (deadline === undefined || d.status !== 'RUNNING') return;
  const { nonce = '', startTime } = d.fixed;
  const dueAt = deadlineDueAt(deadline, startTime, deadlineZone(d.definition));
  if (dueAt === undefined) return;
  d.addTimer(timerName(nonce, 'deadline', ROOT_SCOPE, 0), {
    kind: 'deadline',
    scope: ROOT_SCOPE,
    // No state (names are never empty): a state's end drops the timers of its scope, state and
    // attempt, and would take a deadline filed under the StartAt state with it.
    state: '',
    attempt: 0,
    dueAt,
  });
}

/** The first instant at or after `start` whose wall clock in `zone` shows hour:minute:00. */
function nextWallTime(start: number, hour: number, minute: number, zone: string): number {
  const local = new Date(start + offsetAt(start, zone));
  let last = start;
  // Day 0 may be past already; a day a zone skipped entirely (Samoa, 2011) needs a third.
  for (let day = 0; day < 3; day++) {
    const wall = Date.UTC(
      local.getUTCFullYear(),
      local.getUTCMonth(),
      local.getUTCDate() + day,
      hour,
      minute,
    );
    for (const instant of instantsOf(wall, zone)) {
      if (instant >= start) return instant;
      last = instant;
    }
  }
  return last;
}

/**
 * The instants whose wall clock in `zone` shows `wall` (epoch milliseconds read as UTC fields),
 * oldest first: two when the clocks went back over it; for a wall time in a gap, the instant
 * the gap ends.
 */
function instantsOf(wall: number, zone: string): number[] {
  // The offsets a day either side cover any one transition near `wall` (offsets span ±14 h).
  const offsets = [...new Set([offsetAt(wall - DAY_MS, zone), offsetAt(wall + DAY_MS, zone)])];
  const instants = offsets.map((offset) => wall - offset).sort((a, b) => a - b);
  const valid = instants.filter((instant) => instant + offsetAt(instant, zone) === wall);
  if (valid.length > 0) return valid;
  // No instant shows it: the clocks jumped over it, between the two candidates.
  let before = instants[0]!;
  let after = instants.at(-1)!;
  const later = offsetAt(after, zone);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (offsetAt(middle, zone) === later) after = middle;
    else before = middle;
  }
  return [after];
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds the wall clock of `zone` is ahead of UTC at `instant` (whole seconds). */
function offsetAt(instant: number, zone: string): number {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  const field: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) field[part.type] = Number(part.value);
  const shown = Date.UTC(
    field['year'] ?? 1970,
    (field['month'] ?? 1) - 1,
    field['day'] ?? 1,
    field['hour'] ?? 0,
    field['minute'] ?? 0,
    field['second'] ?? 0,
  );
  return shown - (instant - (((instant % 1000) + 1000) % 1000));
}
