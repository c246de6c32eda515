import { admitIntents } from './admission.js';
import { admitAfter } from './admit-waiting.js';
import { RunWriteQueue } from './coalesce.js';
import type { HandlerDeps, Invocation } from './deps.js';
import { carryOutParts, withParts } from './parts.js';
import { carryOutReads } from './read-items.js';
import { leased } from './record.js';

/** Starts handling one delivery: draws its lease-holder token and opens its write queue. */
export function invocation(deps: HandlerDeps): Invocation {
  const inv: Invocation = {
    ...deps,
    owner: deps.newToken(),
    uncalled: new Map<string, Set<string>>(),
    writes: new RunWriteQueue(
      deps.store,
      (transition) => leased(inv, transition),
      async (before, transition) =>
        admitIntents(
          inv,
          await withParts(
            inv,
            transition,
            before.status === 'RUNNING' && transition.run.status === 'SUCCEEDED',
          ),
        ),
    ),
    carryOutParts,
    admitAfter,
    carryOutReads,
  };
  return inv;
}
