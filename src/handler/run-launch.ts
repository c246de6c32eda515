import pRetry, { AbortError } from 'p-retry';
import type { ExecutionSummary } from '../cloudrun/execution.js';
import type { CloudRunPort } from '../cloudrun/port.js';
import { findMarked } from '../cloudrun/step-marker.js';
import { ERROR_NAMES } from '../engine/error-names.js';
import { dropAbandonedIntent, onLaunched, onLaunchFailed } from '../engine/launched.js';
import type { Run } from '../engine/run.js';
import type { RunJobStep } from '../engine/step-kind.js';
import type { Transition } from '../engine/transition.js';
import { ConfigError, RunPermanentError, RunQuotaError, RunTransientError } from '../errors.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { LAUNCH_RETRY, keepLease, LeaseLost } from './lease-keep.js';
import { applyToRun } from './record.js';
import { releaseOwn } from './release.js';

/** The Cloud Run port, or a ConfigError naming what is missing. */
export function cloudRunOf(inv: Invocation, where: string): CloudRunPort {
  if (inv.cloudRun === undefined) {
    throw new ConfigError(
      `${where}: no Cloud Run client is configured for run:job Tasks; build the handler's dependencies with createDeps`,
    );
  }
  return inv.cloudRun;
}

/**
 * The execution dfchain started for the step, found by its DFCHAIN_STEP marker among the job's
 * executions (docs/cloud-run.md §4), or undefined when there is none yet.
 */
export async function findOwnExecution(
  inv: Invocation,
  step: RunJobStep,
): Promise<ExecutionSummary | undefined> {
  const port = cloudRunOf(inv, `state ${step.state}`);
  return findMarked(await port.listExecutions(step.request.ref), step.jobName);
}

/**
 * True when a failed call may have started the execution: no answer, or a 5xx (or 408), which
 * Cloud Run may send after the execution was created. Unlike a Dataflow launch, a second
 * `jobs.run` meets no 409 ALREADY_EXISTS, so only a quota refusal (429, checked before anything
 * is created) is called again without a look-up.
 */
function mayStillRun(error: unknown): boolean {
  return error instanceof RunTransientError && !(error instanceof RunQuotaError);
}

/**
 * Starts the execution of a `run:job` step whose lease this invocation holds. `jobs.run` is not
 * idempotent, so every call that may have executed (no answer, a 5xx, a crash of an earlier holder:
 * `lookFirst`) is followed by a look-up of the step's marker before another is made, and a call
 * starts only while the lease has room for it: an execution is started at most once. An
 * abandoned intent is never started: an execution an earlier holder started is adopted (and so
 * cancelled), otherwise the intent is dropped. `next` carries out what a failure records.
 */
export async function runJobHeld(
  inv: Invocation,
  run: Run,
  step: RunJobStep,
  lookFirst: boolean,
  next: (t: Transition) => Promise<void>,
): Promise<void> {
  const port = cloudRunOf(inv, `run ${run.id} state ${step.state}`);
  const now = () => inv.clock.now().toISOString();
  if (step.abandoned) {
    const found = await findOwnExecution(inv, step);
    const settled = await applyToRun(inv, run.id, (current) =>
      found
        ? onLaunched(current, step.jobName, found.name, now(), true)
        : dropAbandonedIntent(current, step.jobName, now()),
    );
    if (settled?.changed) await next(settled);
    return;
  }
  // Stryker disable next-line OptionalChaining,StringLiteral: a held step always has its lease
  const until = { ms: Date.parse(step.lease?.until ?? '') || 0 };
  let mayHaveRun = lookFirst;
  let started: { name: string; adopted: boolean };
  try {
    started = await pRetry(async () => {
      try {
        if (mayHaveRun) {
          const found = await findOwnExecution(inv, step);
          if (found) return { name: found.name, adopted: true };
        }
        await keepLease(inv, run, step, until);
        // Stryker disable next-line OptionalChaining: a held step was noted before its launch
        inv.uncalled.get(run.id)?.delete(step.jobName);
        const execution = await port.runJob(step.request.ref, step.request.body);
        return { name: execution.name, adopted: false };
      } catch (error) {
        mayHaveRun ||= mayStillRun(error);
        throw error instanceof RunTransientError ? error : new AbortError(error as Error);
      }
    }, LAUNCH_RETRY);
  } catch (error) {
    if (error instanceof LeaseLost) return;
    if (error instanceof RunPermanentError) {
      const failed = await applyToRun(inv, run.id, async (current) =>
        onLaunchFailed(
          await definitionFor(inv, current),
          current,
          step.jobName,
          { Error: ERROR_NAMES.runLaunchFailed, Cause: `States.${step.state}: ${error.message}` },
          now(),
        ),
      );
      if (failed?.changed) await next(failed);
      return;
    }
    // No call can have started an execution (each was refused for quota, or never made), so a
    // redelivery need not wait.
    if (!mayHaveRun) await releaseOwn(inv, run.id, [step.jobName]);
    throw error;
  }
  const recorded = await applyToRun(inv, run.id, (current) =>
    onLaunched(current, step.jobName, started.name, now(), started.adopted),
  );
  // A step abandoned while its call was in flight: its execution is cancelled now.
  if (recorded?.changed) await next(recorded);
}
