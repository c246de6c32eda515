import type { ChainDefinition } from '../chain/types.js';
import type { ExecutionSummary } from '../cloudrun/execution.js';
import { endStep } from './end-step.js';
import type { Run } from './run.js';
import { runJobError, runJobResult } from '../cloudrun/parameters.js';
import { isRunJobStep } from './step-kind.js';
import { scoped } from './names.js';
import { ROOT_SCOPE } from './scope.js';
import { unchanged, type Transition } from './transition.js';

/** Why a confirmed ended execution leaves the run as it is, or undefined when it advances it. */
export function staleExecutionReason(
  run: Run,
  jobName: string,
  summary: ExecutionSummary,
): string | undefined {
  const step = run.steps[jobName];
  if (step === undefined || !isRunJobStep(step))
    return `step ${jobName} is not in flight in run ${run.id}: its end was already recorded (duplicate event), or it is not a run:job step of this run`;
  if (run.status !== 'RUNNING' && step.abandoned !== true)
    return `run ${run.id} already ${run.status}`;
  if (step.jobId !== undefined && step.jobId !== summary.name)
    return `execution ${summary.name} carries the marker of step ${jobName}, whose execution is ${step.jobId}`;
  return undefined;
}

/**
 * Applies a confirmed ended execution of step `jobName` (its DFCHAIN_STEP marker): success
 * ends the Task with {executionName, job, location, succeededCount, failedCount}; a failed or
 * cancelled execution raises Run.ExecutionFailed or Run.ExecutionCancelled down the failure
 * path. An execution whose start was never recorded (a lost answer) is adopted by its end.
 */
export function onExecutionEnded(
  definition: ChainDefinition,
  run: Run,
  jobName: string,
  summary: ExecutionSummary,
  now: string,
): Transition {
  const step = run.steps[jobName];
  if (step === undefined || staleExecutionReason(run, jobName, summary) !== undefined)
    return unchanged(run);
  const error = runJobError(summary);
  const result = error ? { error } : { output: runJobResult(summary) };
  return endStep(
    definition,
    run,
    step,
    now,
    { jobId: summary.name, jobState: summary.outcome },
    result,
    () => ({
      event: 'job.confirmed',
      state: step.state,
      ...scoped(step.scope ?? ROOT_SCOPE),
      jobName,
      jobId: summary.name,
      jobState: summary.outcome,
      ...(step.launchedAt !== undefined
        ? { durationSeconds: (Date.parse(now) - Date.parse(step.launchedAt)) / 1000 }
        : {}),
    }),
  );
}
