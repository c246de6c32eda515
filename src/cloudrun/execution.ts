/**
 * Cloud Run jobs and executions as dfchain sees them (Run Admin API v2,
 * google/cloud/run/v2/{job,execution,condition}.proto; docs/cloud-run.md).
 */

/** Where a Cloud Run job lives, and its short name. */
export interface RunJobRef {
  readonly projectId: string;
  readonly location: string;
  /** The job's short name (`transform`), the last segment of its full name. */
  readonly job: string;
}

/** `EnvVar` of k8s.min.proto with a literal value (dfchain never sends `valueSource`). */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

/** `RunJobRequest.Overrides.ContainerOverride` (job.proto). */
export interface ContainerOverride {
  readonly name?: string;
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly clearArgs?: boolean;
}

/** `RunJobRequest.Overrides` (job.proto); `timeout` is a JSON Duration such as `"600s"`. */
export interface RunJobOverrides {
  readonly containerOverrides?: readonly ContainerOverride[];
  readonly taskCount?: number;
  readonly timeout?: string;
}

/** The body of `jobs.run` dfchain sends, without `validateOnly` (the dry run adds it). */
export interface RunJobRequest {
  readonly overrides?: RunJobOverrides;
}

const JOB_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/jobs\/([^/]+)$/;
const EXECUTION_NAME =
  /^projects\/([^/]+)\/locations\/([^/]+)\/jobs\/([^/]+)\/executions\/([^/]+)$/;

/** The job's full name `projects/P/locations/L/jobs/J`, as `jobs.run` takes it. */
export function jobResourceName(ref: RunJobRef): string {
  return `projects/${ref.projectId}/locations/${ref.location}/jobs/${ref.job}`;
}

/** A job's full name read back; undefined when `name` is not of that form. */
export function parseJobName(name: string): RunJobRef | undefined {
  const match = JOB_NAME.exec(name);
  if (!match) return undefined;
  const [, projectId = '', location = '', job = ''] = match;
  return { projectId, location, job };
}

/** An execution's full name read back: its job and its short name. */
export function parseExecutionName(
  name: string,
): { readonly ref: RunJobRef; readonly execution: string } | undefined {
  const match = EXECUTION_NAME.exec(name);
  if (!match) return undefined;
  const [, projectId = '', location = '', job = '', execution = ''] = match;
  return { ref: { projectId, location, job }, execution };
}

/** The execution's full name `projects/P/locations/L/jobs/J/executions/E`. */
export function executionResourceName(ref: RunJobRef, execution: string): string {
  return `${jobResourceName(ref)}/executions/${execution}`;
}

/** How an execution stands: running, or how it ended. */
export const EXECUTION_OUTCOMES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;

/** How an execution stands: running, or how it ended. */
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];

/** The part of an Execution dfchain reads, classified. */
export interface ExecutionSummary {
  /** The full name `projects/P/locations/L/jobs/J/executions/E`. */
  readonly name: string;
  readonly ref: RunJobRef;
  /** The short name `E` (server-chosen, `{job}-{suffix}`). */
  readonly execution: string;
  readonly outcome: ExecutionOutcome;
  readonly taskCount: number;
  readonly runningCount: number;
  readonly succeededCount: number;
  readonly failedCount: number;
  readonly cancelledCount: number;
  readonly retriedCount: number;
  /** RFC 3339, when the execution was acknowledged; '' when the API left it out. */
  readonly createTime: string;
  /** RFC 3339, set once the execution completed. */
  readonly completionTime?: string;
  /** Why it did not succeed, from its conditions (a failed or cancelled execution only). */
  readonly cause?: string;
  /** The literal env of the template's containers (first value wins), where the step marker is. */
  readonly env: Readonly<Record<string, string>>;
}

/** True once the execution has ended (however). */
export function isTerminal(summary: Pick<ExecutionSummary, 'outcome'>): boolean {
  return summary.outcome !== 'RUNNING';
}

/** What `jobs.run` told: the execution it started (read from the Operation's metadata). */
export interface StartedExecution {
  readonly name: string;
  readonly ref: RunJobRef;
  readonly execution: string;
}
