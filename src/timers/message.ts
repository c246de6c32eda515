import type { TimerRequest } from './port.js';

/** The command a due timer publishes on the events topic (decoded by src/events/command.ts). */
export interface TimerMessage {
  readonly dfchain: 'timer';
  readonly runId: string;
  readonly timer: string;
}

/** `{"dfchain":"timer","runId":…,"timer":…}`, the command for `timer`. */
export function timerMessage(timer: TimerRequest): TimerMessage {
  return { dfchain: 'timer', runId: timer.runId, timer: timer.name };
}

/** The command as Pub/Sub message data: UTF-8 JSON. */
export function timerMessageData(timer: TimerRequest): Buffer {
  return Buffer.from(JSON.stringify(timerMessage(timer)), 'utf8');
}

/** Milliseconds since the epoch of the timer's `dueAt`; a TypeError when it is not a time. */
export function dueTime(timer: TimerRequest): number {
  const due = Date.parse(timer.dueAt);
  if (Number.isNaN(due)) {
    throw new TypeError(
      `timer "${timer.name}" of run "${timer.runId}": dueAt "${timer.dueAt}" is not an ISO time`,
    );
  }
  return due;
}
