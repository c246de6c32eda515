import type { RunStatus } from '../engine/run.js';
import type { BackfillCounts } from './backfill-progress.js';
import type { BackfillPlan, BackfillTick } from './backfill-plan.js';

/** What became of one tick's run. */
export interface TickOutcome {
  readonly tick: BackfillTick;
  /** The run's status when last read; undefined for a run not started (or not stored yet). */
  status: RunStatus | undefined;
  /** True when this backfill published its start (false: it had started before). */
  startedNow: boolean;
}

/** The counts of `outcomes`, for the progress bar and the summary. */
export function countOutcomes(outcomes: readonly TickOutcome[]): BackfillCounts {
  const count = (status: RunStatus) => outcomes.filter((o) => o.status === status).length;
  return {
    total: outcomes.length,
    succeeded: count('SUCCEEDED'),
    failed: count('FAILED'),
    cancelled: count('CANCELLED'),
    // A published run not yet in the store runs, as far as the cap is concerned.
    running: outcomes.filter((o) => o.status === 'RUNNING' || (o.startedNow && !o.status)).length,
  };
}

const ids = (outcomes: readonly TickOutcome[], status: RunStatus): string[] =>
  outcomes.filter((o) => o.status === status).map((o) => o.tick.runId);

/** The `--json` summary: the plan, every run's outcome, and whether it was interrupted. */
export function summaryJson(
  plan: BackfillPlan,
  outcomes: readonly TickOutcome[],
  interrupted: boolean,
): Record<string, unknown> {
  const counts = countOutcomes(outcomes);
  return {
    chain: plan.chain,
    cron: plan.cron,
    timeZone: plan.zone,
    concurrency: plan.concurrency,
    ticks: counts.total,
    succeeded: counts.succeeded,
    failed: ids(outcomes, 'FAILED'),
    cancelled: ids(outcomes, 'CANCELLED'),
    running: outcomes.filter((o) => o.status === 'RUNNING').map((o) => o.tick.runId),
    notStarted: outcomes.filter((o) => o.status === undefined && !o.startedNow).length,
    interrupted,
    runs: outcomes.map((o) => ({
      runId: o.tick.runId,
      scheduledTime: o.tick.scheduledTime,
      status: o.status ?? 'NOT_STARTED',
      startedNow: o.startedNow,
    })),
  };
}

/** The text summary: one line of counts, then a line per run that did not succeed. */
export function summaryLines(
  plan: BackfillPlan,
  outcomes: readonly TickOutcome[],
  interrupted: boolean,
): string[] {
  const c = countOutcomes(outcomes);
  const now = outcomes.filter((o) => o.startedNow).length;
  const head = `backfill of ${plan.chain}: ${c.total} ticks of "${plan.cron}" (${plan.zone}): ${c.succeeded} succeeded, ${c.failed} failed, ${c.cancelled} cancelled; ${now} started by this backfill, ${c.total - now} before`;
  const lines = [head];
  for (const id of ids(outcomes, 'FAILED')) lines.push(`  failed: ${id} (dfchain status ${id})`);
  for (const id of ids(outcomes, 'CANCELLED')) lines.push(`  cancelled: ${id}`);
  if (interrupted) {
    const left = outcomes.filter((o) => o.status === undefined && !o.startedNow).length;
    lines.push(
      `  interrupted with ${c.running} runs running and ${left} not started: run the same command again to resume (it starts only the ticks without a run)`,
    );
  }
  return lines;
}
