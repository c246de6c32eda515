import { couldBeChainJob } from '../chain/job-name.js';
import { LABEL_KEYS } from '../chain/labels.js';
import { readUsage } from '../cost/read-usage.js';
import { confirmJobEnded } from '../dataflow/confirm.js';
import { isTerminalJobState, type EndedJob } from '../dataflow/job.js';
import { ERROR_NAMES } from '../engine/error-names.js';
import { failRunNow } from '../engine/launched.js';
import { PART_KEY_PATTERN, partDocId } from '../engine/part-names.js';
import { onJobEnded, staleReason, type JobUsage } from '../engine/job-ended.js';
import { JobNeverVisibleError, PoisonMessageError, StorePermanentError } from '../errors.js';
import type { JobEndedSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { HandlerDeps, Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';

function ignore(
  inv: Invocation,
  signal: JobEndedSignal,
  reason: string,
  extra: Record<string, string> = {},
): void {
  inv.logger.write({
    severity: 'INFO',
    event: 'message.ignored',
    message: `ignored ${signal.source} event for job ${signal.jobName} (${signal.jobId}): ${reason}`,
    reason,
    jobName: signal.jobName,
    jobId: signal.jobId,
    ...extra,
  });
}

/**
 * The job as Dataflow itself reported it, when the signal is Eventarc's direct event: Eventarc
 * delivers it from Dataflow to the function (no topic publisher can forge its CloudEvent type,
 * and only the trigger's account may invoke the function), so asking the API again would only
 * add a call to the handoff. A log entry carries no state or labels: it is always confirmed.
 */
function reportedByDataflow(signal: JobEndedSignal): EndedJob | undefined {
  const state = signal.reportedState;
  if (signal.source !== 'eventarc' || !isTerminalJobState(state)) return undefined;
  if (signal.reportedLabels === undefined) return undefined;
  return {
    id: signal.jobId,
    name: signal.jobName,
    projectId: signal.projectId,
    location: signal.location,
    currentState: state,
    labels: signal.reportedLabels,
  };
}

async function confirmed(inv: Invocation, signal: JobEndedSignal): Promise<EndedJob | string> {
  const reported = reportedByDataflow(signal);
  if (reported) return reported;
  const ref = { projectId: signal.projectId, location: signal.location };
  try {
    return await confirmJobEnded(inv.dataflow, ref, signal.jobId, {
      deadlineMs: inv.confirmDeadlineMs,
      minDelayMs: Math.min(100, inv.confirmPollMs),
      maxDelayMs: inv.confirmPollMs,
    });
  } catch (error) {
    if (error instanceof JobNeverVisibleError) return error.message;
    throw error;
  }
}

/**
 * What the ended job used, best effort within a bounded time (src/cost/read-usage.ts): a job
 * whose metrics cannot be read is recorded all the same, with no usage, and a line says why.
 */
export async function usageOf(
  inv: Pick<HandlerDeps, 'dataflow' | 'logger'>,
  ended: EndedJob,
): Promise<JobUsage | undefined> {
  // A port that reads no metrics (a test's fake) has nothing to report either.
  if (inv.dataflow.getMetrics === undefined) return undefined;
  const ref = { projectId: ended.projectId, location: ended.location };
  const read = await readUsage(inv.dataflow, ref, ended.id);
  if (read.usage !== undefined) {
    return { ...read.usage, ...(read.metricTime ? { metricTime: read.metricTime } : {}) };
  }
  inv.logger.write({
    severity: 'INFO',
    event: 'job.usage_unknown',
    message: `job ${ended.name} (${ended.id}): no resource usage recorded: ${read.reason}`,
    jobName: ended.name,
    jobId: ended.id,
  });
  return undefined;
}

/** Records a job's end; a run Firestore refuses to store that way fails instead of staying RUNNING. */
async function recordEnd(inv: Invocation, runId: string, ended: EndedJob) {
  const now = () => inv.clock.now().toISOString();
  const usage = await usageOf(inv, ended);
  try {
    return await applyToRun(inv, runId, async (run) =>
      onJobEnded(await definitionFor(inv, run), run, ended, now(), usage),
    );
  } catch (error) {
    if (!(error instanceof StorePermanentError)) throw error;
    const cause = `job ${ended.name} (${ended.id}) ended ${ended.currentState}, but the run could not be stored with its result: ${error.message}`;
    await applyToRun(inv, runId, async (run) =>
      failRunNow(
        await definitionFor(inv, run),
        run,
        { Error: ERROR_NAMES.runtime, Cause: cause },
        now(),
      ),
    );
    throw error;
  }
}

/** Handles a job reported as ended: confirm with the API, map to its run, advance the run. */
export async function handleJobEnded(inv: Invocation, signal: JobEndedSignal): Promise<void> {
  if (signal.projectId !== inv.projectId) {
    ignore(
      inv,
      signal,
      `it is in project ${signal.projectId}; this function serves ${inv.projectId}`,
    );
    return;
  }
  if (!couldBeChainJob(signal.jobName, inv.chains.prefixes)) {
    ignore(inv, signal, 'not a dfchain job: its name matches no chain job-name prefix');
    return;
  }
  const ended = await confirmed(inv, signal);
  if (typeof ended === 'string') {
    ignore(inv, signal, ended);
    return;
  }
  const runId = ended.labels[LABEL_KEYS.run];
  if (runId === undefined || runId === '') {
    ignore(inv, signal, `not a dfchain job: it has no ${LABEL_KEYS.run} label`);
    return;
  }
  const part = ended.labels[LABEL_KEYS.part];
  if (part !== undefined && !PART_KEY_PATTERN.test(part)) {
    ignore(
      inv,
      signal,
      `not a dfchain job: its ${LABEL_KEYS.part} label ${JSON.stringify(part)} is no part key`,
    );
    return;
  }
  // A Map item's job: its step is in the item's part, not in the run's document.
  const docId = part === undefined ? runId : partDocId(runId, part);
  const transition = await recordEnd(inv, docId, ended);
  if (transition === undefined) {
    throw new PoisonMessageError(
      `job ${ended.name} (${ended.id}) is labelled ${LABEL_KEYS.run}=${runId}${part === undefined ? '' : ` ${LABEL_KEYS.part}=${part}`}, but no such run is stored; was it started against another project or database?`,
    );
  }
  if (!transition.changed) {
    // Stryker disable next-line StringLiteral: unreachable fallback: onJobEnded leaves a run unchanged only when staleReason gives a reason (or the step is missing, for which it gives one too)
    ignore(inv, signal, staleReason(transition.run, ended) ?? 'nothing changed', {
      runId,
      chain: transition.run.chain,
    });
  }
  await carryOut(inv, transition);
}
