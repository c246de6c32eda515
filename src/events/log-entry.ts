import { isObject, foreign, malformed, quote, stringField, type UnknownObject } from './inspect.js';
import type { Signal } from './signal.js';

/**
 * The fields dfchain reads of a Cloud Logging `LogEntry` that a Log Router sink delivers as JSON
 * in Pub/Sub `message.data`. Every field is optional: the sink may carry entries of any kind.
 */
export interface LogEntry {
  /** `projects/{projectId}/logs/dataflow.googleapis.com%2Fjob-message` for Dataflow job messages. */
  readonly logName?: string;
  readonly resource?: {
    readonly type?: string;
    readonly labels?: {
      readonly job_id?: string;
      readonly job_name?: string;
      /** May hold the project number: the project is read from `logName` first. */
      readonly project_id?: string;
      readonly region?: string;
      readonly step_id?: string;
    };
  };
  readonly textPayload?: string;
  readonly severity?: string;
}

/** `textPayload` of the last job message of every job that started workers. */
export const WORKER_POOL_STOPPED = 'Worker pool stopped.';

/** Start of `textPayload` when a flex template launcher failed: the job never starts workers. */
export const LAUNCHER_FAILED_PREFIX = 'Error occurred in the launcher container: Template launch failed';

const JOB_MESSAGE_LOG = /\/logs\/dataflow\.googleapis\.com%2Fjob-message$/i;
const PROJECT_IN_LOG_NAME = /^projects\/([^/]+)\/logs\//;

/** True when a JSON object has the look of a LogEntry rather than of a command. */
export function looksLikeLogEntry(value: UnknownObject): boolean {
  return typeof value['logName'] === 'string' || isObject(value['resource']);
}

function completion(textPayload: unknown): boolean | string {
  if (typeof textPayload !== 'string') return 'it has no textPayload';
  if (textPayload.trim() === WORKER_POOL_STOPPED) return false;
  if (textPayload.startsWith(LAUNCHER_FAILED_PREFIX)) return true;
  return `textPayload ${quote(textPayload)}`;
}

/** Turns a sink's LogEntry into `jobEnded`, or says why it is not a Dataflow completion line. */
export function decodeLogEntry(entry: UnknownObject): Signal {
  const resource = isObject(entry['resource']) ? entry['resource'] : undefined;
  const type = stringField(resource, 'type');
  if (type !== 'dataflow_step') {
    return foreign(`LogEntry is not from a Dataflow job: resource.type is ${type === undefined ? 'missing' : quote(type)}, not "dataflow_step"`);
  }
  const logName = stringField(entry, 'logName') ?? '';
  if (!JOB_MESSAGE_LOG.test(logName)) {
    return foreign(`LogEntry is not a Dataflow job message: logName ${quote(logName)} does not end in /logs/dataflow.googleapis.com%2Fjob-message`);
  }
  const launcherFailed = completion(entry['textPayload']);
  if (typeof launcherFailed === 'string') {
    return foreign(`LogEntry is not a Dataflow completion line: ${launcherFailed}`);
  }
  const labels = isObject(resource?.['labels']) ? resource['labels'] : undefined;
  const fields = {
    jobId: stringField(labels, 'job_id'),
    jobName: stringField(labels, 'job_name'),
    location: stringField(labels, 'region'),
    projectId: PROJECT_IN_LOG_NAME.exec(logName)?.[1] ?? stringField(labels, 'project_id'),
  };
  const missing = {
    jobId: 'resource.labels.job_id',
    jobName: 'resource.labels.job_name',
    location: 'resource.labels.region',
    projectId: 'the project (neither logName projects/{id}/… nor resource.labels.project_id)',
  } as const;
  for (const key of ['jobId', 'jobName', 'location', 'projectId'] as const) {
    if (fields[key] === undefined) return malformed(`Dataflow LogEntry is missing ${missing[key]}`);
  }
  const { jobId, jobName, location, projectId } = fields as Required<typeof fields>;
  return { kind: 'jobEnded', source: 'logSink', jobId, jobName, projectId, location, launcherFailed };
}
