import { releaseLease } from '../engine/lease.js';
import { unchanged } from '../engine/transition.js';
import type { Invocation } from './deps.js';
import { applyToRun } from './record.js';

/** Ends, in one write, this invocation's leases on `names` of run `runId` (others are left). */
export async function releaseOwn(
  inv: Invocation,
  runId: string,
  names: Iterable<string>,
): Promise<void> {
  const request = { owner: inv.owner, now: inv.clock.now().toISOString(), leaseMs: 0 };
  await applyToRun(inv, runId, (run) => {
    let released = unchanged(run);
    for (const name of names) {
      const next = releaseLease(released.run, name, request);
      if (next.changed) released = next;
    }
    return released;
  });
}
