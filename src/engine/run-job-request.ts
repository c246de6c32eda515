import type { RunJobRef, RunJobRequest } from '../cloudrun/execution.js';
import { runJobRequest } from '../cloudrun/parameters.js';
import { markRequest, type StepMarker } from '../cloudrun/step-marker.js';
import type { JsonObject } from '../json.js';

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

/** The `jobs.run` request of a Task from its resolved Parameters, marked for `marker`'s step. */
export function runJobStepRequest(
  resolved: JsonObject,
  ref: RunJobRef,
  marker: StepMarker,
): RunJobStepRequest {
  return { kind: 'runJob', ref, body: markRequest(runJobRequest(resolved), marker) };
}
