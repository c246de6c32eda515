import { LEASE_MARGIN_MS } from '../config.js';
import { renewLease } from '../engine/lease.js';
import type { Run, Step } from '../engine/run.js';
import type { Invocation } from './deps.js';
import { applyToRun } from './record.js';

/**
 * Retries of one launch call (Dataflow, Cloud Run, Pub/Sub) within a delivery: a launch that
 * keeps failing fails the delivery instead, and Pub/Sub's backoff takes over.
 */
export const LAUNCH_RETRY = {
  retries: 3,
  minTimeout: 200,
  maxTimeout: 2000,
  randomize: true,
} as const;

/** The lease ran out under its holder, or the step moved on: someone else owns it now. */
export class LeaseLost extends Error {}

/**
 * Makes sure the invocation still holds the step's lease with room for a whole launch call
 * (its timeout plus the clock margin) before `until` minus the margin; renews it otherwise.
 */
export async function keepLease(inv: Invocation, run: Run, step: Step, until: { ms: number }) {
  const now = inv.clock.now().getTime();
  if (until.ms - now >= inv.dataflowCallMs + 2 * LEASE_MARGIN_MS) return;
  const renewal = await applyToRun(inv, run.id, (current) =>
    renewLease(current, step.jobName, {
      owner: inv.owner,
      now: new Date(now).toISOString(),
      leaseMs: inv.launchLeaseMs,
    }),
  );
  // Stryker disable next-line OptionalChaining: applyToRun answers undefined only for a run that is not stored, and these paths work on a run read from the store, which has no delete
  if (!renewal?.changed) throw new LeaseLost();
  until.ms = now + inv.launchLeaseMs;
}
