import type { Transition } from '../engine/transition.js';
import type { Invocation } from './deps.js';
import { executeLaunches } from './launch.js';
import { carryOutCalls } from './side-effects.js';

/**
 * The one executor of a committed transition's effects: cancels and timers first (they never
 * throw), then every launch the run holds as intended (which may fail the delivery).
 */
export async function carryOut(inv: Invocation, transition: Transition): Promise<void> {
  await carryOutCalls(inv, transition);
  await executeLaunches(inv, transition.run);
}
