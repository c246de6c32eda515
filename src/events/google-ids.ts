import { quote } from './inspect.js';

/**
 * A Dataflow job id: its creation time (US Pacific), then a number, such as
 * `2026-11-21_21_55_23-649376001891440663`. Google documents the id as opaque
 * (google/dataflow/v1beta3/jobs.proto: "set by the Dataflow service"); this is the shape every
 * id shown by gcloud, the console and public tooling has. The number is a 64-bit integer, so
 * it has at most 20 digits.
 */
export const JOB_ID_PATTERN = /^\d{4}-\d{2}-\d{2}_\d{2}_\d{2}_\d{2}-\d{1,20}$/;

/**
 * A Dataflow region such as `europe-west4` or `northamerica-northeast1` (the form of every
 * location in cloud.google.com/dataflow/docs/resources/locations; the chain schema uses it too).
 */
export const REGION_PATTERN = /^[a-z]+-[a-z]+[0-9]+$/;

/**
 * A project id: 6 to 30 lowercase ASCII letters, digits or hyphens, starting with a letter and
 * not ending with a hyphen (cloud.google.com/resource-manager/docs/creating-managing-projects),
 * optionally prefixed by the domain of a domain-scoped project (`example.com:my-project`; "the
 * Google apps domain is prefixed if applicable", Cloud SQL Admin API, DatabaseInstance.project).
 */
export const PROJECT_ID_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** A project number, as `resource.labels.project_id` of a Dataflow LogEntry holds it. */
export const PROJECT_NUMBER_PATTERN = /^[1-9][0-9]{0,19}$/;

/** The three values of a job event that go into a Dataflow API URL. */
export interface JobCoordinates {
  readonly jobId: string;
  readonly location: string;
  readonly projectId: string;
}

/**
 * Why a job event's id, region or project cannot be a real one, or undefined. These values go
 * into the URL of a Dataflow API call, so a malformed one is refused before any call is made.
 * `where` names the fields for the reason, such as `resource.labels.job_id`.
 */
export function coordinatesProblem(
  job: JobCoordinates,
  where: { readonly jobId: string; readonly location: string; readonly projectId: string },
  acceptProjectNumber = false,
): string | undefined {
  if (!JOB_ID_PATTERN.test(job.jobId)) {
    return `${where.jobId} ${quote(job.jobId)} is not a Dataflow job id (such as "2026-11-21_21_55_23-649376001891440663"); not looked up`;
  }
  if (!REGION_PATTERN.test(job.location)) {
    return `${where.location} ${quote(job.location)} is not a Dataflow region (such as "europe-west4"); not looked up`;
  }
  const number = acceptProjectNumber && PROJECT_NUMBER_PATTERN.test(job.projectId);
  if (!number && !PROJECT_ID_PATTERN.test(job.projectId)) {
    return `${where.projectId} ${quote(job.projectId)} is not a Google Cloud project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter; or domain:id); not looked up`;
  }
  return undefined;
}
