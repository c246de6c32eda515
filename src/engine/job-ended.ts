import type { ChainDefinition } from '../chain/types.js';
import type { EndedJob } from '../dataflow/job.js';
import type { JsonObject } from '../json.js';
import { enterState, fail, succeed } from './enter.js';
import { notOwnJobReason } from './identity.js';
import type { Run, RunError, Step } from './run.js';
import { unchanged, withoutStep, type RunEvent, type Transition } from './transition.js';

/** The ASL error a non-successful terminal state raises. */
export function jobError(job: EndedJob): RunError {
  const cause = `Dataflow job ${job.name} (${job.id}) in ${job.location} ended ${job.currentState}`;
  return job.currentState === 'JOB_STATE_FAILED'
    ? { Error: 'Dataflow.JobFailed', Cause: cause }
    : { Error: 'Dataflow.JobCancelled', Cause: cause };
}

/** The Task's result, the output the next state receives as `$`. */
export function taskResult(job: EndedJob): JsonObject {
  return {
    jobId: job.id,
    jobName: job.name,
    currentState: job.currentState,
    location: job.location,
    projectId: job.projectId,
  };
}

/** Why a confirmed job leaves the run as it is, or undefined when it advances the run. */
export function staleReason(run: Run, job: EndedJob): string | undefined {
  if (run.status !== 'RUNNING') return `run ${run.id} already ${run.status}`;
  const step = run.steps[job.name];
  if (step === undefined) {
    return `job ${job.name} is not in flight in run ${run.id}: its end was already recorded (duplicate event), or it is not a step of this run`;
  }
  const foreign = notOwnJobReason(run, step, job);
  return foreign === undefined
    ? undefined
    : `job ${job.name} (${job.id}) is not the job of step ${step.state} of run ${run.id}: ${foreign}`;
}

/**
 * Applies a confirmed terminal job to its run: success moves to the Task's `Next` (or ends the run),
 * any other terminal state fails the run. Duplicates and stale events change nothing.
 */
export function onJobEnded(
  definition: ChainDefinition,
  run: Run,
  job: EndedJob,
  now: string,
): Transition {
  const step = run.steps[job.name];
  // Stryker disable next-line ConditionalExpression: `step === undefined` => false is equivalent, staleReason also answers for a missing step (the test narrows the type); this also ignores the line's other ConditionalExpression mutants
  if (step === undefined || staleReason(run, job) !== undefined) return unchanged(run);
  const succeeded = job.currentState === 'JOB_STATE_DONE';
  const error = succeeded ? undefined : jobError(job);
  const { lease: _lease, ...settled } = step;
  const ended: Step = {
    ...settled,
    status: succeeded ? 'SUCCEEDED' : 'FAILED',
    jobId: job.id,
    launchedAt: step.launchedAt ?? now,
    endedAt: now,
    jobState: job.currentState,
    ...(error ? { error } : {}),
  };
  const next = withoutStep(run, job.name);
  const events: RunEvent[] = [
    {
      event: 'job.confirmed',
      runId: run.id,
      chain: run.chain,
      state: step.state,
      jobName: job.name,
      jobId: job.id,
      jobState: job.currentState,
    },
  ];
  const so = { events, archived: [ended] };
  if (error) return fail(next, error, now, so, step.state);
  const task = definition.States[step.state];
  const result = taskResult(job);
  if (task?.Type === 'Task' && task.Next !== undefined) {
    return enterState(definition, next, task.Next, result, now, so);
  }
  return succeed(next, result, now, so);
}
