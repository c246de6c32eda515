import { leaseNewIntents } from '../engine/lease.js';
import { launchesOf, type Transition } from '../engine/transition.js';
import { runEventLine } from '../log/run-events.js';
import type { RunStep } from './coalesce.js';
import type { HandlerDeps, Invocation } from './deps.js';

/** Logs every transition the engine reported, one structured line each. */
export function logTransition(deps: HandlerDeps, transition: Transition): void {
  for (const event of transition.events)
    deps.logger.write(runEventLine(event, transition.run, deps.prices));
}

/** Remembers a lease the invocation may hold and has not started a launch call under. */
export function noteUncalled(inv: Invocation, runId: string, jobName: string): void {
  inv.uncalled.set(runId, (inv.uncalled.get(runId) ?? new Set<string>()).add(jobName));
}

/** The invocation's claim on every launch `transition` intends, written with the intents. */
export function leased(inv: Invocation, transition: Transition): Transition {
  for (const { step } of launchesOf(transition)) noteUncalled(inv, transition.run.id, step.jobName);
  return leaseNewIntents(transition, {
    owner: inv.owner,
    now: inv.clock.now().toISOString(),
    leaseMs: inv.launchLeaseMs,
  });
}

/**
 * Applies a pure engine step to the stored run and logs it; the invocation holds the lease of
 * every launch the step intends. Steps of one delivery on one run share a write when they come
 * while another is in flight (RunWriteQueue). Returns the transition, or undefined when the run
 * does not exist.
 */
export async function applyToRun(
  inv: Invocation,
  runId: string,
  step: RunStep,
): Promise<Transition | undefined> {
  const transition = await inv.writes.apply(runId, step);
  if (transition) logTransition(inv, transition);
  return transition;
}
