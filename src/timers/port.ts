/**
 * One timer of a run: a due time the engine stored with the run (a Wait, a Retry interval, a
 * Task timeout). Its name is deterministic, so asking for it twice schedules it once.
 */
export interface TimerRequest {
  /** Deterministic, URL-safe name ([a-z0-9-], at most 100 characters): the Cloud Tasks task id. */
  readonly name: string;
  readonly runId: string;
  /** ISO time the timer is due. */
  readonly dueAt: string;
}

/**
 * Delivers `{"dfchain":"timer","runId":…,"timer":…}` to the events topic at (or soon after) a
 * timer's due time. At least once: the engine's own record of the timer is the real guard, and
 * the `tick` command fires any overdue timer that was lost.
 */
export interface TimerPort {
  /** Arranges the delivery; scheduling a name already scheduled (or already fired) is a no-op. */
  schedule(timer: TimerRequest): Promise<void>;
  /** Stops pending in-process timers and releases clients. */
  close(): Promise<void>;
}
