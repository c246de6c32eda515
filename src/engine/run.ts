import type { FlexTemplateLaunch } from '../dataflow/job.js';
import type { Json, JsonObject } from '../json.js';

/** Lifecycle of a run. */
export const RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED'] as const;
/** Lifecycle of a run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Lifecycle of one launched step. `INTENDED` is written before the launch is made, so a crash
 * between the two leaves a record that the next delivery completes.
 */
export const STEP_STATUSES = ['INTENDED', 'LAUNCHED', 'SUCCEEDED', 'FAILED'] as const;
/** Lifecycle of one launched step. */
export type StepStatus = (typeof STEP_STATUSES)[number];

/** An ASL error: a name such as `Dataflow.JobFailed` and a human cause. */
export interface RunError {
  readonly Error: string;
  readonly Cause: string;
}

/**
 * Who may launch an intended step, and until when. Only the holder sends the launch call, and
 * only while the call's timeout fits before `until`; anyone else takes over after `until`, and
 * looks the job up by name before launching. So at most one launch call for a step is ever in
 * flight, and none starts without a look-up unless it is the very first.
 */
export interface LaunchLease {
  /** Random token of the invocation that holds the lease. */
  readonly owner: string;
  /** ISO time after which another invocation may take the launch over. */
  readonly until: string;
  /** How many invocations have held it; above 1, a look-up must precede every launch call. */
  readonly holders: number;
}

/** One Dataflow job of a run, keyed by its deterministic job name. */
export interface Step {
  readonly state: string;
  readonly attempt: number;
  readonly jobName: string;
  readonly projectId: string;
  readonly location: string;
  /** Exactly what is sent to `flexTemplates.launch`, so a relaunch after a crash is identical. */
  readonly request: FlexTemplateLaunch;
  readonly status: StepStatus;
  readonly intendedAt: string;
  /** Set while INTENDED: the invocation allowed to launch it. */
  readonly lease?: LaunchLease;
  readonly jobId?: string;
  readonly launchedAt?: string;
  readonly endedAt?: string;
  readonly jobState?: string;
  readonly error?: RunError;
}

/** A run of a chain: everything needed to continue it, in one document. */
export interface Run {
  readonly id: string;
  readonly chain: string;
  /** Content hash of the definition the run started with; edits to the chain file do not reach it. */
  readonly definitionHash: string;
  /**
   * Random, drawn once when the run starts and stored: it goes into every job name, so nobody
   * can predict a run's job names and plant a job under one. Runs stored before it have none.
   */
  readonly nonce?: string;
  readonly projectId: string;
  /** The deployment's default worker account when the run started, for Tasks that name none. */
  readonly workerServiceAccount?: string;
  readonly input: JsonObject;
  readonly status: RunStatus;
  readonly startTime: string;
  readonly endTime?: string;
  /**
   * Steps still in flight (INTENDED or LAUNCHED), by job name. Ended steps move to the run's
   * history, stored beside the run, so the run stays small however long the chain is.
   */
  readonly steps: Readonly<Record<string, Step>>;
  readonly output?: Json;
  readonly error?: RunError;
}
