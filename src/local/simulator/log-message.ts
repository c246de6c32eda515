import { randomBytes } from 'node:crypto';
import type { LogEntry } from './log-entry.js';

/** The final job message of a job that ran (done, failed or cancelled alike). */
export const WORKER_POOL_STOPPED = 'Worker pool stopped.';

/** The final job message of a flex template whose launcher failed. */
export const LAUNCHER_FAILED =
  'Error occurred in the launcher container: Template launch failed. See console logs.';

/** Where a log entry comes from. */
export interface LogSource {
  readonly jobId: string;
  readonly jobName: string;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly location: string;
}

/** The job-message LogEntry Cloud Logging delivers for a job's final message. */
export function jobMessageEntry(
  source: LogSource,
  launcherFailed: boolean,
  timestamp: number,
  receivedAt: number,
): LogEntry {
  return {
    insertId: randomBytes(6).toString('base64url').toLowerCase(),
    logName: `projects/${source.projectId}/logs/dataflow.googleapis.com%2Fjob-message`,
    resource: {
      type: 'dataflow_step',
      labels: {
        job_id: source.jobId,
        job_name: source.jobName,
        project_id: source.projectNumber,
        region: source.location,
        step_id: '',
      },
    },
    textPayload: launcherFailed ? LAUNCHER_FAILED : WORKER_POOL_STOPPED,
    severity: launcherFailed ? 'ERROR' : 'INFO',
    timestamp: new Date(timestamp).toISOString(),
    receiveTimestamp: new Date(receivedAt).toISOString(),
    labels: {
      'dataflow.googleapis.com/job_id': source.jobId,
      'dataflow.googleapis.com/job_name': source.jobName,
      'dataflow.googleapis.com/region': source.location,
      'dataflow.googleapis.com/log_type': 'system',
    },
  };
}
