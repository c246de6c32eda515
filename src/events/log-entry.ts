import { coordinatesProblem } from './google-ids.js';
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

/**
 * Start of `textPayload` when a flex template launcher failed: the job never starts workers.
 * What follows varies ("Template launch failed…", "could not determine py file from env",
 * "file … does not exist", …), so only the prefix is matched.
 */
export const LAUNCHER_FAILED_PREFIX = 'Error occurred in the launcher container: ';

/**
 * In `textPayload` when the launcher never wrote its result ("Timeout in polling result file:
 * FILE_PATH. …", cloud.google.com/dataflow/docs/guides/troubleshoot-templates). Matched
 * anywhere, as the sink filter matches it, since it may follow the prefix above.
 */
export const LAUNCHER_TIMEOUT_TEXT = 'Timeout in polling result file';

/** Severity of a launcher failure line. */
export const LAUNCHER_FAILURE_SEVERITY = 'ERROR';

const JOB_MESSAGE_LOG = /\/logs\/dataflow\.googleapis\.com%2Fjob-message$/i;
const PROJECT_IN_LOG_NAME = /^projects\/([^/]+)\/logs\//;

/** True when a JSON object has the look of a LogEntry rather than of a command. */
export function looksLikeLogEntry(value: UnknownObject): boolean {
  return typeof value['logName'] === 'string' || isObject(value['resource']);
}

function completion(entry: LogEntry): boolean | string {
  const { textPayload, severity } = entry;
  if (textPayload === undefined) return 'it has no textPayload';
  if (textPayload.trim() === WORKER_POOL_STOPPED) return false;
  if (
    textPayload.startsWith(LAUNCHER_FAILED_PREFIX) ||
    textPayload.includes(LAUNCHER_TIMEOUT_TEXT)
  ) {
    if (severity === LAUNCHER_FAILURE_SEVERITY) return true;
    // A job's own code can log any text: only the service's ERROR line ends the job.
    return `textPayload ${quote(textPayload)} reads like a launcher failure, but its severity is ${severity === undefined ? 'missing' : quote(severity)}, not "${LAUNCHER_FAILURE_SEVERITY}"`;
  }
  return `textPayload ${quote(textPayload)}`;
}

/** The LogEntry fields dfchain reads; a field of the wrong JSON type reads as absent. */
export function readLogEntry(value: UnknownObject): LogEntry {
  const resource = isObject(value['resource']) ? value['resource'] : undefined;
  const labels = isObject(resource?.['labels']) ? resource['labels'] : undefined;
  const label = (key: string): string | undefined => stringField(labels, key);
  return {
    logName: stringField(value, 'logName'),
    resource: {
      type: stringField(resource, 'type'),
      labels: {
        job_id: label('job_id'),
        job_name: label('job_name'),
        project_id: label('project_id'),
        region: label('region'),
      },
    },
    textPayload: typeof value['textPayload'] === 'string' ? value['textPayload'] : undefined,
    severity: stringField(value, 'severity'),
  };
}

const missing = (field: string): Signal => malformed(`Dataflow LogEntry is missing ${field}`);

/** Turns a sink's LogEntry into `jobEnded`, or says why it is not a Dataflow completion line. */
export function decodeLogEntry(value: UnknownObject): Signal {
  const entry = readLogEntry(value);
  // Stryker disable next-line OptionalChaining: readLogEntry always returns resource and resource.labels as objects, so the optional chain never short-circuits
  const type = entry.resource?.type;
  if (type !== 'dataflow_step') {
    const got = type === undefined ? 'missing' : quote(type);
    return foreign(
      `LogEntry is not from a Dataflow job: resource.type is ${got}, not "dataflow_step"`,
    );
  }
  const logName = entry.logName ?? '';
  if (!JOB_MESSAGE_LOG.test(logName)) {
    return foreign(
      `LogEntry is not a Dataflow job message: logName ${quote(logName)} does not end in /logs/dataflow.googleapis.com%2Fjob-message`,
    );
  }
  const launcherFailed = completion(entry);
  if (typeof launcherFailed === 'string') {
    return foreign(`LogEntry is not a Dataflow completion line: ${launcherFailed}`);
  }
  // Stryker disable next-line OptionalChaining: readLogEntry always returns resource and resource.labels as objects, so the optional chain never short-circuits
  const labels = entry.resource?.labels;
  // Stryker disable next-line OptionalChaining: readLogEntry always returns resource and resource.labels as objects, so the optional chain never short-circuits
  const jobId = labels?.job_id;
  if (jobId === undefined) return missing('resource.labels.job_id');
  // Stryker disable next-line OptionalChaining: readLogEntry always returns resource and resource.labels as objects, so the optional chain never short-circuits
  const jobName = labels?.job_name;
  if (jobName === undefined) return missing('resource.labels.job_name');
  // Stryker disable next-line OptionalChaining: readLogEntry always returns resource and resource.labels as objects, so the optional chain never short-circuits
  const location = labels?.region;
  if (location === undefined) return missing('resource.labels.region');
  // Sinks may put the project number in resource.labels.project_id; logName names the id.
  const fromLogName = PROJECT_IN_LOG_NAME.exec(logName)?.[1];
  // Stryker disable next-line OptionalChaining: readLogEntry always returns resource and resource.labels as objects, so the optional chain never short-circuits
  const projectId = fromLogName ?? labels?.project_id;
  if (projectId === undefined) {
    return missing(
      'its project: logName is not projects/{id}/logs/… and resource.labels.project_id is absent',
    );
  }
  const problem = coordinatesProblem(
    { jobId, location, projectId },
    {
      jobId: 'Dataflow LogEntry resource.labels.job_id',
      location: 'Dataflow LogEntry resource.labels.region',
      projectId: `Dataflow LogEntry ${fromLogName === undefined ? 'resource.labels.project_id' : 'logName project'}`,
    },
    fromLogName === undefined,
  );
  if (problem !== undefined) return malformed(problem);
  return {
    kind: 'jobEnded',
    source: 'logSink',
    jobId,
    jobName,
    projectId,
    location,
    launcherFailed,
  };
}
