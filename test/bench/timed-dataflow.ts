import { isTerminalJobState } from '../../src/dataflow/job.js';
import type { TemplateLaunch, JobRef, JobSummary } from '../../src/dataflow/job.js';
import type { DataflowPort } from '../../src/dataflow/port.js';
import { JobAlreadyExistsError, JobNotFoundError } from '../../src/errors.js';
import { fakeJobId, type DataflowCalls } from './fakes.js';

/** How long a job runs, in ms, from its launch; drawn once per job. */
export type JobDuration = (jobName: string, launchedAtMs: number) => number;

/**
 * An in-process DataflowPort whose jobs run for a while: a launched job is RUNNING until its
 * duration has passed, then JOB_STATE_DONE, and `onEnded` is told (a sink would publish the
 * "Worker pool stopped." entry then). A second launch of an active name answers 409, as
 * Dataflow does. Counts every call, and the jobs created per name, so a bench can check that
 * each step's job was created exactly once.
 */
export class TimedFakeDataflow implements DataflowPort {
  readonly calls: DataflowCalls = { get: 0, list: 0, launch: 0 };
  /** Jobs created per job name (a 409 creates none). */
  readonly created = new Map<string, number>();
  /** Each job's name and performance.now() at its end, in end order. */
  readonly ends: { readonly name: string; readonly at: number }[] = [];
  private readonly byId = new Map<string, JobSummary>();
  private readonly byName = new Map<string, JobSummary>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private running = 0;

  constructor(
    private readonly duration: JobDuration,
    private readonly onEnded: (job: JobSummary) => void,
  ) {}

  /** Jobs launched and not ended yet. */
  get active(): number {
    return this.running;
  }

  getJob(_ref: JobRef, jobId: string): Promise<JobSummary> {
    this.calls.get++;
    const job = this.byId.get(jobId);
    if (job) return Promise.resolve(job);
    return Promise.reject(
      new JobNotFoundError(`fake Dataflow: no job ${jobId}`, { operation: 'jobs.get' }),
    );
  }

  listJobsByName(_ref: JobRef, name: string): Promise<JobSummary[]> {
    this.calls.list++;
    const job = this.byName.get(name);
    return Promise.resolve(job ? [{ ...job, labels: {} }] : []);
  }

  listActiveJobs(ref: JobRef): Promise<JobSummary[]> {
    this.calls.list++;
    const active = [...this.byId.values()].filter(
      (job) => job.location === ref.location && !isTerminalJobState(job.currentState),
    );
    return Promise.resolve(active.map((job) => ({ ...job, labels: {} })));
  }

  cancelJob(_ref: JobRef, jobId: string): Promise<void> {
    const job = this.byId.get(jobId);
    if (job && !isTerminalJobState(job.currentState)) this.end(job, 'JOB_STATE_CANCELLED');
    return Promise.resolve();
  }

  launchTemplate(ref: JobRef, request: TemplateLaunch): Promise<JobSummary> {
    return this.launchFlexTemplate(ref, request);
  }

  launchFlexTemplate(ref: JobRef, request: TemplateLaunch): Promise<JobSummary> {
    this.calls.launch++;
    const { jobName, environment } = request.launchParameter;
    const existing = this.byName.get(jobName);
    if (existing && !isTerminalJobState(existing.currentState)) {
      return Promise.reject(
        new JobAlreadyExistsError(`fake Dataflow: job ${jobName} is active`, {
          operation: 'flexTemplates.launch',
        }),
      );
    }
    const job: JobSummary = {
      id: fakeJobId(`${jobName}#${this.created.get(jobName) ?? 0}`),
      name: jobName,
      projectId: ref.projectId,
      location: ref.location,
      currentState: 'JOB_STATE_RUNNING',
      labels: (environment?.['additionalUserLabels'] ?? {}) as Record<string, string>,
    };
    this.created.set(jobName, (this.created.get(jobName) ?? 0) + 1);
    this.byId.set(job.id, job);
    this.byName.set(jobName, job);
    this.running++;
    const timer = setTimeout(
      () => {
        this.pending.delete(timer);
        const current = this.byId.get(job.id);
        if (current && !isTerminalJobState(current.currentState))
          this.end(current, 'JOB_STATE_DONE');
      },
      Math.max(0, this.duration(jobName, performance.now())),
    );
    this.pending.add(timer);
    return Promise.resolve(job);
  }

  private end(job: JobSummary, state: string): void {
    const ended = { ...job, currentState: state };
    this.byId.set(job.id, ended);
    this.byName.set(job.name, ended);
    this.running--;
    this.ends.push({ name: job.name, at: performance.now() });
    this.onEnded(ended);
  }

  /** Stops every job timer (a bench that gave up must not leave them running). */
  stop(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
