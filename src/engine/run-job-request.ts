import type { RunJobRef, RunJobRequest } from '../cloudrun/execution.js';
import { parseJobName } from '../cloudrun/execution.js';
import { markRequest, type StepMarker } from '../cloudrun/step-marker.js';
import { isObject, type JsonObject } from '../json.js';

/**
 * What a `run:job` Task sends to `jobs.run`, fixed when its intent is recorded so a call made
 * again after a crash is the same: the job, and the request with dfchain's step marker in every
 * container override's env (docs/cloud-run.md §4: how a lost answer's execution is found).
 */
export interface RunJobStepRequest {
  readonly kind: 'runJob';
  readonly ref: RunJobRef;
  readonly body: RunJobRequest;
}

/**
 * The job a Task names: a full name `projects/P/locations/L/jobs/J`, or a short one `J` of the
 * function's project in `region`. Undefined for a value that is neither.
 */
export function runJobRef(job: unknown, projectId: string, region: string): RunJobRef | undefined {
  if (typeof job !== 'string') return undefined;
  const full = parseJobName(job);
  if (full) return full;
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(job) && region !== ''
    ? { projectId, location: region, job }
    : undefined;
}

/** The `jobs.run` request of a Task from its resolved Parameters, marked for `marker`'s step. */
export function runJobRequest(
  resolved: JsonObject,
  ref: RunJobRef,
  marker: StepMarker,
): RunJobStepRequest {
  const overrides = resolved['overrides'];
  const body: RunJobRequest = isObject(overrides)
    ? { overrides: overrides as RunJobRequest['overrides'] & object }
    : {};
  return { kind: 'runJob', ref, body: markRequest(body, marker) };
}
