import type { JobBehaviour, JobOutcome, LaunchRequestBody, StateChange } from './types.js';

/** Timings used when neither `defaults` nor `behaviour` set them. */
export const DEFAULT_BEHAVIOUR: JobBehaviour = {
  outcome: 'DONE',
  queuedMs: 2_000,
  runMs: 10_000,
  apiLagMs: 0,
  notFoundMs: 0,
  logDelayMs: 0,
  cancelMs: 1_000,
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
  /** Launched from a classic template (`templates:launch`): no launcher VM. */
  readonly classic?: true;
  /** Set once a `jobs.update` asked for JOB_STATE_CANCELLED. */
  requestedState?: 'JOB_STATE_CANCELLED';
}

/** The state `get`/`list` show at `now`: the newest change already visible. */
export function visibleState(job: JobRecord, now: number): StateChange {
  let shown = job.history[0];
  for (const change of job.history) if (change.visibleAt <= now) shown = change;
  if (!shown) throw new Error(`simulator: job ${job.id} has no state history`);
  return shown;
}

/**
 * Job views (google/dataflow/v1beta3/jobs.proto, `JobView`): `JOB_VIEW_SUMMARY` is "only
 * summary information": id, name, type, state, times, SDK version — no labels, no
 * environment; `JOB_VIEW_DESCRIPTION` adds "limited job description data for steps, labels and
 * environment"; `JOB_VIEW_ALL` everything. An unset view means the summary.
 */
export const JOB_VIEWS = [
  'JOB_VIEW_UNKNOWN',
  'JOB_VIEW_SUMMARY',
  'JOB_VIEW_ALL',
  'JOB_VIEW_DESCRIPTION',
] as const;

/** A Dataflow job view. */
export type JobView = (typeof JOB_VIEWS)[number];

/** True when `view` carries the job's labels and environment. */
export function viewHasDescription(view: JobView): boolean {
  return view === 'JOB_VIEW_DESCRIPTION' || view === 'JOB_VIEW_ALL';
}

/** The Dataflow `Job` resource as the REST API returns it in `view`. */
export function jobResource(
  job: JobRecord,
  now: number,
  view: JobView = 'JOB_VIEW_SUMMARY',
): Record<string, unknown> {
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
    ...(job.requestedState ? { requestedState: job.requestedState } : {}),
    ...(viewHasDescription(view) ? description(job) : {}),
  };
}

function description(job: JobRecord): Record<string, unknown> {
  const environment = job.request.launchParameter?.['environment'];
  return {
    // Google's JSON omits empty maps.
    ...(Object.keys(job.labels).length > 0 ? { labels: { ...job.labels } } : {}),
    ...(environment && typeof environment === 'object' ? { environment: { ...environment } } : {}),
  };
}
