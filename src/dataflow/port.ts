import type { FlexTemplateLaunch, JobRef, JobSummary } from './job.js';

/**
 * The Dataflow calls dfchain makes. Implementations throw the typed errors of `src/errors.ts`:
 * JobNotFoundError, JobAlreadyExistsError, DataflowTransientError, DataflowPermanentError.
 */
export interface DataflowPort {
  /** `GET …/locations/{location}/jobs/{jobId}?view=JOB_VIEW_SUMMARY`. */
  getJob(ref: JobRef, jobId: string): Promise<JobSummary>;
  /** `GET …/locations/{location}/jobs?name=…&filter=ALL`: the newest job of that name, if any. */
  findJobByName(ref: JobRef, name: string): Promise<JobSummary | undefined>;
  /** `GET …/locations/{location}/jobs?filter=ACTIVE`: every job not yet terminal, all pages. */
  listActiveJobs(ref: JobRef): Promise<JobSummary[]>;
  /** `POST …/locations/{location}/flexTemplates:launch`. */
  launchFlexTemplate(ref: JobRef, request: FlexTemplateLaunch): Promise<JobSummary>;
}
