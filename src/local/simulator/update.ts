import { checkJobFields, field } from './fields.js';
import { ApiError } from './google-error.js';

/** google.dataflow.v1beta3.JobState, the values a `requestedState` may take. */
const JOB_STATES = [
  'JOB_STATE_UNKNOWN',
  'JOB_STATE_STOPPED',
  'JOB_STATE_RUNNING',
  'JOB_STATE_DONE',
  'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLED',
  'JOB_STATE_UPDATED',
  'JOB_STATE_DRAINING',
  'JOB_STATE_DRAINED',
  'JOB_STATE_PENDING',
  'JOB_STATE_CANCELLING',
  'JOB_STATE_QUEUED',
  'JOB_STATE_RESOURCE_CLEANING_UP',
];

/**
 * Validates a `jobs.update` call as Dataflow does, for the one update the simulator serves: a
 * cancel, body `{"requestedState":"JOB_STATE_CANCELLED"}`. Throws an {@link ApiError} (400).
 *
 * The update mask is a query parameter: "If empty, only RequestedJobState will be considered for
 * update. [...] If both RequestedJobState and updateMask are specified, an error will be
 * returned as we cannot update both state and mask" (googleapis' generated v1b3 types).
 */
export function validateCancel(body: unknown, updateMask: string | null): void {
  checkJobFields(body);
  const requested = field(body, 'requestedState');
  if (
    requested !== undefined &&
    (typeof requested !== 'string' || !JOB_STATES.includes(requested))
  ) {
    throw new ApiError(
      400,
      `Invalid value at 'job.requested_state' (type.googleapis.com/google.dataflow.v1beta3.JobState), ${JSON.stringify(requested)}`,
    );
  }
  if (requested !== undefined && updateMask) {
    throw new ApiError(
      400,
      `Request specifies both a requested job state (${String(requested)}) and an update mask (${updateMask}): the state and the mask cannot be updated together.`,
    );
  }
  if (requested !== 'JOB_STATE_CANCELLED') {
    throw new ApiError(
      400,
      `Simulator: jobs.update supports only a cancel, body {"requestedState":"JOB_STATE_CANCELLED"} with no updateMask; got ${JSON.stringify(body ?? {})}${updateMask ? ` with updateMask=${updateMask}` : ''}`,
    );
  }
}
