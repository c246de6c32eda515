import pRetry, { AbortError } from 'p-retry';
import { runIdOf } from '../engine/part-names.js';
import { isClassicLaunch, type JobSummary } from '../dataflow/job.js';
import { ERROR_NAMES } from '../engine/error-names.js';
import { dropAbandonedIntent, onLaunched, onLaunchFailed } from '../engine/launched.js';
import { claimLaunch, isLeaseHeld } from '../engine/lease.js';
import type { Run, Step } from '../engine/run.js';
import { isPublishStep, isRunJobStep, type DataflowStep } from '../engine/step-kind.js';
import { launchesOf, unchanged, type Transition } from '../engine/transition.js';
import {
  DataflowPermanentError,
  DataflowQuotaError,
  DataflowTransientError,
  JobAlreadyExistsError,
  JobNotFoundError,
} from '../errors.js';
import type { Invocation } from './deps.js';
import { definitionFor } from './definition.js';
import { findOwnJob, stepRef } from './own-job.js';
import { settledAll } from './settled.js';
import { carryOutCalls } from './side-effects.js';
import { applyToRun, noteUncalled } from './record.js';
import { parkForQuota } from './quota-wait.js';
import { LAUNCH_RETRY, keepLease, LeaseLost } from './lease-keep.js';
import { releaseOwn } from './release.js';
import { publishHeld } from './publish.js';
import { findOwnExecution, runJobHeld } from './run-launch.js';
import { isParked } from '../engine/admission.js';

interface Launched {
  readonly job: JobSummary;
  readonly adopted: boolean;
}

async function adoptAfterConflict(inv: Invocation, run: Run, step: Step, error: unknown) {
  const found = await findOwnJob(inv, run, step);
  if (found) return { job: found, adopted: true };
  throw new DataflowTransientError(
    `launch of ${step.jobName} answered 409 ALREADY_EXISTS but no job of this run's step ${step.state} is listed under that name yet; retrying`,
    { operation: 'jobs.list' },
    { cause: error },
  );
}

/**
 * An intent the run abandoned (timeout, failed sibling) is never launched: a job an earlier
 * holder created is adopted and cancelled; otherwise the intent is dropped.
 */
async function settleAbandoned(inv: Invocation, run: Run, step: Step): Promise<void> {
  const now = inv.clock.now().toISOString();
  const found = await findOwnJob(inv, run, step);
  const settled = await applyToRun(inv, run.id, (current) =>
    found
      ? onLaunched(current, step.jobName, found.id, now, true)
      : dropAbandonedIntent(current, step.jobName, now),
  );
  if (settled?.changed) await carryOutCalls(inv, settled);
}

/**
 * Launches a step whose lease this invocation holds. Any launch call that may have executed
 * (timeout, 5xx, network, a crash of an earlier holder) is followed by a look-up of the job by
 * name before another is made, and a launch call starts only while the lease has room for it;
 * so a step's job is created at most once. `lookFirst`: an earlier holder may have launched.
 */
async function launchHeld(inv: Invocation, run: Run, step: Step, lookFirst: boolean) {
  const next = async (t: Transition) => {
    await carryOutCalls(inv, t);
    await Promise.all(launchesOf(t).map((e) => launchHeld(inv, t.run, e.step, false)));
  };
  if (isPublishStep(step)) return publishHeld(inv, run, step, next);
  if (isRunJobStep(step)) return runJobHeld(inv, run, step, lookFirst, next);
  if (step.abandoned) return settleAbandoned(inv, run, step);
  const ref = stepRef(step);
  // Stryker disable next-line OptionalChaining,StringLiteral: launchHeld only gets a step this invocation holds the lease of (its own fresh intent, or one it just claimed), so the lease is always there
  const until = { ms: Date.parse(step.lease?.until ?? '') || 0 };
  const attempt = async (attemptNumber: number): Promise<Launched> => {
    try {
      if (lookFirst || attemptNumber > 1) {
        const found = await findOwnJob(inv, run, step);
        if (found) return { job: found, adopted: true };
      }
      await keepLease(inv, run, step, until);
      // Stryker disable next-line OptionalChaining: every step launchHeld gets was noted first (leased() for a fresh intent, takeOverLaunch before its claim), and a deleted name leaves its set in the map
      inv.uncalled.get(run.id)?.delete(step.jobName);
      try {
        const request = (step as DataflowStep).request;
        const job = isClassicLaunch(request)
          ? await inv.dataflow.launchTemplate(ref, request)
          : await inv.dataflow.launchFlexTemplate(ref, request);
        return { job, adopted: false };
      } catch (error) {
        if (!(error instanceof JobAlreadyExistsError)) throw error;
        return await adoptAfterConflict(inv, run, step, error);
      }
    } catch (error) {
      // A quota refusal is not retried here: it waits for a timer (parkForQuota).
      const again =
        (error instanceof DataflowTransientError && !(error instanceof DataflowQuotaError)) ||
        error instanceof JobNotFoundError;
      throw again ? error : new AbortError(error as Error);
    }
  };
  const now = () => inv.clock.now().toISOString();
  let launched: Launched;
  let unanswered = false;
  try {
    launched = await pRetry(attempt, {
      ...LAUNCH_RETRY,
      onFailedAttempt: ({ error }) => {
        unanswered ||= mayStillRun(error);
      },
    });
  } catch (error) {
    if (error instanceof LeaseLost) return;
    if (error instanceof DataflowQuotaError) return parkForQuota(inv, run, step, error);
    if (!(error instanceof DataflowPermanentError)) {
      // Every call was answered: none can still create the job, so a redelivery need not wait.
      const answered = error instanceof DataflowTransientError || error instanceof JobNotFoundError;
      if (answered && !unanswered && !mayStillRun(error)) await giveBack(inv, run, step);
      throw error;
    }
    const cause = `States.${step.state}: ${error.message}`;
    const failed = await applyToRun(inv, run.id, async (current) =>
      onLaunchFailed(
        await definitionFor(inv, current),
        current,
        step.jobName,
        { Error: ERROR_NAMES.launchFailed, Cause: cause },
        now(),
      ),
    );
    // Stryker disable next-line OptionalChaining: applyToRun answers undefined only for a run that is not stored
    if (failed?.changed) {
      await carryOutCalls(inv, failed);
      // Only the intents this very transition made (a Catch's next Task): the others are
      // being launched by whoever runs this one.
      await Promise.all(launchesOf(failed).map((e) => launchHeld(inv, failed.run, e.step, false)));
    }
    return;
  }
  const recorded = await applyToRun(inv, run.id, (current) =>
    onLaunched(current, step.jobName, launched.job.id, now(), launched.adopted),
  );
  // A step abandoned while its launch was in flight: its job is cancelled now.
  if (recorded?.changed) await carryOutCalls(inv, recorded);
  // Stryker disable next-line OptionalChaining: applyToRun answers undefined only for a run that is not stored, and these paths work on a run read from the store, which has no delete
  const current = recorded?.run.steps[step.jobName];
  // Stryker disable next-line OptionalChaining: `recorded.changed` is equivalent: applyToRun answers undefined only for a run that is not stored, and the store has no delete; this also ignores `current.jobId`, which the test of a step that ended meanwhile kills
  if (!recorded?.changed && current?.jobId !== launched.job.id) {
    // Cannot happen while the lease holds; if it ever does, it must be seen, not dropped.
    inv.logger.write({
      severity: 'ERROR',
      event: 'job.unrecorded',
      message: `run ${runIdOf(run)} state ${step.state}: job ${launched.job.id} (${step.jobName}) was launched but the step is ${current?.status ?? 'no longer in flight'}${current?.jobId ? ` with job ${current.jobId}` : ''}`,
      runId: runIdOf(run),
      chain: run.chain,
      state: step.state,
      jobName: step.jobName,
      jobId: launched.job.id,
    });
  }
}

/**
 * True when a failed call got no answer (timeout, reset): the request may still be executing
 * at Dataflow, so the lease must run its course before anyone else launches.
 */
function mayStillRun(error: unknown): boolean {
  return error instanceof DataflowTransientError && error.details.httpStatus === undefined;
}

async function giveBack(inv: Invocation, run: Run, step: Step): Promise<void> {
  await releaseOwn(inv, run.id, [step.jobName]);
}

/**
 * Gives back, as far as the store lets it, the leases of a failing delivery that never started
 * a launch call: its redelivery may then launch at once instead of waiting out the lease. (A
 * write that failed may still have landed, so every intent it tried to lease is released.)
 */
export async function releaseUncalled(inv: Invocation): Promise<void> {
  for (const [runId, names] of inv.uncalled) {
    if (names.size === 0) continue;
    try {
      await releaseOwn(inv, runId, names);
    } catch {
      // Best effort: the lease then simply runs out.
    }
  }
}

/** What became of an intent another delivery recorded. */
export type TakeOver = 'launched' | 'adopted' | 'held' | 'settled';

/**
 * Records the step's job if Dataflow already has it (a holder launched it and died, or has not
 * recorded it yet): adopting is always safe, only launching needs the lease. Otherwise the
 * holder may still be launching: left to it, and to the tick if it died. The delivery is not
 * failed for that: a failed push delivery slows Pub/Sub down for the whole subscription.
 */
async function adoptWhileHeld(inv: Invocation, run: Run, step: Step): Promise<TakeOver> {
  const found = isRunJobStep(step)
    ? await findOwnExecution(inv, step).then((e) => e && { id: e.name })
    : await findOwnJob(inv, run, step);
  if (found === undefined) {
    inv.logger.write({
      severity: 'INFO',
      event: 'launch.held',
      message: `run ${runIdOf(run)} state ${step.state}: the launch of ${step.jobName} is held by another delivery until ${step.lease?.until ?? 'its lease ends'} and ${isRunJobStep(step) ? 'Cloud Run lists no execution with its DFCHAIN_STEP marker' : 'Dataflow has no job of that name'} yet; left to it (a tick takes it over if that delivery died)`,
      runId: runIdOf(run),
      chain: run.chain,
      state: step.state,
      jobName: step.jobName,
    });
    return 'held';
  }
  const now = inv.clock.now().toISOString();
  const adopted = await applyToRun(inv, run.id, (current) =>
    onLaunched(current, step.jobName, found.id, now, true),
  );
  // An abandoned step's job is cancelled as soon as it is found.
  if (adopted?.changed) await carryOutCalls(inv, adopted);
  return 'adopted';
}

/**
 * Takes over an intended step whose lease ran out (the holder died or gave up) and launches it,
 * looking first; while the lease holds, only adopts a job that already exists.
 */
export async function takeOverLaunch(inv: Invocation, run: Run, step: Step): Promise<TakeOver> {
  // In line, or waiting out a quota refusal: its admission or its timer hands it back.
  if (isParked(step) && step.abandoned !== true) return 'held';
  const now = inv.clock.now().toISOString();
  if (step.queued !== undefined) {
    // Abandoned while in line: no launch call was ever made for it, so nothing to look up.
    const dropped = await applyToRun(inv, run.id, (current) =>
      current.steps[step.jobName]?.queued
        ? dropAbandonedIntent(current, step.jobName, now)
        : unchanged(current),
    );
    if (dropped?.changed) await carryOutCalls(inv, dropped);
    return 'settled';
  }
  // A message cannot be looked up: a publish held by another delivery is left to it.
  if (isLeaseHeld(step, now, inv.launchLeaseMs))
    return isPublishStep(step) ? 'held' : adoptWhileHeld(inv, run, step);
  // A claim whose answer is lost may still have landed: released with the rest on failure.
  noteUncalled(inv, run.id, step.jobName);
  const claim = await applyToRun(inv, run.id, (current) =>
    claimLaunch(current, step.jobName, { owner: inv.owner, now, leaseMs: inv.launchLeaseMs }),
  );
  // Stryker disable next-line OptionalChaining: applyToRun answers undefined only for a run that is not stored, and these paths work on a run read from the store, which has no delete
  const claimed = claim?.run.steps[step.jobName];
  if (claimed?.status !== 'INTENDED') return 'settled';
  // Stryker disable next-line OptionalChaining,LogicalOperator: an INTENDED step here has a lease (this claim's, or the holder's that refused it: an unleased intent not held at the check is claimed), and `run` for `claim.run` is the same run (id, chain, nonce: all these read of it)
  if (claimed.lease?.owner !== inv.owner)
    return isPublishStep(claimed) ? 'held' : adoptWhileHeld(inv, claim?.run ?? run, claimed);
  // Stryker disable next-line OptionalChaining,LogicalOperator: claimed is defined, so claim is; `run` for `claim.run` is the same run (id, chain, nonce: all launchHeld reads of it besides the claimed step)
  await launchHeld(inv, claim?.run ?? run, claimed, true);
  return 'launched';
}

/**
 * Makes every launch the run records as intended: those this invocation holds straight away
 * (a fresh intent needs no look-up), any other by taking it over once its lease ran out. With
 * `adoptHeld` (a duplicate or redelivered event, whose first delivery may have died after
 * launching), a job another delivery's lease still covers is adopted at once if it exists.
 */
export async function executeLaunches(inv: Invocation, run: Run, adoptHeld = true): Promise<void> {
  const now = inv.clock.now().toISOString();
  // An ended run launches nothing; its abandoned intents are still looked up and settled.
  const pending = Object.values(run.steps).filter(
    (step) =>
      step.status === 'INTENDED' &&
      (!isParked(step) || step.abandoned === true) &&
      (run.status === 'RUNNING' || step.abandoned === true) &&
      // Another delivery's launch it still holds is in good hands: looking it up from every
      // delivery of a wide Map would cost each one a jobs.list and a write per pending item.
      (adoptHeld || step.lease?.owner === inv.owner || !isLeaseHeld(step, now, inv.launchLeaseMs)),
  );
  await settledAll<unknown>(
    pending.map((step) =>
      step.lease?.owner === inv.owner
        ? // Stryker disable next-line ConditionalExpression: `=> false` is equivalent today: an own lease met here is one leased() just gave (holders 1); an invocation claims (holders > 1) only in takeOverLaunch, which launches that step itself, and with one step in flight per run (no Parallel yet) no later executeLaunches of the same invocation meets it (this also ignores `=> true`, which the fresh launches' tests kill: they see no look-up)
          launchHeld(inv, run, step, step.lease.holders > 1)
        : takeOverLaunch(inv, run, step),
    ),
  );
}
