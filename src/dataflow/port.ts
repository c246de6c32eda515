import type { JobMetrics } from '../cost/metrics.js';
import type { ClassicTemplateLaunch, FlexTemplateLaunch, JobRef, JobSummary } from './job.js';

/**
 * The Dataflow calls dfchain makes. Implementations throw the typed errors of `src/errors.ts`:
 * JobNotFoundError, JobAlreadyExistsError, DataflowTransientError, DataflowPermanentError.
 */
export interface DataflowPort {
  /**
   * `GET …/locations/{location}/jobs/{jobId}?view=JOB_VIEW_DESCRIPTION`: with labels, which
   * the summary view leaves out (google/dataflow/v1beta3/jobs.proto, `JobView`).
   */
  getJob(ref: JobRef, jobId: string): Promise<JobSummary>;
  /**
   * `GET …/locations/{location}/jobs?name=…&filter=ALL`, all pages: every job of that name,
   * newest first, as summaries: `labels` is empty ("ListJobs always returns summaries now").
   */
  listJobsByName(ref: JobRef, name: string): Promise<JobSummary[]>;
  /** `GET …/locations/{location}/jobs?filter=ACTIVE`: every job not yet terminal, all pages (summaries). */
  listActiveJobs(ref: JobRef): Promise<JobSummary[]>;
  /** `POST …/locations/{location}/flexTemplates:launch`. */
  launchFlexTemplate(ref: JobRef, request: FlexTemplateLaunch): Promise<JobSummary>;
  /**
   * `POST …/locations/{location}/templates:launch?gcsPath=…` with the LaunchTemplateParameters
   * body (a classic template). Its errors are those of a Flex launch: 409 ALREADY_EXISTS for a
   * name already active, 429 for quota, 400 for a refused request.
   */
  launchTemplate(ref: JobRef, request: ClassicTemplateLaunch): Promise<JobSummary>;
  /**
   * `PUT …/locations/{location}/jobs/{jobId}` (jobs.update) with body
   * `{"requestedState":"JOB_STATE_CANCELLED"}` and no update mask: asks Dataflow to cancel the
   * job and returns once the request is accepted (the job passes JOB_STATE_CANCELLING before it
   * ends JOB_STATE_CANCELLED). Idempotent: a job that already ended, or is already cancelling,
   * resolves too. A 404 is a DataflowPermanentError (the job is not in that project and
   * location); transient faults are DataflowTransientError.
   */
  cancelJob(ref: JobRef, jobId: string): Promise<void>;
  /**
   * `GET …/locations/{location}/jobs/{jobId}/metrics` (jobs.getMetrics): the job's metrics,
   * `{metricTime, metrics: MetricUpdate[]}`, the resource totals among them (docs/cost.md). A 404
   * is a DataflowPermanentError (no such job there), transient faults DataflowTransientError.
   * Optional: a port without it (a test fake, an older wrapper) records job ends with no usage.
   */
  getMetrics?(ref: JobRef, jobId: string): Promise<JobMetrics>;
}

/**
 * The dry runs of the launch calls: Dataflow checks a request and launches nothing. Kept apart
 * from DataflowPort because only `dfchain validate --remote` asks for them; the function and its
 * wrappers (timing, local faults) never do.
 */
export interface DataflowDryRunPort {
  /**
   * `POST …/locations/{location}/flexTemplates:launch` with `validateOnly: true`: resolves when
   * Dataflow accepts the request (its answer then holds no job: "The job that was launched, if
   * the request was not a dry run", googleapis' v1b3 `LaunchFlexTemplateResponse`). A refusal is
   * a DataflowPermanentError, a fault on the way a DataflowTransientError.
   */
  validateFlexTemplate(ref: JobRef, request: FlexTemplateLaunch): Promise<void>;
  /**
   * `POST …/locations/{location}/templates:launch?gcsPath=…&validateOnly=true`: for a classic
   * template `validateOnly` is a query parameter ("If true, the request is validated but not
   * actually executed. Defaults to false.", googleapis' v1b3
   * `Params$Resource$Projects$Locations$Templates$Launch`). Refusals and faults as above.
   */
  validateTemplate(ref: JobRef, request: ClassicTemplateLaunch): Promise<void>;
}
