import { createHash } from 'node:crypto';
import { runIdOf } from '../engine/part-names.js';
import { onQuotaRefused, quotaWaitsOf } from '../engine/quota.js';
import type { Run, Step } from '../engine/run.js';
import type { DataflowQuotaError } from '../errors.js';
import type { Invocation } from './deps.js';
import { applyToRun } from './record.js';
import { carryOutCalls } from './side-effects.js';

/** First wait when no DFCHAIN_QUOTA_RETRY_SECONDS is configured. */
export const DEFAULT_QUOTA_RETRY_MS = 30_000;
/** Longest wait between two launch calls refused for quota. */
export const QUOTA_RETRY_CAP_MS = 10 * 60_000;

/**
 * The wait before the next launch call after `waits` refusals: doubled each time up to
 * QUOTA_RETRY_CAP_MS, with jitter drawn from the job name so that launches refused together
 * do not come back together, and a replay computes the same wait.
 */
export function quotaDelayMs(baseMs: number, jobName: string, waits: number): number {
  const full = Math.min(QUOTA_RETRY_CAP_MS, baseMs * 2 ** Math.min(waits, 30));
  const digest = createHash('sha256').update(`${jobName}\n${waits}`).digest();
  const fraction = digest.readUInt32BE(0) / 0x1_0000_0000;
  return Math.round(full * (0.5 + fraction / 2));
}

/**
 * Parks a launch Dataflow refused for quota: the step waits for a `launch` timer (delivered by
 * the timer port, or fired by the tick), keeping its slot, and one WARNING line says so per
 * wait. Never a Dataflow.LaunchFailed: a quota refusal created nothing and says "later".
 */
export async function parkForQuota(
  inv: Invocation,
  run: Run,
  step: Step,
  error: DataflowQuotaError,
): Promise<void> {
  const now = inv.clock.now().toISOString();
  const base = inv.quotaRetryMs ?? DEFAULT_QUOTA_RETRY_MS;
  const parked = await applyToRun(inv, run.id, (current) =>
    onQuotaRefused(current, step.jobName, {
      owner: inv.owner,
      now,
      delayMs: quotaDelayMs(base, step.jobName, quotaWaitsOf(current, step.jobName)),
    }),
  );
  const wait = parked?.run.steps[step.jobName]?.quotaWait;
  if (!parked?.changed || wait === undefined) return;
  inv.logger.write({
    severity: 'WARNING',
    event: 'launch.quota_wait',
    message: `run ${runIdOf(run)} state ${step.state}: Dataflow refused the launch of ${step.jobName} for quota (${error.message}); trying again at ${wait.dueAt} (wait ${wait.waits})`,
    runId: runIdOf(run),
    chain: run.chain,
    state: step.state,
    jobName: step.jobName,
    dueAt: wait.dueAt,
    waits: wait.waits,
  });
  await carryOutCalls(inv, parked);
}
