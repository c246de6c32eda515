import type { ChainSchedule } from '../chain/types.js';
import { nextFireTimes, scheduleZone } from './ticks.js';

/** How many fire times `dfchain graph` (and status) show. */
export const SHOWN_FIRE_TIMES = 3;

/** A tick as people read it: UTC to the minute, `2026-01-05T04:00Z`. */
export function tickText(tick: Date): string {
  return `${tick.toISOString().slice(0, 16)}Z`;
}

/**
 * Two lines that say when a Schedule fires: its cron and zone, then its next
 * {@link SHOWN_FIRE_TIMES} ticks after `now`, such as
 * `schedule: "0 5 * * *" in Europe/Paris` and
 * `next: 2026-01-05T04:00Z, 2026-01-06T04:00Z, 2026-01-07T04:00Z`.
 */
export function scheduleLines(schedule: ChainSchedule, now: Date): [string, string] {
  const next = nextFireTimes(schedule, now, SHOWN_FIRE_TIMES).map(tickText);
  return [
    `schedule: ${JSON.stringify(schedule.Cron)} in ${scheduleZone(schedule)}`,
    `next: ${next.join(', ') || 'none'}`,
  ];
}
