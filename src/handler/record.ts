import type { Run } from '../engine/run.js';
import type { Transition } from '../engine/transition.js';
import { runEventLine } from '../log/run-events.js';
import type { HandlerDeps } from './deps.js';

/** Logs every transition the engine reported, one structured line each. */
export function logTransition(deps: HandlerDeps, transition: Transition): void {
  for (const event of transition.events) deps.logger.write(runEventLine(event));
}

/**
 * Applies a pure engine step to the stored run and logs it. Returns the transition, or undefined
 * when the run does not exist.
 */
export async function applyToRun(
  deps: HandlerDeps,
  runId: string,
  step: (run: Run) => Transition | Promise<Transition>,
): Promise<Transition | undefined> {
  const transition = await deps.store.update(runId, async (run) => {
    if (run === undefined) return { result: undefined };
    const result = await step(run);
    return result.changed ? { run: result.run, archive: result.archived, result } : { result };
  });
  if (transition) logTransition(deps, transition);
  return transition;
}
