import type { ChainDefinition } from '../chain/types.js';
import { addToTotals, isFlexRS, mergeTotals, usageKey, type ResourceUsage } from '../cost/usage.js';
import type { EndedJob } from '../dataflow/job.js';
import type { JsonObject } from '../json.js';
import { Draft } from './draft.js';
import { ERROR_NAMES } from './error-names.js';
import { notOwnJobReason } from './identity.js';
import { drain, finish, raise, settle } from './interpreter.js';
import { dropStateTimers } from './timers.js';
import { scoped } from './names.js';
import type { Frame, Run, RunError, Step } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { isPublishStep, jobEnvironment } from './step-kind.js';
import { unchanged, type Transition } from './transition.js';

/** The ASL error a non-successful terminal state raises. */
export function jobError(job: EndedJob): RunError {
  const cause = `Dataflow job ${job.name} (${job.id}) in ${job.location} ended ${job.currentState}`;
  return job.currentState === 'JOB_STATE_FAILED'
    ? { Error: ERROR_NAMES.jobFailed, Cause: cause }
    : { Error: ERROR_NAMES.jobCancelled, Cause: cause };
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
  const step = run.steps[job.name];
  // An ended run still records the end of a job it abandoned, so the step leaves flight.
  if (run.status !== 'RUNNING' && step?.abandoned !== true)
    return `run ${run.id} already ${run.status}`;
  if (step === undefined) {
    return `job ${job.name} is not in flight in run ${run.id}: its end was already recorded (duplicate event), or it is not a step of this run`;
  }
  if (isPublishStep(step))
    return `${job.name} is a Pub/Sub step of run ${run.id}, not a Dataflow job`;
  const foreign = notOwnJobReason(run, step, job);
  return foreign === undefined
    ? undefined
    : `job ${job.name} (${job.id}) is not the job of step ${step.state} of run ${run.id}: ${foreign}`;
}

/** The frame of a step's scope; a run stored before scopes waits on its one step at the top. */
function frameOf(d: Draft, step: Step): Frame | undefined {
  const scope = step.scope ?? ROOT_SCOPE;
  if (!d.legacy) return d.frame(scope);
  const legacy: Frame = {
    state: step.state,
    input: {},
    enteredTime: step.intendedAt,
    visit: 0,
    attempt: step.attempt,
    wait: 'job',
    jobName: step.jobName,
  };
  d.setFrame(scope, legacy);
  return legacy;
}

/** What an ended job used, as its end is recorded: `metricTime` says as of when. */
export type JobUsage = ResourceUsage & { readonly metricTime?: string };

/** The transition with the job's usage added to its document's running total. */
function withUsage(transition: Transition, step: Step, usage: JobUsage | undefined): Transition {
  if (usage === undefined) return transition;
  const { metricTime: _at, ...figures } = usage;
  const key = usageKey(step.location, isFlexRS(jobEnvironment(step)));
  const run = { ...transition.run, usage: addToTotals(transition.run.usage, key, figures) };
  return { ...transition, run };
}

/**
 * A Map's join with its items' running totals added to the joining document's: each item's part
 * keeps the total of its own jobs (and of its own Maps' items), so the run's total, and its end
 * line, count every job of the run once.
 */
export function withItemsUsage(transition: Transition, items: readonly Run[]): Transition {
  if (!transition.changed || items.every((item) => item.usage === undefined)) return transition;
  const usage = items.reduce((sum, item) => mergeTotals(sum, item.usage), transition.run.usage);
  return { ...transition, run: { ...transition.run, usage } };
}

/**
 * Applies a confirmed terminal job to its run: the Task's result goes on through the pipeline
 * (ResultSelector, ResultPath, OutputPath, Next), any other terminal state raises its error
 * down the failure path (Retry, Catch, fail the scope). Duplicates and stale events change
 * nothing; the end of a job the run abandoned is recorded and nothing more. `usage` (read by
 * the caller from jobs.getMetrics, when it could) is stored on the step and added to the
 * document's running total, so a run's end line can carry the total.
 */
export function onJobEnded(
  definition: ChainDefinition,
  run: Run,
  job: EndedJob,
  now: string,
  usage?: JobUsage,
): Transition {
  const step = run.steps[job.name];
  // Stryker disable next-line ConditionalExpression: `step === undefined` => false is equivalent, staleReason also answers for a missing step
  if (step === undefined || staleReason(run, job) !== undefined) return unchanged(run);
  const succeeded = job.currentState === 'JOB_STATE_DONE';
  const error = succeeded ? undefined : jobError(job);
  const { lease: _lease, ...settled } = step;
  const d = new Draft(definition, run, now);
  d.archiveStep({
    ...settled,
    status: succeeded ? 'SUCCEEDED' : 'FAILED',
    jobId: job.id,
    launchedAt: step.launchedAt ?? now,
    endedAt: now,
    jobState: job.currentState,
    ...(error ? { error } : {}),
    ...(usage ? { usage } : {}),
  });
  const scope = step.scope ?? ROOT_SCOPE;
  d.event({
    event: 'job.confirmed',
    state: step.state,
    ...scoped(scope),
    jobName: job.name,
    jobId: job.id,
    jobState: job.currentState,
    // The step-duration metric's value (docs/observability.md): launch recorded to end confirmed.
    ...(step.launchedAt !== undefined
      ? { durationSeconds: (Date.parse(now) - Date.parse(step.launchedAt)) / 1000 }
      : {}),
  });
  const frame = step.abandoned ? undefined : frameOf(d, step);
  if (frame?.wait !== 'job' || frame.jobName !== step.jobName) {
    return withUsage(settle(d), step, usage);
  }
  dropStateTimers(d, scope, frame);
  if (error) raise(d, scope, error);
  else finish(d, scope, taskResult(job));
  drain(d);
  return withUsage(settle(d), step, usage);
}
