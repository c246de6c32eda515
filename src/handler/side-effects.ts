import pRetry from 'p-retry';
import { runIdOf } from '../engine/part-names.js';
import type { Run, Step } from '../engine/run.js';
import type { Effect, Transition } from '../engine/transition.js';
import { isRetryable } from '../errors.js';
import type { Invocation } from './deps.js';
import { stepRef } from './own-job.js';
import { isRunJobStep } from '../engine/step-kind.js';
import { cloudRunOf } from './run-launch.js';

const CALL_RETRY = { retries: 2, minTimeout: 200, maxTimeout: 1000, randomize: true } as const;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Cancels the job (or Cloud Run execution) of an abandoned step. A failure is logged, not thrown: the run is already
 * committed without it, and the tick cancels any abandoned job it still finds active.
 */
export async function cancelJob(inv: Invocation, run: Run, step: Step): Promise<void> {
  if (step.jobId === undefined) return;
  const jobId = step.jobId;
  try {
    // A run:job step's jobId is its execution's full name.
    const cancel = isRunJobStep(step)
      ? () => cloudRunOf(inv, `run ${runIdOf(run)} state ${step.state}`).cancelExecution(jobId)
      : () => inv.dataflow.cancelJob(stepRef(step), jobId);
    await pRetry(cancel, {
      ...CALL_RETRY,
      shouldRetry: ({ error }) => isRetryable(error),
    });
  } catch (error) {
    inv.logger.write({
      severity: 'WARNING',
      event: 'job.cancel_failed',
      message: `run ${runIdOf(run)}: cancelling ${step.jobName} (${jobId}) failed: ${describe(error)}; the next tick tries again`,
      runId: runIdOf(run),
      chain: run.chain,
      state: step.state,
      jobName: step.jobName,
      jobId,
    });
  }
}

/**
 * Hands a timer to the timer port. A failure is logged, not thrown: the timer is stored with
 * the run, and the tick fires it once due.
 */
export async function scheduleTimer(
  inv: Invocation,
  run: Run,
  name: string,
  dueAt: string,
): Promise<void> {
  try {
    await inv.timers.schedule({ name, runId: run.id, dueAt });
  } catch (error) {
    inv.logger.write({
      severity: 'WARNING',
      event: 'timer.schedule_failed',
      message: `run ${runIdOf(run)}: scheduling timer ${name} (due ${dueAt}) failed: ${describe(error)}; the tick fires it when due`,
      runId: runIdOf(run),
      chain: run.chain,
      timer: name,
    });
  }
}

/**
 * Carries out a transition's cancel and timer effects, then its parts', then its Maps' item
 * reads (launches have their own executor).
 */
export async function carryOutCalls(inv: Invocation, transition: Transition): Promise<void> {
  const run = transition.run;
  const calls = transition.effects.map((effect: Effect) => {
    if (effect.kind === 'cancel') return cancelJob(inv, run, effect.step);
    if (effect.kind === 'timer') return scheduleTimer(inv, run, effect.name, effect.dueAt);
    return Promise.resolve();
  });
  await Promise.all(calls);
  await inv.carryOutParts(inv, transition);
  await inv.carryOutReads(inv, transition);
}

/** Asks again for every timer the run has pending (after a crash, names make it a no-op). */
export async function rescheduleTimers(inv: Invocation, run: Run): Promise<void> {
  await Promise.all(
    Object.entries(run.timers ?? {}).map(([name, timer]) =>
      scheduleTimer(inv, run, name, timer.dueAt),
    ),
  );
}
