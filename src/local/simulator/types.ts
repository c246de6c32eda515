import type { LogEntry } from './log-entry.js';
import { RUN_OPERATIONS, type RunSimulatorOptions } from './run-types.js';

/** How a simulated job ends. `LAUNCH_FAILED`: the flex template launcher fails before workers. */
export const JOB_OUTCOMES = ['DONE', 'FAILED', 'CANCELLED', 'LAUNCH_FAILED'] as const;

/** How a simulated job ends. */
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/** The timing and ending of one simulated job. */
export interface JobBehaviour {
  readonly outcome: JobOutcome;
  /**
   * Time spent in JOB_STATE_QUEUED (the launcher) before RUNNING, or before LAUNCH_FAILED; for a
   * classic template job, in JOB_STATE_PENDING.
   */
  readonly queuedMs: number;
  /** Time spent RUNNING before the outcome. */
  readonly runMs: number;
  /** After the job really ends, `get`/`list` keep showing the last active state this long. */
  readonly apiLagMs: number;
  /** After creation, `get` answers 404 NOT_FOUND this long. */
  readonly notFoundMs: number;
  /** After the job really ends, the sink receives its log entry this late. */
  readonly logDelayMs: number;
  /** After a `jobs.update` cancel is accepted, time spent JOB_STATE_CANCELLING before CANCELLED. */
  readonly cancelMs: number;
}

/** What a `behaviour` function sees of a launch. */
export interface LaunchInfo {
  readonly jobName: string;
  readonly projectId: string;
  readonly location: string;
  /** The parsed launch request body. */
  readonly request: LaunchRequestBody;
}

/**
 * A flexTemplates:launch body as received (JSON); for a classic templates:launch,
 * `{gcsPath, launchParameter: <the LaunchTemplateParameters body>}`, so behaviours read both alike.
 */
export interface LaunchRequestBody {
  readonly launchParameter?: { readonly [key: string]: unknown };
  readonly validateOnly?: boolean;
  readonly [key: string]: unknown;
}

/** The Dataflow calls the simulator serves; `update` is `jobs.update` (cancel), `metrics` is `jobs.getMetrics`. */
export const DATAFLOW_OPERATIONS = ['launch', 'get', 'list', 'update', 'metrics'] as const;

/** A Dataflow call the simulator serves. */
export type DataflowOperation = (typeof DATAFLOW_OPERATIONS)[number];

/**
 * The API calls the simulator counts and can fault: Dataflow's, and Cloud Run's `runJob`,
 * `getExecution`, `listExecutions`, `cancelExecution`.
 */
export const OPERATIONS = [...DATAFLOW_OPERATIONS, ...RUN_OPERATIONS] as const;

/** An API call the simulator counts and can fault. */
export type Operation = (typeof OPERATIONS)[number];

/** HTTP faults answered with Google's error JSON; `reset` drops the socket; `timeout` holds it. */
export const FAULTS = [429, 500, 503, 'reset', 'timeout'] as const;

/** A fault the simulator can inject. */
export type Fault = (typeof FAULTS)[number];

/** The next `count` calls of `operation` (or of any operation) fail with `fault`. */
export interface FaultInjection {
  readonly operation: Operation | 'any';
  readonly count: number;
  readonly fault: Fault;
  /**
   * Launch, update, runJob or cancelExecution: do the call first, then fail the answer (a
   * response lost on the way back), so a retried launch meets 409 ALREADY_EXISTS, a retried
   * cancel finds the job cancelling, and a retried runJob starts a second execution.
   * Default false: a faulted call changes nothing.
   */
  readonly afterEffect?: boolean;
}

/** Options of {@link startSimulator}; all but `port`/`host` can be changed with `configure`. */
export interface SimulatorOptions extends RunSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** Defaults for every job: outcome DONE, queuedMs 2000, runMs 10000, lags 0, cancelMs 1000. */
  readonly defaults?: Partial<JobBehaviour>;
  /** Per-job behaviour, merged over `defaults`. */
  readonly behaviour?: (launch: LaunchInfo) => Partial<JobBehaviour>;
  /** Receives each job's final log entry, as a Cloud Logging sink would. */
  readonly sink?: (entry: LogEntry) => Promise<void> | void;
  /** Probability (0..1) that any call fails with one of `randomFaults`. */
  readonly faultRate?: number;
  /** Faults drawn by `faultRate`; default 429, 500, 503 and reset (never timeout). */
  readonly randomFaults?: readonly Fault[];
  /**
   * Share (0..1) of random faults on a launch (or a runJob) that strike after it executed: the job is
   * created and the answer lost, as when a connection drops on the way back. Default 0.
   */
  readonly lostAnswerShare?: number;
  /** Source of randomness for `faultRate`, default Math.random. */
  readonly random?: () => number;
  /**
   * The template files that exist (`containerSpecGcsPath`, or a classic `gcsPath`): a
   * `validateOnly` launch of any other is refused with 400 INVALID_ARGUMENT, as Dataflow refuses a
   * template it cannot read. Unset: every path exists. Real Flex launches are not checked against
   * it (their launcher reads the file later); real classic launches are (no launcher).
   */
  readonly templates?: readonly string[];
  /**
   * Jobs a project may have active at once (Dataflow's concurrent-jobs quota, 25 by default in
   * a real project); a launch beyond it is answered 429 RESOURCE_EXHAUSTED. Unset: no quota.
   */
  readonly activeJobQuota?: number;
  /** The project number shown in log entries' `resource.labels.project_id`. */
  readonly projectNumber?: (projectId: string) => string;
}

/** One state a simulated job entered. */
export interface StateChange {
  readonly state: string;
  /** When the job really entered it (ms since epoch). */
  readonly time: number;
  /** When `get`/`list` start showing it (ms since epoch). */
  readonly visibleAt: number;
}

/** A job the simulator created, as tests inspect it. */
export interface SimulatedJob {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly location: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly request: LaunchRequestBody;
  readonly behaviour: JobBehaviour;
  readonly createTime: number;
  readonly history: readonly StateChange[];
}

/** Calls received per operation, faulted ones included; `other` counts unknown routes. */
export type CallCounts = Record<Operation | 'other', number>;
