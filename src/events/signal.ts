import type { CallbackOutcome } from '../engine/callback.js';
import type { JsonObject } from '../json.js';

/** A Dataflow job that the log sink or Eventarc reports as ended (or failed to launch). */
export interface JobEndedSignal {
  readonly kind: 'jobEnded';
  readonly source: 'logSink' | 'eventarc';
  readonly jobId: string;
  readonly jobName: string;
  readonly projectId: string;
  readonly location: string;
  /** The flex template launcher failed: the job never started workers. */
  readonly launcherFailed: boolean;
  /**
   * State the event claims (Eventarc only). A direct event comes from Dataflow through Eventarc,
   * never from a topic publisher, so the handler trusts it without asking the API again.
   */
  readonly reportedState?: string;
  /** The job's labels as the event carries them (Eventarc only: the log entry has none). */
  readonly reportedLabels?: Readonly<Record<string, string>>;
}

/**
 * A Cloud Run job execution that the log sink reports as ended (its RunJob completion entry).
 * The entry's outcome is not trusted: the handler confirms it with `executions.get`.
 */
export interface ExecutionEndedSignal {
  readonly kind: 'executionEnded';
  readonly source: 'logSink';
  readonly projectId: string;
  readonly location: string;
  /** The job's short name. */
  readonly job: string;
  /** The execution's short name (`{job}-{suffix}`). */
  readonly execution: string;
  /** `projects/P/locations/L/jobs/J/executions/E`, as `executions.get` takes it. */
  readonly executionName: string;
}

/** The `start` command: begin a run of a chain. */
export interface StartSignal {
  readonly kind: 'start';
  readonly chain: string;
  /**
   * Absent: dfchain derives one, from the scheduled time when there is one (the same id
   * whoever starts that tick), else from the message id, so redeliveries start one run.
   */
  readonly runId?: string;
  /** The run input; a scheduled trigger's is the chain's `Schedule.Input` instead. */
  readonly input: JsonObject;
  /** The cron tick the run stands for (ISO, UTC): `$$.Execution.ScheduledTime`. */
  readonly scheduledTime?: string;
  /**
   * A scheduled trigger (`"scheduled": true`, Cloud Scheduler's fixed message): the run stands
   * for the last tick of the chain's Schedule at or before the message's publish time (ISO).
   */
  readonly trigger?: { readonly publishTime: string };
}

/** The `tick` command (Cloud Scheduler): reconcile running runs. */
export interface TickSignal {
  readonly kind: 'tick';
}

/** A timer of a run came due (delivered by the timer port). */
export interface TimerSignal {
  readonly kind: 'timer';
  readonly runId: string;
  /** The timer's deterministic name. */
  readonly timer: string;
}

/** The `cancel` command: stop a run's jobs and end it CANCELLED. */
export interface CancelSignal {
  readonly kind: 'cancel';
  readonly runId: string;
  /** Why, as the run's error Cause; the handler gives a default when absent. */
  readonly cause?: string;
}

/** The `redrive` command: resume a FAILED or CANCELLED run from the states that did not succeed. */
export interface RedriveSignal {
  readonly kind: 'redrive';
  readonly runId: string;
}

/** The `callback` command: a workload reports the end of a waiting Task (its token's). */
export interface CallbackSignal {
  readonly kind: 'callback';
  readonly token: string;
  readonly outcome: CallbackOutcome;
}

/** The `heartbeat` command: a workload says its waiting Task is still alive. */
export interface HeartbeatSignal {
  readonly kind: 'heartbeat';
  readonly token: string;
}

/**
 * A Cloud Storage object was finalized (an OBJECT_FINALIZE notification): every chain whose
 * Triggers match it starts a run with `input`.
 */
export interface ObjectFinalizedSignal {
  readonly kind: 'objectFinalized';
  readonly bucket: string;
  /** The object's name. */
  readonly name: string;
  /** The object's generation (decimal digits, as the JSON API writes int64). */
  readonly generation: string;
  /** The run input: the object, as gcs-notification.ts builds it. */
  readonly input: JsonObject;
}

/** A message dfchain will not act on, with the reason it is logged under. */
export interface IgnoredSignal {
  readonly kind: 'ignored';
  /** `malformed` cannot be parsed; `foreign` is well-formed but not for dfchain. */
  readonly category: 'malformed' | 'foreign';
  readonly reason: string;
}

/** Everything a delivered event can mean to dfchain. */
export type Signal =
  | JobEndedSignal
  | ExecutionEndedSignal
  | StartSignal
  | TickSignal
  | TimerSignal
  | CancelSignal
  | RedriveSignal
  | CallbackSignal
  | HeartbeatSignal
  | ObjectFinalizedSignal
  | IgnoredSignal;

/** What the decoder needs of a CloudEvent (functions-framework's `CloudEvent<unknown>`). */
export interface IncomingEvent {
  readonly id?: string;
  readonly type?: string;
  readonly source?: string;
  readonly subject?: string;
  readonly data?: unknown;
}
