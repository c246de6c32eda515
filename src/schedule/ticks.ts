import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { ChainSchedule } from '../chain/types.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_TIME_ZONE } from './time-zone.js';

/**
 * When a schedule fires, computed by cron-parser in the schedule's time zone (wall clock, as
 * Cloud Scheduler runs: across a daylight saving change a time that does not exist that day
 * has no tick, and one that happens twice has one). Every function here expects a schedule
 * that passed validation; any other throws ConfigError.
 */

/** The part of a Schedule that says when it fires. */
export type CronSchedule = Pick<ChainSchedule, 'Cron' | 'TimeZone'>;

/** The zone `schedule` is read in. */
export function scheduleZone(schedule: CronSchedule): string {
  return schedule.TimeZone ?? DEFAULT_TIME_ZONE;
}

function expression(schedule: CronSchedule, currentDate: Date): CronExpression {
  try {
    return CronExpressionParser.parse(schedule.Cron, { currentDate, tz: scheduleZone(schedule) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Schedule.Cron "${schedule.Cron}" (${scheduleZone(schedule)}) cannot be read: ${reason}; dfchain validate explains it`,
      { cause: error },
    );
  }
}

/** The first `count` ticks strictly after `from`, earliest first. */
export function nextFireTimes(schedule: CronSchedule, from: Date, count: number): Date[] {
  const cron = expression(schedule, from);
  const times: Date[] = [];
  while (times.length < count && cron.hasNext()) times.push(cron.next().toDate());
  return times;
}

/** The last tick at or before `at`, or undefined when the schedule never fired before it. */
export function lastTickAtOrBefore(schedule: CronSchedule, at: Date): Date | undefined {
  // A tick exactly at `at` counts: start just after it. cron-parser's prev() skips its start.
  const cron = expression(schedule, new Date(at.getTime() + 1000));
  while (cron.hasPrev()) {
    const tick = cron.prev().toDate();
    if (tick.getTime() <= at.getTime()) return tick;
  }
  return undefined;
}

/**
 * The ticks in [from, to], earliest first, at most `limit + 1` of them, so a caller learns
 * that there are more than `limit` without listing them all.
 */
export function ticksBetween(schedule: CronSchedule, from: Date, to: Date, limit: number): Date[] {
  // Ticks fall on whole minutes: starting a second early lets a tick exactly at `from` count.
  const cron = expression(schedule, new Date(from.getTime() - 1000));
  const ticks: Date[] = [];
  while (ticks.length <= limit && cron.hasNext()) {
    const tick = cron.next().toDate();
    if (tick.getTime() > to.getTime()) break;
    if (tick.getTime() >= from.getTime()) ticks.push(tick);
  }
  return ticks;
}

/** Why cron-parser cannot compute the ticks of a schedule whose syntax is right, or undefined. */
export function cronParserProblem(schedule: CronSchedule): string | undefined {
  try {
    const cron = CronExpressionParser.parse(schedule.Cron, {
      currentDate: new Date(0),
      tz: scheduleZone(schedule),
    });
    // A date that never comes ("0 0 30 2 *") may pass parsing; it has no next tick.
    cron.next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
