import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import { Draft } from './draft.js';
import { drain, finish, raise, settle } from './interpreter.js';
import type { Run, RunError, Step } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { dropStateTimers } from './timers.js';
import type { Transition } from './transition.js';

/**
 * Ends an in-flight step with `output` or `error` (its record gets `ended` too): the Task's
 * result goes on through the pipeline, an error down the failure path (Retry, Catch, fail the
 * scope). A step the run no longer waits for (abandoned) is only recorded as ended.
 */
export function endStep(
  definition: ChainDefinition,
  run: Run,
  step: Step,
  now: string,
  ended: Partial<Step>,
  result: { readonly output: Json } | { readonly error: RunError },
  event: () => Parameters<Draft['event']>[0],
): Transition {
  const { lease: _lease, ...settled } = step;
  const d = new Draft(definition, run, now);
  const error = 'error' in result ? result.error : undefined;
  d.archiveStep({
    ...settled,
    ...ended,
    status: error ? 'FAILED' : 'SUCCEEDED',
    launchedAt: step.launchedAt ?? now,
    endedAt: now,
    ...(error ? { error } : {}),
  });
  d.event(event());
  const scope = step.scope ?? ROOT_SCOPE;
  const frame = d.frame(scope);
  if (step.abandoned || frame?.wait !== 'job' || frame.jobName !== step.jobName) return settle(d);
  dropStateTimers(d, scope, frame);
  if (error) raise(d, scope, error);
  else if ('output' in result) finish(d, scope, result.output);
  drain(d);
  return settle(d);
}
