import { couldBeChainJob } from '../chain/job-name.js';
import { confirmJobEnded } from '../dataflow/confirm.js';
import { onJobEnded, staleReason } from '../engine/job-ended.js';
import { LABEL_KEYS } from '../chain/labels.js';
import { PoisonMessageError } from '../errors.js';
import type { JobEndedSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { HandlerDeps } from './deps.js';
import { executeLaunches } from './launch.js';
import { applyToRun } from './record.js';

function ignore(
  deps: HandlerDeps,
  signal: JobEndedSignal,
  reason: string,
  extra: Record<string, string> = {},
): void {
  deps.logger.write({
    severity: 'INFO',
    event: 'message.ignored',
    message: `ignored ${signal.source} event for job ${signal.jobName} (${signal.jobId}): ${reason}`,
    reason,
    jobName: signal.jobName,
    jobId: signal.jobId,
    ...extra,
  });
}

/** Handles a job reported as ended: confirm with the API, map to its run, advance the run. */
export async function handleJobEnded(deps: HandlerDeps, signal: JobEndedSignal): Promise<void> {
  if (!couldBeChainJob(signal.jobName, deps.chains.prefixes)) {
    ignore(deps, signal, 'not a dfchain job: its name matches no chain job-name prefix');
    return;
  }
  const ref = { projectId: signal.projectId, location: signal.location };
  const ended = await confirmJobEnded(deps.dataflow, ref, signal.jobId, {
    deadlineMs: deps.confirmDeadlineMs,
    minDelayMs: Math.min(100, deps.confirmPollMs),
    maxDelayMs: deps.confirmPollMs,
  });
  const runId = ended.labels[LABEL_KEYS.run];
  if (runId === undefined) {
    ignore(deps, signal, `not a dfchain job: it has no ${LABEL_KEYS.run} label`);
    return;
  }
  const transition = await applyToRun(deps, runId, async (run) =>
    onJobEnded(await definitionFor(deps, run), run, ended, deps.clock.now().toISOString()),
  );
  if (transition === undefined) {
    throw new PoisonMessageError(
      `job ${ended.name} (${ended.id}) is labelled ${LABEL_KEYS.run}=${runId}, but no such run is stored; was it started against another project or database?`,
    );
  }
  if (!transition.changed) {
    ignore(deps, signal, staleReason(transition.run, ended) ?? 'nothing changed', {
      runId,
      chain: transition.run.chain,
    });
  }
  await executeLaunches(
    deps,
    transition.run,
    new Set(transition.effects.map((effect) => effect.step.jobName)),
  );
}
