import type { LaunchLease, Run, Step } from './run.js';
import { unchanged, type Transition } from './transition.js';

/** Who asks for a lease and for how long; `now` comes from the caller's clock. */
export interface LeaseRequest {
  readonly owner: string;
  readonly now: string;
  readonly leaseMs: number;
}

function until(request: LeaseRequest): string {
  return new Date(Date.parse(request.now) + request.leaseMs).toISOString();
}

/**
 * True while someone holds the step's launch: it is INTENDED and its lease has not run out. An
 * intent stored before leases existed counts as leased for `leaseMs` after it was written.
 */
export function isLeaseHeld(step: Step, now: string, leaseMs: number): boolean {
  const end = step.lease ? Date.parse(step.lease.until) : Date.parse(step.intendedAt) + leaseMs;
  return step.status === 'INTENDED' && end > Date.parse(now);
}

function withLease(run: Run, step: Step, lease: LaunchLease): Run {
  return { ...run, steps: { ...run.steps, [step.jobName]: { ...step, lease } } };
}

/**
 * Gives the invocation that computed `transition` the lease of every launch it intends, in the
 * same write that records the intents: the fresh intent's holder launches without a look-up.
 */
export function leaseNewIntents(transition: Transition, request: LeaseRequest): Transition {
  // Stryker disable next-line ConditionalExpression: `=> false` is equivalent, a shortcut: mapping zero effects returns an equal transition (same run, no effects); `=> true` is killed by every lease test
  if (!transition.effects.some((effect) => effect.kind === 'launch')) return transition;
  let run = transition.run;
  const effects = transition.effects.map((effect) => {
    if (effect.kind !== 'launch') return effect;
    // A step leased before (a launch refused for quota, now due again) counts its earlier
    // holders, so the new one looks the job up first.
    const holders = (effect.step.lease?.holders ?? 0) + 1;
    const lease: LaunchLease = { owner: request.owner, until: until(request), holders };
    const step = { ...effect.step, lease };
    run = withLease(run, step, lease);
    return { ...effect, step };
  });
  return { ...transition, run, effects };
}

/**
 * Takes over the launch of an intended step whose lease ran out (or that never had one). The
 * new holder must look the job up before every launch call: an earlier holder may have
 * launched it. Unchanged while someone else holds it or once it is no longer INTENDED.
 */
export function claimLaunch(run: Run, jobName: string, request: LeaseRequest): Transition {
  const step = run.steps[jobName];
  if (
    // An ended run's abandoned intent is still claimed: to look its job up and cancel it.
    (run.status !== 'RUNNING' && step?.abandoned !== true) ||
    step?.status !== 'INTENDED' ||
    isLeaseHeld(step, request.now, request.leaseMs)
  )
    return unchanged(run);
  const holders = (step.lease?.holders ?? 1) + 1;
  const next = withLease(run, step, { owner: request.owner, until: until(request), holders });
  return { run: next, changed: true, effects: [], events: [], archived: [] };
}

/** Extends the caller's own lease; unchanged when it no longer holds it or the step moved on. */
export function renewLease(run: Run, jobName: string, request: LeaseRequest): Transition {
  const step = run.steps[jobName];
  if (
    run.status !== 'RUNNING' ||
    step?.status !== 'INTENDED' ||
    step.lease?.owner !== request.owner
  )
    return unchanged(run);
  const lease = { ...step.lease, until: until(request) };
  return { run: withLease(run, step, lease), changed: true, effects: [], events: [], archived: [] };
}

/**
 * Ends the caller's own lease now, so the next delivery may take the launch over at once: for
 * a holder giving up after answered failures, when no launch call of its can still be in flight.
 */
export function releaseLease(run: Run, jobName: string, request: LeaseRequest): Transition {
  const step = run.steps[jobName];
  if (step?.status !== 'INTENDED' || step.lease?.owner !== request.owner) return unchanged(run);
  const lease = { ...step.lease, until: request.now };
  return { run: withLease(run, step, lease), changed: true, effects: [], events: [], archived: [] };
}
