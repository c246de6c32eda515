import { JOB_STATES, isTerminalJobState } from '../dataflow/job.js';
import { coordinatesProblem } from './google-ids.js';
import { eventData, foreign, isObject, malformed, stringField, typeName } from './inspect.js';
import type { Signal } from './signal.js';

/** CloudEvent type Eventarc sends on every Dataflow job state change. */
export const STATUS_CHANGED_EVENT_TYPE = 'google.cloud.dataflow.job.v1beta3.statusChanged';

function stateName(value: unknown): string | undefined {
  // proto3 JSON leaves out a field at its default, so an absent state is JOB_STATE_UNKNOWN (0).
  if (value === undefined || value === null) return 'JOB_STATE_UNKNOWN';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return JOB_STATES[value];
  return undefined;
}

// Labels are map<string, string>: anything else in the map is dropped rather than trusted.
function stringLabels(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(value)) {
    if (typeof label === 'string') labels[key] = label;
  }
  return labels;
}

const missing = (field: string): Signal =>
  malformed(`statusChanged data.payload.${field} is missing or not a string`);

/**
 * Turns a `statusChanged` event (data `JobEventData`: `{payload: Job}`) into `jobEnded` when the
 * job reached a terminal state; other states are ignored, since the event fires on every change.
 */
export function decodeStatusChanged(data: unknown): Signal {
  const parsed = eventData(data);
  if (!parsed.ok) return malformed(`statusChanged data is not JSON: ${parsed.error}`);
  if (!isObject(parsed.value)) {
    return malformed(`statusChanged data must be an object, got ${typeName(parsed.value)}`);
  }
  const job = parsed.value['payload'];
  if (!isObject(job))
    return malformed(`statusChanged data.payload must be a Job object, got ${typeName(job)}`);
  const jobId = stringField(job, 'id');
  if (jobId === undefined) return missing('id');
  const jobName = stringField(job, 'name');
  if (jobName === undefined) return missing('name');
  const projectId = stringField(job, 'projectId');
  if (projectId === undefined) return missing('projectId');
  const location = stringField(job, 'location');
  if (location === undefined) return missing('location');
  const problem = coordinatesProblem(
    { jobId, location, projectId },
    {
      jobId: 'statusChanged data.payload.id',
      location: 'statusChanged data.payload.location',
      projectId: 'statusChanged data.payload.projectId',
    },
  );
  if (problem !== undefined) return malformed(problem);
  const state = stateName(job['currentState']);
  if (state === undefined) {
    return malformed(
      `statusChanged data.payload.currentState must be a JobState name, got ${typeName(job['currentState'])}`,
    );
  }
  if (!isTerminalJobState(state))
    return foreign(`job ${jobName} (${jobId}) is ${state}, not terminal`);
  return {
    kind: 'jobEnded',
    source: 'eventarc',
    jobId,
    jobName,
    projectId,
    location,
    launcherFailed: false,
    reportedState: state,
    reportedLabels: stringLabels(job['labels']),
  };
}
