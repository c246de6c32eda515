import { Timed } from './timed.js';
import { isTerminalJobState } from '../../dataflow/job.js';
import { ApiError } from './google-error.js';
import { makeJobId, projectNumberOf } from './job-id.js';
import { DEFAULT_BEHAVIOUR, FINAL_STATE, jobResource, visibleState } from './lifecycle.js';
import type { JobRecord, JobView } from './lifecycle.js';
import { jobMessageEntry } from './log-message.js';
import { jobMetrics } from './metrics.js';
import type { SimulatedJob, SimulatorOptions } from './types.js';
import { JOB_OUTCOMES } from './types.js';
import type { ValidLaunch } from './validate.js';

/** `jobs.list` filters (ListJobsRequest.Filter). */
export const LIST_FILTERS = ['UNKNOWN', 'ALL', 'TERMINATED', 'ACTIVE'] as const;

/** A `jobs.list` filter. */
export type ListFilter = (typeof LIST_FILTERS)[number];

/** The job table and each job's lifecycle, driven by setTimeout so fake timers control it. */
export class JobTable extends Timed {
  private readonly records: JobRecord[] = [];
  /** Most jobs ever active at once in one project, and launches refused for the jobs quota. */
  readonly quota = { peakActive: 0, refusals: 0 };

  constructor(private readonly options: () => SimulatorOptions) {
    super();
  }

  /** Creates a job from a valid launch; 409 ALREADY_EXISTS while one of that name is active. */
  create(launch: ValidLaunch, projectId: string, location: string): JobRecord {
    const now = Date.now();
    const active = this.records.find(
      (j) =>
        j.name === launch.jobName &&
        j.projectId === projectId &&
        j.location === location &&
        !isTerminalJobState(visibleState(j, now).state),
    );
    if (active) {
      throw new ApiError(
        409,
        `There is already an active job named ${launch.jobName} with id: ${active.id}. If you want to submit a second job, try again by setting a different name.`,
      );
    }
    const options = this.options();
    const running = this.records.filter((j) => j.projectId === projectId && !j.ended).length;
    if (options.activeJobQuota !== undefined && running >= options.activeJobQuota) {
      this.quota.refusals++;
      throw new ApiError(
        429,
        `(simulated) Quota exceeded for quota metric 'Concurrent jobs' of service 'dataflow.googleapis.com' for consumer 'project:${projectId}': ${running} of ${options.activeJobQuota} jobs are active.`,
      );
    }
    this.quota.peakActive = Math.max(this.quota.peakActive, running + 1);
    const info = { jobName: launch.jobName, projectId, location, request: launch.request };
    const behaviour = { ...DEFAULT_BEHAVIOUR, ...options.defaults, ...options.behaviour?.(info) };
    if (!JOB_OUTCOMES.includes(behaviour.outcome)) {
      throw new Error(`simulator behaviour: unknown outcome "${String(behaviour.outcome)}"`);
    }
    const job: JobRecord = {
      id: makeJobId(now),
      name: launch.jobName,
      projectId,
      projectNumber: (options.projectNumber ?? projectNumberOf)(projectId),
      location,
      labels: launch.labels,
      request: launch.request,
      behaviour,
      createTime: now,
      // JOB_STATE_QUEUED: "created but is being delayed until launch" (a Flex launcher runs);
      // a classic job, which has no launcher, starts JOB_STATE_PENDING: "created but is not yet
      // running" (google/dataflow/v1beta3/jobs.proto, JobState).
      history: [
        {
          state: launch.classic ? 'JOB_STATE_PENDING' : 'JOB_STATE_QUEUED',
          time: now,
          visibleAt: now,
        },
      ],
      ended: false,
      ...(launch.classic ? { classic: true as const } : {}),
    };
    this.records.push(job);
    job.timer = this.later(behaviour.queuedMs, () => this.leaveQueue(job));
    return job;
  }

  /** `jobs.get`: the job as the API shows it now in `view`, or 404 (unknown, or still `notFoundMs`). */
  get(project: string, location: string, jobId: string, view: JobView): Record<string, unknown> {
    return jobResource(this.visible(project, location, jobId), Date.now(), view);
  }

  /** `jobs.getMetrics`: the job's resource totals so far (see jobMetrics), or 404 as `get`. */
  metrics(project: string, location: string, jobId: string): Record<string, unknown> {
    return jobMetrics(this.visible(project, location, jobId), Date.now());
  }

  /**
   * `jobs.update` with requestedState JOB_STATE_CANCELLED: an active job shows
   * JOB_STATE_CANCELLING at once and ends JOB_STATE_CANCELLED `cancelMs` later, logged as any
   * end; a job already cancelling is left as it is. A job that really ended (even while the API
   * still shows it active) is refused with 400 FAILED_PRECONDITION, worded as Apache Beam quotes
   * Dataflow (apache/beam#2428; no Google page documents the answer). 404 as `get`.
   */
  requestCancel(project: string, location: string, jobId: string): Record<string, unknown> {
    const job = this.visible(project, location, jobId);
    if (job.ended) {
      const final = job.history.at(-1)?.state ?? 'JOB_STATE_UNKNOWN';
      const outcome = final === 'JOB_STATE_DONE' ? 'SUCCESS' : final.replace('JOB_STATE_', '');
      throw new ApiError(
        400,
        `Workflow modification failed. Causes: (simulated): Cannot perform operation 'cancel' on Job: ${job.id}. Job has terminated in state ${outcome}: Workflow job: ${job.id} ended.`,
        'FAILED_PRECONDITION',
      );
    }
    if (job.requestedState === undefined) {
      job.requestedState = 'JOB_STATE_CANCELLED';
      const now = Date.now();
      job.history.push({ state: 'JOB_STATE_CANCELLING', time: now, visibleAt: now });
      if (job.timer) this.clear(job.timer);
      job.timer = this.later(job.behaviour.cancelMs, () =>
        this.end(job, 'JOB_STATE_CANCELLED', false),
      );
    }
    return jobResource(job, Date.now(), 'JOB_VIEW_SUMMARY');
  }

  /** `jobs.list`: summaries ("ListJobs always returns summaries now"), newest first, by exact name if given, filtered by state as the API shows it. */
  list(
    project: string,
    location: string,
    name: string | undefined,
    filter: ListFilter,
  ): Record<string, unknown>[] {
    const now = Date.now();
    return this.records
      .filter((j) => this.at(j, project, location) && (name === undefined || j.name === name))
      .filter((j) => {
        const terminal = isTerminalJobState(visibleState(j, now).state);
        return filter === 'ACTIVE' ? !terminal : filter === 'TERMINATED' ? terminal : true;
      })
      .reverse()
      .map((j) => jobResource(j, now));
  }

  /** Ends an active job as cancelled (log line included); false if unknown or already ended. */
  cancel(jobId: string): boolean {
    const job = this.records.find((j) => j.id === jobId);
    if (!job || job.ended) return false;
    this.end(job, 'JOB_STATE_CANCELLED', false);
    return true;
  }

  /** Every job created so far, oldest first, as a snapshot. */
  snapshot(): SimulatedJob[] {
    return this.records.map((j) => ({
      id: j.id,
      name: j.name,
      projectId: j.projectId,
      location: j.location,
      labels: { ...j.labels },
      request: j.request,
      behaviour: j.behaviour,
      createTime: j.createTime,
      history: j.history.map((h) => ({ ...h })),
    }));
  }

  /** The job as `get` and `update` find it: 404 when unknown, or still within `notFoundMs`. */
  private visible(project: string, location: string, jobId: string): JobRecord {
    const job = this.records.find((j) => j.id === jobId && this.at(j, project, location));
    if (!job || Date.now() < job.createTime + job.behaviour.notFoundMs) {
      throw new ApiError(
        404,
        `(${jobId}): Job ${jobId} not found in project ${project} location ${location}.`,
      );
    }
    return job;
  }

  // The Dataflow API accepts a project number wherever it accepts the project id.
  private at(job: JobRecord, project: string, location: string): boolean {
    return (
      (job.projectId === project || job.projectNumber === project) && job.location === location
    );
  }

  private leaveQueue(job: JobRecord): void {
    if (job.behaviour.outcome === 'LAUNCH_FAILED') {
      // A classic job has no launcher container, so no launcher line: it ends as a failed job.
      this.end(job, FINAL_STATE.LAUNCH_FAILED, job.classic !== true);
      return;
    }
    const now = Date.now();
    job.history.push({ state: 'JOB_STATE_RUNNING', time: now, visibleAt: now });
    job.timer = this.later(job.behaviour.runMs, () =>
      this.end(job, FINAL_STATE[job.behaviour.outcome], false),
    );
  }

  private end(job: JobRecord, state: string, launcherFailed: boolean): void {
    if (job.ended) return;
    job.ended = true;
    if (job.timer) this.clear(job.timer);
    const now = Date.now();
    job.history.push({ state, time: now, visibleAt: now + job.behaviour.apiLagMs });
    const deliver = (): void =>
      this.deliverTo(
        this.options().sink,
        jobMessageEntry(
          { ...job, jobId: job.id, jobName: job.name },
          launcherFailed,
          now,
          Date.now(),
        ),
      );
    if (job.behaviour.logDelayMs > 0) this.later(job.behaviour.logDelayMs, deliver);
    else deliver();
  }
}
