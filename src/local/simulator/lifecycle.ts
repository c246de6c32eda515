import type { JobBehaviour, JobOutcome, LaunchRequestBody, StateChange } from './types.js';

/** Timings used when neither `defaults` nor `behaviour` set them. */
export const DEFAULT_BEHAVIOUR: JobBehaviour = {
  outcome: 'DONE',
  queuedMs: 2_000,
  runMs: 10_000,
  apiLagMs: 0,
  notFoundMs: 0,
  logDelayMs: 0,
};

/** The terminal state each outcome ends in. */
export const FINAL_STATE: Record<JobOutcome, string> = {
  DONE: 'JOB_STATE_DONE',
  FAILED: 'JOB_STATE_FAILED',
  CANCELLED: 'JOB_STATE_CANCELLED',
  LAUNCH_FAILED: 'JOB_STATE_FAILED',
};

/** A job in the simulator's table. */
export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly location: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly request: LaunchRequestBody;
  readonly behaviour: JobBehaviour;
  readonly createTime: number;
  readonly history: StateChange[];
  timer?: ReturnType<typeof setTimeout>;
  ended: boolean;
}

/** The state `get`/`list` show at `now`: the newest change already visible. */
export function visibleState(job: JobRecord, now: number): StateChange {
  let shown = job.history[0];
  for (const change of job.history) if (change.visibleAt <= now) shown = change;
  if (!shown) throw new Error(`simulator: job ${job.id} has no state history`);
  return shown;
}

/** The Dataflow `Job` resource as the REST API returns it (JOB_VIEW_SUMMARY fields). */
export function jobResource(job: JobRecord, now: number): Record<string, unknown> {
  const state = visibleState(job, now);
  const createTime = new Date(job.createTime).toISOString();
  return {
    id: job.id,
    projectId: job.projectId,
    name: job.name,
    type: 'JOB_TYPE_BATCH',
    currentState: state.state,
    currentStateTime: new Date(state.time).toISOString(),
    createTime,
    startTime: createTime,
    location: job.location,
    // Google's JSON omits empty maps.
    ...(Object.keys(job.labels).length > 0 ? { labels: { ...job.labels } } : {}),
  };
}
