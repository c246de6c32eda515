import { isTerminalJobState } from '../dataflow/job.js';
import { onJobEnded } from '../engine/job-ended.js';
import type { Run } from '../engine/run.js';
import { isRetryable } from '../errors.js';
import { definitionFor } from './definition.js';
import type { HandlerDeps } from './deps.js';
import { executeLaunches } from './launch.js';
import { applyToRun } from './record.js';

async function reconcileRun(deps: HandlerDeps, run: Run): Promise<void> {
  for (const step of Object.values(run.steps)) {
    if (step.status !== 'LAUNCHED' || step.jobId === undefined) continue;
    // One look per launched job, no waiting: a job still running is simply checked next tick.
    // A plain JobRef, not the step: the googleapis adapter sends every field as a query parameter.
    const ref = { projectId: step.projectId, location: step.location };
    const job = await deps.dataflow.getJob(ref, step.jobId);
    if (!isTerminalJobState(job.currentState)) continue;
    const ended = { ...job, currentState: job.currentState };
    await applyToRun(deps, run.id, async (current) =>
      onJobEnded(
        await definitionFor(deps, current),
        current,
        ended,
        deps.clock.now().toISOString(),
      ),
    );
  }
  const latest = await deps.store.get(run.id);
  if (latest) await executeLaunches(deps, latest, new Set());
}

/**
 * Handles `tick`: for every running run, applies job ends whose events never came and completes
 * launches recorded as intended but never made. Costs one Dataflow call per launched job.
 */
export async function handleTick(deps: HandlerDeps): Promise<void> {
  const runs = await deps.store.listRunning();
  const failures: unknown[] = [];
  for (const run of runs) {
    try {
      await reconcileRun(deps, run);
    } catch (error) {
      // One broken run must not starve the others; transient failures fail the tick afterwards.
      failures.push(error);
      deps.logger.write({
        severity: 'WARNING',
        event: 'tick.failed',
        message: `tick: reconciling run ${run.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        runId: run.id,
        chain: run.chain,
      });
    }
  }
  deps.logger.write({
    severity: 'INFO',
    event: 'tick.done',
    message: `tick: reconciled ${runs.length} running run(s)`,
  });
  const retryable = failures.find(isRetryable);
  // Caught errors are rethrown as they came; only their retryability decided to keep them.
  if (retryable !== undefined) throw retryable as Error;
}
