import type { RunLogEntry } from './run-log-entry.js';

/** How a simulated Cloud Run execution ends (unless `executions.cancel` ends it first). */
export const RUN_OUTCOMES = ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const;

/** How a simulated Cloud Run execution ends. */
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** The timing and ending of one simulated execution. */
export interface ExecutionBehaviour {
  /** SUCCEEDED: every task succeeds; FAILED: `failedTasks` fail; CANCELLED: cancelled by a user at the end. */
  readonly outcome: RunOutcome;
  /** Tasks that fail when the outcome is FAILED (at most the task count; the rest succeed). */
  readonly failedTasks: number;
  /** Time before the tasks start (Completed condition CONDITION_PENDING, no running task). */
  readonly pendingMs: number;
  /** Time the tasks run before the outcome. */
  readonly runMs: number;
  /** After the execution really ends, `get`/`list` keep showing it running this long. */
  readonly apiLagMs: number;
  /** After creation, `get` answers 404 and `list` leaves it out this long. */
  readonly notFoundMs: number;
  /** After the execution really ends, the sink receives its completion entry this late. */
  readonly logDelayMs: number;
  /** After an `executions.cancel` is accepted, time spent cancelling before it ends CANCELLED. */
  readonly cancelMs: number;
}

/** What a `runBehaviour` function sees of a `jobs.run`. */
export interface RunInfo {
  readonly projectId: string;
  readonly location: string;
  /** The job's short name. */
  readonly job: string;
  /** The execution's short name (`{job}-{5 chars}`). */
  readonly execution: string;
  /** The literal env the execution's container gets (job env merged with the overrides'). */
  readonly env: Readonly<Record<string, string>>;
  /** The parsed RunJobRequest body. */
  readonly request: { readonly [key: string]: unknown };
}

/** The Cloud Run options of the simulator (beside the Dataflow ones of SimulatorOptions). */
export interface RunSimulatorOptions {
  /**
   * The Cloud Run jobs that exist, each a full name `projects/P/locations/L/jobs/J` or a short
   * name `J` (in every project and location); `jobs.run` of any other is 404 NOT_FOUND. Unset:
   * every job exists.
   */
  readonly runJobs?: readonly string[];
  /** Defaults for every execution: SUCCEEDED, 1 failed task, pending 1000, run 5000, lags 0, cancel 1000. */
  readonly runDefaults?: Partial<ExecutionBehaviour>;
  /** Per-execution behaviour, merged over `runDefaults`. */
  readonly runBehaviour?: (run: RunInfo) => Partial<ExecutionBehaviour>;
  /** Receives each execution's completion entry (the RunJob System Event audit entry). */
  readonly runSink?: (entry: RunLogEntry) => Promise<void> | void;
}

/** An execution the simulator created, as tests inspect it. */
export interface SimulatedExecution {
  /** The full name `projects/P/locations/L/jobs/J/executions/E`. */
  readonly name: string;
  readonly projectId: string;
  readonly location: string;
  readonly job: string;
  readonly execution: string;
  readonly request: { readonly [key: string]: unknown };
  readonly env: Readonly<Record<string, string>>;
  readonly behaviour: ExecutionBehaviour;
  readonly createTime: number;
  /** How it ended, and when (ms since epoch); undefined while it runs. */
  readonly ended?: { readonly outcome: RunOutcome; readonly time: number };
}

/** The Cloud Run Admin API v2 calls the simulator serves (and counts, and can fault). */
export const RUN_OPERATIONS = [
  'runJob',
  'getExecution',
  'listExecutions',
  'cancelExecution',
] as const;

/** A Cloud Run Admin API v2 call the simulator serves. */
export type RunOperation = (typeof RUN_OPERATIONS)[number];

/** Where a Cloud Run call points: a job, and maybe one of its executions. */
export interface RunTarget {
  readonly projectId: string;
  readonly location: string;
  readonly job: string;
  readonly execution?: string;
}
