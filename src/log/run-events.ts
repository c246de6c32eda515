import { estimateTotals } from '../cost/estimate.js';
import { DEFAULT_PRICE_TABLE, type PriceTable } from '../cost/prices.js';
import { totalUsage } from '../cost/usage.js';
import type { Run } from '../engine/run.js';
import type { RunEvent } from '../engine/transition.js';
import type { LogLine, Severity } from './port.js';

function describe(event: RunEvent): { severity: Severity; message: string } {
  const inScope = event.scope ? ` (${event.scope})` : '';
  const where = event.state ? ` state ${event.state}${inScope}` : '';
  switch (event.event) {
    case 'run.queued':
      return {
        severity: 'NOTICE',
        message: `run ${event.runId} of chain ${event.chain} is queued: its chain's MaxConcurrentRuns runs are running; it begins when one ends`,
      };
    case 'run.redriven':
      return {
        severity: 'NOTICE',
        message: `run ${event.runId} of chain ${event.chain} was redriven (redrive ${event.redriveCount ?? 1}): it resumes from the states that did not succeed`,
      };
    case 'run.started':
      return { severity: 'NOTICE', message: `run ${event.runId} of chain ${event.chain} started` };
    case 'step.intended':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: launching ${event.jobName}`,
      };
    case 'job.launched':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: launched ${event.jobName} (${event.jobId})`,
      };
    case 'job.adopted':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: ${event.jobName} was already launched (${event.jobId}); adopted it`,
      };
    case 'job.confirmed':
      return {
        // A Dataflow job's success, or a Cloud Run execution's.
        severity: ['JOB_STATE_DONE', 'SUCCEEDED'].includes(event.jobState ?? '')
          ? 'INFO'
          : 'WARNING',
        message: `run ${event.runId}${where}: ${event.jobName} (${event.jobId}) ended ${event.jobState}`,
      };
    case 'job.cancelling':
      return {
        severity: 'NOTICE',
        message: `run ${event.runId}${where}: cancelling ${event.jobName} (${event.jobId}): the run no longer waits for it`,
      };
    case 'task.published':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: published ${event.jobName} as message ${event.messageId}`,
      };
    case 'task.callback':
      return {
        severity: event.callbackStatus === 'SUCCEEDED' ? 'INFO' : 'WARNING',
        message: `run ${event.runId}${where}: the workload called back ${event.callbackStatus}${event.error ? ` (${event.error.Error}: ${event.error.Cause})` : ''}`,
      };
    case 'task.heartbeat':
      return {
        severity: 'DEBUG',
        message: `run ${event.runId}${where}: heartbeat of ${event.jobName}; the next is due by ${event.dueAt}`,
      };
    case 'state.retrying':
      return {
        severity: 'WARNING',
        message: `run ${event.runId}${where}: ${event.error?.Error}: ${event.error?.Cause}; retry ${event.attempt} at ${event.dueAt}`,
      };
    case 'state.caught':
      return {
        severity: 'WARNING',
        message: `run ${event.runId}${where}: caught ${event.error?.Error}: ${event.error?.Cause}`,
      };
    case 'state.waiting':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: waiting until ${event.dueAt}`,
      };
    case 'run.cancelled':
      return {
        severity: 'NOTICE',
        message: `run ${event.runId} of chain ${event.chain} cancelled: ${event.error?.Cause}`,
      };
    case 'run.succeeded':
      return {
        severity: 'NOTICE',
        message: `run ${event.runId} of chain ${event.chain} succeeded`,
      };
    case 'run.deadline_missed':
      return {
        severity: 'ALERT',
        message: `run ${event.runId} of chain ${event.chain} missed its deadline (due ${event.dueAt}): it is still running${event.state ? `, in state ${event.state}` : ''}`,
      };
    case 'run.failed':
      return {
        severity: 'ERROR',
        message: `run ${event.runId} of chain ${event.chain} failed${where}: ${event.error?.Error}: ${event.error?.Cause}`,
      };
  }
}

/** The events that end a run: their lines carry its total usage and estimated cost. */
const END_EVENTS: readonly string[] = ['run.succeeded', 'run.failed', 'run.cancelled'];

/**
 * The run's total usage and estimated cost (docs/cost.md) for its end line: `usage` sums every
 * recorded job, `cost` prices each region and FlexRS class at `prices`. None for a run that
 * recorded no usage.
 */
function costFields(run: Run | undefined, prices: PriceTable) {
  if (run?.usage === undefined || Object.keys(run.usage).length === 0) return undefined;
  const cost = estimateTotals(run.usage, prices);
  return { usage: totalUsage(run.usage), cost: { ...cost, currency: prices.currency } };
}

/**
 * The log line for an engine transition. `run` is the document after the transition: a run's
 * end line (run.succeeded, run.failed, run.cancelled) carries its total usage and estimated
 * cost, and its message ends with the estimate.
 */
export function runEventLine(
  event: RunEvent,
  run?: Run,
  prices: PriceTable = DEFAULT_PRICE_TABLE,
): LogLine {
  const line = { ...describe(event), ...event };
  const cost = END_EVENTS.includes(event.event) ? costFields(run, prices) : undefined;
  if (cost === undefined) return line;
  return {
    ...line,
    message: `${line.message} (estimated cost ${cost.cost.usd.toFixed(4)} USD)`,
    ...cost,
  };
}
