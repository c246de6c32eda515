import type { ChainDefinition } from '../chain/types.js';
import { abortBelow } from './abort.js';
import { Draft } from './draft.js';
import { ERROR_NAMES } from './error-names.js';
import type { Run, RunError } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { unchanged, type Transition } from './transition.js';

/** The cause a cancel command without one gives its run. */
export const DEFAULT_CANCEL_CAUSE = 'cancelled by a cancel command';

/**
 * The error of a run cancelled with `cause`. AWS Step Functions' StopExecution ends an
 * execution ABORTED with whatever `error` and `cause` the caller passes (both optional, no
 * default name), so AWS has no name to follow. The `cancel` command carries only a cause, and
 * `run.cancelled` must carry `{Error, Cause}`, so dfchain names it `States.Cancelled`: in the
 * `States.` family of the other run-level errors dfchain raises (`States.Timeout`,
 * `States.DataLimitExceeded`). No Catch ever sees it: a cancelled run runs nothing more.
 */
export function cancelError(cause: string): RunError {
  return { Error: ERROR_NAMES.cancelled, Cause: cause };
}

/**
 * Ends a running run CANCELLED (the `cancel` command): every step is abandoned (each launched
 * job is cancelled through the API, a launch in flight when it is recorded, an intent never
 * sent is dropped), every timer goes, each Map or Parallel waiting on parts stops them
 * (`abortItems`), and `run.cancelled` is logged. A run still queued for its chain's
 * MaxConcurrentRuns ends too: it leaves the queue, which the store derives from the run.
 * Unchanged for a run that already ended (a repeated cancel) and for a part's document: the
 * root's cancel stops its parts.
 */
export function cancelRun(
  definition: ChainDefinition,
  run: Run,
  cause: string,
  now: string,
): Transition {
  if (run.status !== 'RUNNING' || run.part !== undefined) return unchanged(run);
  const d = new Draft(definition, run, now);
  const error = cancelError(cause);
  abortBelow(d, ROOT_SCOPE, true);
  d.dropAllTimers();
  d.end('CANCELLED', { error });
  d.event({ event: 'run.cancelled', error });
  return d.result();
}
