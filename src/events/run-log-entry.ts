import { PROJECT_ID_PATTERN, PROJECT_NUMBER_PATTERN, REGION_PATTERN } from './google-ids.js';
import { foreign, isObject, malformed, quote, stringField, type UnknownObject } from './inspect.js';
import type { Signal } from './signal.js';

/** `resource.type` of every entry about a Cloud Run job (its container's output included). */
export const CLOUD_RUN_JOB_RESOURCE = 'cloud_run_job';

/** The log of the completion entry: System Event audit logs (logName is URL-encoded there). */
export const SYSTEM_EVENT_LOG_SUFFIX = '/logs/cloudaudit.googleapis.com%2Fsystem_event';

/** `protoPayload.methodName` of the entry that ends the RunJob operation (docs/cloud-run.md §3). */
export const RUN_JOB_METHOD = '/Jobs.RunJob';

/**
 * A Cloud Run job or execution name: lowercase letters, digits and hyphens, starting with a
 * letter, not ending with a hyphen, at most 63 characters (the DNS label rule of resource names).
 */
export const RUN_NAME_PATTERN = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

const PROJECT_IN_LOG_NAME = /^projects\/([^/]+)\/logs\//;

/** True when a LogEntry is about a Cloud Run job (whichever log it is in). */
export function isRunLogEntry(value: UnknownObject): boolean {
  const resource = isObject(value['resource']) ? value['resource'] : undefined;
  return stringField(resource, 'type') === CLOUD_RUN_JOB_RESOURCE;
}

/** The execution's short name: the v1 response's `metadata.name`, else the resourceName's end. */
function executionOf(payload: UnknownObject | undefined): string | undefined {
  const response = isObject(payload?.['response']) ? payload['response'] : undefined;
  const metadata = isObject(response?.['metadata']) ? response['metadata'] : undefined;
  const named = stringField(metadata, 'name');
  if (named !== undefined) return named;
  return stringField(payload, 'resourceName')?.split('/').at(-1);
}

const missing = (field: string): Signal =>
  malformed(`Cloud Run completion LogEntry is missing ${field}`);

/**
 * Turns the RunJob completion entry of a Cloud Run job (System Event audit log, resource
 * `cloud_run_job`, method `/Jobs.RunJob`) into `executionEnded`; any other entry about a Cloud
 * Run job (the container's output, the Admin Activity entry of the call) is foreign. The entry
 * only wakes the function: the outcome is confirmed with `executions.get`.
 */
export function decodeRunLogEntry(value: UnknownObject): Signal {
  const logName = stringField(value, 'logName') ?? '';
  if (!logName.endsWith(SYSTEM_EVENT_LOG_SUFFIX)) {
    return foreign(
      `LogEntry of a Cloud Run job is not its completion entry: logName ${quote(logName)} does not end in ${SYSTEM_EVENT_LOG_SUFFIX}`,
    );
  }
  const payload = isObject(value['protoPayload']) ? value['protoPayload'] : undefined;
  const method = stringField(payload, 'methodName');
  if (method !== RUN_JOB_METHOD) {
    const got = method === undefined ? 'missing' : quote(method);
    return foreign(
      `LogEntry of a Cloud Run job is not its completion entry: protoPayload.methodName is ${got}, not "${RUN_JOB_METHOD}"`,
    );
  }
  const resource = isObject(value['resource']) ? value['resource'] : undefined;
  const labels = isObject(resource?.['labels']) ? resource['labels'] : undefined;
  const job = stringField(labels, 'job_name');
  if (job === undefined) return missing('resource.labels.job_name');
  const location = stringField(labels, 'location');
  if (location === undefined) return missing('resource.labels.location');
  const execution = executionOf(payload);
  if (execution === undefined) {
    return missing(
      'the execution (protoPayload.response.metadata.name or protoPayload.resourceName)',
    );
  }
  // resource.labels.project_id may be a number; logName names the project's id.
  const fromLogName = PROJECT_IN_LOG_NAME.exec(logName)?.[1];
  const projectId = fromLogName ?? stringField(labels, 'project_id');
  if (projectId === undefined) return missing('its project (logName projects/{id}/logs/…)');
  const problem = namesProblem(job, execution, location, projectId);
  if (problem !== undefined) return malformed(problem);
  return {
    kind: 'executionEnded',
    source: 'logSink',
    projectId,
    location,
    job,
    execution,
    executionName: `projects/${projectId}/locations/${location}/jobs/${job}/executions/${execution}`,
  };
}

/** Why the names cannot be real ones (they go into an API URL), or undefined. */
function namesProblem(
  job: string,
  execution: string,
  location: string,
  projectId: string,
): string | undefined {
  if (!RUN_NAME_PATTERN.test(job)) {
    return `Cloud Run completion LogEntry resource.labels.job_name ${quote(job)} is not a Cloud Run job name; not looked up`;
  }
  if (!RUN_NAME_PATTERN.test(execution)) {
    return `Cloud Run completion LogEntry names execution ${quote(execution)}, not a Cloud Run execution name; not looked up`;
  }
  if (!REGION_PATTERN.test(location)) {
    return `Cloud Run completion LogEntry resource.labels.location ${quote(location)} is not a region (such as "europe-west4"); not looked up`;
  }
  if (!PROJECT_ID_PATTERN.test(projectId) && !PROJECT_NUMBER_PATTERN.test(projectId)) {
    return `Cloud Run completion LogEntry project ${quote(projectId)} is not a Google Cloud project id; not looked up`;
  }
  return undefined;
}
