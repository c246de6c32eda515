import type { Draft } from './draft.js';
import { timerName } from './names.js';
import type { Run, Timer } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { unchanged, type Transition } from './transition.js';

/** Who parks the launch (the lease holder whose call was refused), when, and for how long. */
export interface QuotaRefusal {
  readonly owner: string;
  readonly now: string;
  /** How long to wait before the next launch call; the caller draws it (backoff and jitter). */
  readonly delayMs: number;
}

/** How many quota waits the step had before this one (0 for the first). */
export function quotaWaitsOf(run: Run, jobName: string): number {
  return run.steps[jobName]?.quotaWaits ?? 0;
}

/**
 * Parks an intent whose launch Dataflow refused for quota (429 RESOURCE_EXHAUSTED): the step
 * stays INTENDED, keeps its slot, gives up its lease and waits for a `launch` timer, which
 * hands it back to the launch executor. A refusal is a wait, never a failure of the Task.
 * Unchanged unless the caller still holds the step's lease.
 */
export function onQuotaRefused(run: Run, jobName: string, refusal: QuotaRefusal): Transition {
  const step = run.steps[jobName];
  if (
    run.status !== 'RUNNING' ||
    step?.status !== 'INTENDED' ||
    step.abandoned === true ||
    step.lease?.owner !== refusal.owner
  )
    return unchanged(run);
  const waits = (step.quotaWaits ?? 0) + 1;
  const dueAt = new Date(Date.parse(refusal.now) + refusal.delayMs).toISOString();
  const name = timerName(run.nonce ?? run.id, 'launch', jobName, waits);
  const timer: Timer = {
    kind: 'launch',
    scope: step.scope ?? ROOT_SCOPE,
    state: step.state,
    attempt: step.attempt,
    dueAt,
    jobName,
  };
  // The lease ends now but is kept: its holder count tells the next holder to look first.
  const parked = {
    ...step,
    lease: { ...step.lease, until: refusal.now },
    quotaWait: { dueAt, waits },
    quotaWaits: waits,
  };
  return {
    run: {
      ...run,
      steps: { ...run.steps, [jobName]: parked },
      timers: { ...run.timers, [name]: timer },
    },
    changed: true,
    effects: [{ kind: 'timer', name, dueAt }],
    events: [],
    archived: [],
  };
}

/** Fires a `launch` timer: the parked intent is launched again (by whoever gets its lease). */
export function resumeLaunch(d: Draft, timer: Timer): void {
  const step = timer.jobName === undefined ? undefined : d.step(timer.jobName);
  if (step?.status !== 'INTENDED' || step.quotaWait === undefined || step.abandoned === true)
    return;
  const { quotaWait: _done, ...ready } = step;
  d.setStep(ready);
  d.effects.push({ kind: 'launch', step: ready });
}
