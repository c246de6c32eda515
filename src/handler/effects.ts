import type { Transition } from '../engine/transition.js';
import type { Invocation } from './deps.js';
import { executeLaunches } from './launch.js';
import { carryOutCalls } from './side-effects.js';

/**
 * The one executor of a committed transition's effects: cancels and timers first (they never
 * throw), then every launch the run holds as intended (which may fail the delivery). Only a
 * transition that changed nothing (a duplicate, a redelivery) adopts launches another delivery
 * still holds: a fresh one leaves them to their holder. Last, the waiters of any budget
 * slot it freed are admitted.
 */
export async function carryOut(inv: Invocation, transition: Transition): Promise<void> {
  await carryOutCalls(inv, transition);
  await executeLaunches(inv, transition.run, !transition.changed);
  await inv.admitAfter(inv, transition);
}
