import type { JobRef } from '../dataflow/job.js';
import type { DataflowPort } from '../dataflow/port.js';
import { usageFromMetrics } from './metrics.js';
import type { ResourceUsage } from './usage.js';

/** How long a job's end may wait for its metrics, at most (all tries together). */
export const USAGE_BUDGET_MS = 3000;

/** What became of a read of a job's usage, for the log line that reports a missing one. */
export type UsageRead =
  | { readonly usage: ResourceUsage; readonly metricTime?: string }
  | { readonly usage?: undefined; readonly reason: string };

/** Options of {@link readUsage}. */
export interface ReadUsageOptions {
  /** Longest the read may take, all tries together (default USAGE_BUDGET_MS). */
  readonly budgetMs?: number;
  /** Tries in all, while faults are transient and the budget lasts (default 2). */
  readonly tries?: number;
}

function withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const retryable = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { retryable?: unknown }).retryable === true;

/**
 * Reads an ended job's resource usage from `jobs.getMetrics`, best effort: it never throws and
 * never takes longer than the budget, so a job's end is recorded whatever the metrics API does
 * (with no usage when it fails, is slow, is not allowed, or has no figures yet). A transient
 * fault is tried again while the budget lasts.
 */
export async function readUsage(
  dataflow: DataflowPort,
  ref: JobRef,
  jobId: string,
  options: ReadUsageOptions = {},
): Promise<UsageRead> {
  if (dataflow.getMetrics === undefined) return { reason: 'the Dataflow port reads no metrics' };
  const budgetMs = options.budgetMs ?? USAGE_BUDGET_MS;
  const tries = options.tries ?? 2;
  const started = Date.now();
  let reason = 'no try made';
  for (let attempt = 1; attempt <= tries; attempt++) {
    const left = budgetMs - (Date.now() - started);
    if (left <= 0) break;
    try {
      const metrics = await withinBudget(dataflow.getMetrics(ref, jobId), left);
      const usage = usageFromMetrics(metrics);
      if (usage === undefined) {
        return { reason: 'Dataflow reported no resource metrics for the job (yet)' };
      }
      return { usage, ...(metrics.metricTime ? { metricTime: metrics.metricTime } : {}) };
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      if (!retryable(error)) break;
    }
  }
  return { reason };
}
