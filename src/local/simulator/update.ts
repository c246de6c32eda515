import { JOB_STATES } from '../../dataflow/job.js';
import { checkJobFields, field } from './fields.js';
import { ApiError } from './google-error.js';

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
    (typeof requested !== 'string' || !(JOB_STATES as readonly string[]).includes(requested))
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
