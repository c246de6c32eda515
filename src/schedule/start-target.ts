import type { Chain } from '../chain/types.js';
import { PoisonMessageError } from '../errors.js';
import type { StartSignal } from '../events/signal.js';
import type { JsonObject } from '../json.js';
import { scheduledRunId } from './run-id.js';
import { lastTickAtOrBefore, scheduleZone } from './ticks.js';

/** The run a start command asks for: its id (when the command fixes it), input and tick. */
export interface StartTarget {
  /** Absent: the handler derives one from the message id (an unscheduled start without one). */
  readonly runId?: string;
  readonly input: JsonObject;
  /** The cron tick the run stands for (ISO, UTC), for scheduled and backfilled runs. */
  readonly scheduledTime?: string;
}

/**
 * What run `signal` starts of `chain`. A scheduled trigger stands for the last tick of the
 * chain's Schedule at or before the message's publish time: Cloud Scheduler publishes a fixed
 * message, so the subscriber never sees the scheduled time, and a trigger delivered late or
 * twice maps to the same tick, hence the same run id, hence no second run. Throws
 * PoisonMessageError when the chain has no Schedule (redelivering cannot help).
 */
export function startTarget(chain: Chain, signal: StartSignal): StartTarget {
  if (signal.trigger !== undefined) {
    const schedule = chain.definition.Schedule;
    const published = signal.trigger.publishTime;
    if (schedule === undefined) {
      throw new PoisonMessageError(
        `start: chain "${chain.name}" has no Schedule, so the scheduled trigger published at ${published} stands for no tick; add a Schedule to ${chain.name}.json and redeploy, or delete the Cloud Scheduler job that publishes {"dfchain":"start","chain":"${chain.name}","scheduled":true}`,
      );
    }
    const tick = lastTickAtOrBefore(schedule, new Date(published));
    if (tick === undefined) {
      throw new PoisonMessageError(
        `start: Schedule.Cron "${schedule.Cron}" (${scheduleZone(schedule)}) of chain "${chain.name}" never fired at or before ${published}, so the scheduled trigger stands for no tick`,
      );
    }
    return {
      runId: scheduledRunId(chain.name, tick),
      input: schedule.Input ?? {},
      scheduledTime: tick.toISOString(),
    };
  }
  const scheduledTime = signal.scheduledTime;
  if (scheduledTime === undefined)
    return { ...(signal.runId === undefined ? {} : { runId: signal.runId }), input: signal.input };
  return {
    runId: signal.runId ?? scheduledRunId(chain.name, new Date(scheduledTime)),
    input: signal.input,
    scheduledTime,
  };
}
