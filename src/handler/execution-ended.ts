import { confirmExecutionEnded } from '../cloudrun/confirm.js';
import { PART_ENV, RUN_ENV, STEP_ENV } from '../cloudrun/step-marker.js';
import type { ExecutionSummary } from '../cloudrun/execution.js';
import { onExecutionEnded, staleExecutionReason } from '../engine/execution-ended.js';
import { PART_KEY_PATTERN, partDocId } from '../engine/part-names.js';
import { RUN_ID_PATTERN } from '../events/command.js';
import { ExecutionNotFoundError } from '../errors.js';
import type { ExecutionEndedSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';
import { cloudRunOf } from './run-launch.js';

function ignore(inv: Invocation, execution: string, reason: string, extra = {}): void {
  inv.logger.write({
    severity: 'INFO',
    event: 'message.ignored',
    message: `ignored the end of Cloud Run execution ${execution}: ${reason}`,
    reason,
    jobId: execution,
    ...extra,
  });
}

/** The document and step an execution's markers name, or why it is not a dfchain execution. */
export function markedStep(
  summary: ExecutionSummary,
): { readonly docId: string; readonly runId: string; readonly jobName: string } | string {
  const jobName = summary.env[STEP_ENV];
  const runId = summary.env[RUN_ENV];
  const part = summary.env[PART_ENV];
  if (jobName === undefined || runId === undefined)
    return `not started by dfchain: its template has no ${STEP_ENV} and ${RUN_ENV} env`;
  if (!RUN_ID_PATTERN.test(runId)) return `its ${RUN_ENV} ${JSON.stringify(runId)} is no run id`;
  if (part !== undefined && !PART_KEY_PATTERN.test(part))
    return `its ${PART_ENV} ${JSON.stringify(part)} is no part key`;
  return { docId: part === undefined ? runId : partDocId(runId, part), runId, jobName };
}

/** Why a confirmed end changed nothing, with the run and step its markers name (for the log line). */
export interface IgnoredEnd {
  readonly reason: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Records a confirmed ended execution with its step; what was ignored, or undefined once recorded. */
export async function recordExecutionEnd(
  inv: Invocation,
  summary: ExecutionSummary,
): Promise<IgnoredEnd | undefined> {
  const marked = markedStep(summary);
  if (typeof marked === 'string') return { reason: marked, fields: {} };
  // As for a Dataflow job's ignored end: the line names its run, so the run's log shows it.
  const fields = { runId: marked.runId, jobName: marked.jobName };
  const now = inv.clock.now().toISOString();
  const transition = await applyToRun(inv, marked.docId, async (run) =>
    onExecutionEnded(await definitionFor(inv, run), run, marked.jobName, summary, now),
  );
  if (transition === undefined) return { reason: `no run ${marked.docId} is stored`, fields };
  if (!transition.changed) {
    return {
      // Stryker disable next-line StringLiteral: onExecutionEnded leaves a run unchanged only for a stale reason
      reason: staleExecutionReason(transition.run, marked.jobName, summary) ?? 'nothing changed',
      fields: { ...fields, chain: transition.run.chain },
    };
  }
  await carryOut(inv, transition);
  return undefined;
}

/**
 * Handles a Cloud Run execution's completion entry: confirm its end with `executions.get`
 * (the API may lag the log), map it to its run by the markers dfchain put in its env, and
 * advance the run. A foreign, duplicate or stale end is logged and acknowledged.
 */
export async function handleExecutionEnded(
  inv: Invocation,
  signal: ExecutionEndedSignal,
): Promise<void> {
  if (signal.projectId !== inv.projectId) {
    ignore(
      inv,
      signal.executionName,
      `it is in project ${signal.projectId}; this function serves ${inv.projectId}`,
    );
    return;
  }
  const summary = await confirmExecutionEnded(
    cloudRunOf(inv, 'a Cloud Run completion'),
    signal.executionName,
    {
      deadlineMs: inv.confirmDeadlineMs,
      maxDelayMs: inv.confirmPollMs,
    },
  );
  const ignored = await recordExecutionEnd(inv, summary);
  if (ignored !== undefined) ignore(inv, signal.executionName, ignored.reason, ignored.fields);
}

/**
 * The tick's check of a launched `run:job` step whose completion entry may have been lost: an
 * execution that ended is recorded as its entry would have; one still running that the run
 * abandoned is cancelled again. Answers what became of it, as the tick counts.
 */
export async function checkExecution(
  inv: Invocation,
  step: { readonly jobId?: string; readonly abandoned?: true },
): Promise<'advanced' | 'waiting'> {
  if (step.jobId === undefined) return 'waiting';
  const port = cloudRunOf(inv, 'the tick');
  let summary: ExecutionSummary;
  try {
    summary = await port.getExecution(step.jobId);
  } catch (error) {
    // The API may not list a just-started execution yet; the next tick asks again.
    if (error instanceof ExecutionNotFoundError) return 'waiting';
    throw error;
  }
  if (summary.outcome === 'RUNNING') {
    if (step.abandoned) await port.cancelExecution(summary.name);
    return 'waiting';
  }
  return (await recordExecutionEnd(inv, summary)) === undefined ? 'advanced' : 'waiting';
}
