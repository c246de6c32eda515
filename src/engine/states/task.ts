import { jobNameFor } from '../../chain/job-name.js';
import type { Draft } from '../draft.js';
import {
  isPublishResource,
  RUN_JOB_RESOURCE,
  stepPrefix,
  waitsForTaskToken,
} from '../../chain/resources.js';
import { runJobRef } from '../../cloudrun/parameters.js';
import { runJobStepRequest } from '../run-job-request.js';
import type { TaskState } from '../../chain/types.js';
import type { JsonObject } from '../../json.js';
import { ERROR_NAMES } from '../error-names.js';
import { selectPath } from '../io.js';
import { labelProblem } from '../label-check.js';
import { jobLabels } from '../labels.js';
import { taskLaunchRequest } from '../launch-request.js';
import { publishRequest, tokenPlaceholder } from '../publish-request.js';
import { runIdOf } from '../part-names.js';
import { scoped, timerName } from '../names.js';
import type { Step } from '../run.js';
import { StateError } from '../state-error.js';
import { WAITING, type Outcome, type StateRun } from './outcome.js';

/** Seconds from a fixed field or, as AWS reads it, from a path into the state input. */
function seconds(
  run: StateRun<TaskState>,
  fixed: number | undefined,
  path: string | undefined,
  field: string,
): number | undefined {
  if (path === undefined) return fixed;
  const value = selectPath(run.stateInput, path, run.at, field);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.${field}: ${JSON.stringify(path)} must select a positive integer, got ${JSON.stringify(value)}`,
    });
  }
  return value;
}

/** Arms a timer `after` seconds from now for this attempt of the Task. */
function arm(run: StateRun<TaskState>, kind: 'timeout' | 'heartbeat', after: number): void {
  const { d, key, frame } = run;
  d.addTimer(timerName(d.fixed.nonce ?? '', kind, key, frame.attempt), {
    kind,
    scope: run.scope,
    state: run.name,
    attempt: frame.attempt,
    dueAt: new Date(Date.parse(d.now) + after * 1000).toISOString(),
  });
}

/** The Dataflow launch request of the Task, its labels checked against Dataflow's rules. */
function dataflowRequest(run: StateRun<TaskState>, parameters: JsonObject, jobName: string) {
  const { d, state } = run;
  const request = taskLaunchRequest(
    state.Resource,
    d.definition.Defaults,
    parameters,
    jobName,
    jobLabels(d.fixed.id, d.fixed.chain, run.name, d.part?.key),
    d.fixed.workerServiceAccount,
  );
  // Stryker disable next-line OptionalChaining: taskLaunchRequest always returns an environment (it holds the labels)
  const labels = request.launchParameter.environment?.['additionalUserLabels'];
  const problem = labelProblem((labels ?? {}) as Record<string, unknown>);
  if (problem !== undefined) {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.Parameters.environment.additionalUserLabels: ${problem}`,
    });
  }
  return request;
}

/** The publish request of a `pubsub:publish…` Task; its topic must resolve to a string. */
function publishStepRequest(run: StateRun<TaskState>, parameters: JsonObject, jobName: string) {
  const { d, state } = run;
  const topic = parameters['topic'];
  if (typeof topic !== 'string' || topic === '') {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.Parameters.topic: must resolve to a topic name, got ${JSON.stringify(topic)}`,
    });
  }
  const ids = { runId: runIdOf(d.run), state: run.name, step: jobName };
  const placeholder = waitsForTaskToken(state.Resource) ? tokenPlaceholder(jobName) : undefined;
  return publishRequest(parameters, d.fixed.projectId, ids, placeholder);
}

/** The deterministic name of one attempt of a Task: its job's name, or its message's step name. */
export function taskStepName(d: Draft, state: TaskState, key: string, attempt: number): string {
  return jobNameFor(stepPrefix(state.Resource, state.Parameters.jobName), {
    chain: d.fixed.chain,
    runId: d.fixed.id,
    state: key,
    attempt,
    nonce: d.fixed.nonce ?? '',
  });
}

/** The `jobs.run` request of a `run:job` Task; its job must resolve to a Cloud Run job. */
function runJobTaskRequest(run: StateRun<TaskState>, parameters: JsonObject, jobName: string) {
  const { d, state } = run;
  const job = parameters['job'];
  const region = state.Region ?? d.definition.Defaults?.Region;
  const ref =
    typeof job === 'string'
      ? runJobRef(job, d.fixed.projectId, region)
      : `job ${JSON.stringify(job)} is not a string`;
  if (typeof ref === 'string') {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.Parameters.job: ${ref}`,
    });
  }
  const marker = {
    step: jobName,
    run: runIdOf(d.run),
    chain: d.fixed.chain,
    ...(d.part ? { part: d.part.key } : {}),
  };
  return runJobStepRequest(parameters, ref, marker);
}

/** The request a Task's resource makes, and where it runs. */
function taskRequest(run: StateRun<TaskState>, parameters: JsonObject, jobName: string) {
  const { d, state } = run;
  if (isPublishResource(state.Resource))
    return { request: publishStepRequest(run, parameters, jobName), location: 'global' };
  if (state.Resource === RUN_JOB_RESOURCE) {
    const request = runJobTaskRequest(run, parameters, jobName);
    return { request, location: request.ref.location };
  }
  // Stryker disable next-line OptionalChaining,StringLiteral: validation (task-checks.ts) requires a Region on a Dataflow Task or in Defaults, so '' never applies
  const location = state.Region ?? d.definition.Defaults?.Region ?? '';
  return { request: dataflowRequest(run, parameters, jobName), location };
}

/**
 * A Task records the intent to launch its job, or to publish its message (executed after the
 * run is committed), and waits for the job's end or the callback; with a timeout, a timer that
 * cancels the job and raises States.Timeout. A plain publish ends when its message is published.
 * `parameters` are the Task's resolved Parameters.
 */
export function runTask(run: StateRun<TaskState>, parameters: JsonObject): Outcome {
  const { d, state, frame, key } = run;
  const attempt = frame.attempt;
  const jobName = taskStepName(d, state, key, attempt);
  const { request, location } = taskRequest(run, parameters, jobName);
  const { state: t } = run;
  const timeout = seconds(run, t.TimeoutSeconds, t.TimeoutSecondsPath, 'TimeoutSecondsPath');
  const heartbeat = seconds(
    run,
    t.HeartbeatSeconds,
    t.HeartbeatSecondsPath,
    'HeartbeatSecondsPath',
  );
  const waits = waitsForTaskToken(state.Resource);
  const step: Step = {
    state: run.name,
    ...(run.scope === '' ? {} : { scope: run.scope }),
    attempt,
    jobName,
    projectId: d.fixed.projectId,
    location,
    request,
    status: 'INTENDED',
    intendedAt: d.now,
    ...(waits && heartbeat !== undefined ? { heartbeatSeconds: heartbeat } : {}),
  };
  d.setStep(step);
  d.effects.push({ kind: 'launch', step });
  d.setFrame(run.scope, { ...frame, wait: 'job', jobName });
  d.event({
    event: 'step.intended',
    state: run.name,
    ...scoped(run.scope),
    jobName,
    ...(attempt > 0 ? { attempt } : {}),
  });
  if (timeout !== undefined) arm(run, 'timeout', timeout);
  // A Dataflow job sends no heartbeats, so nothing re-arms its timer: past HeartbeatSeconds the
  // state fails with States.HeartbeatTimeout, as the specification says for a silent task. A
  // waiting Task's heartbeat command re-arms it (src/engine/callback.ts).
  if (heartbeat !== undefined) arm(run, 'heartbeat', heartbeat);
  return WAITING;
}
