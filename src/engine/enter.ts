import { jobNameFor } from '../chain/job-name.js';
import { resolveParameters } from '../chain/parameters.js';
import type { ChainDefinition, TaskState } from '../chain/types.js';
import { PathError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { contextObject } from './context.js';
import { labelProblem } from './label-check.js';
import { jobLabels } from './labels.js';
import { launchRequest } from './launch-request.js';
import type { Run, RunError, Step } from './run.js';
import type { RunEvent, Transition } from './transition.js';

/** What a transition did before entering a state: events to log, steps that ended. */
export interface Progress {
  readonly events: readonly RunEvent[];
  readonly archived: readonly Step[];
}

const NOTHING: Progress = { events: [], archived: [] };

/** Ends a run as succeeded with `output`. */
export function succeed(run: Run, output: Json, now: string, so: Progress = NOTHING): Transition {
  const next: Run = { ...run, status: 'SUCCEEDED', endTime: now, output };
  return {
    run: next,
    changed: true,
    effects: [],
    events: [...so.events, { event: 'run.succeeded', runId: run.id, chain: run.chain }],
    archived: so.archived,
  };
}

/** Ends a run as failed with an ASL error. */
export function fail(
  run: Run,
  error: RunError,
  now: string,
  so: Progress = NOTHING,
  state?: string,
): Transition {
  const next: Run = { ...run, status: 'FAILED', endTime: now, error };
  return {
    run: next,
    changed: true,
    effects: [],
    events: [
      ...so.events,
      { event: 'run.failed', runId: run.id, chain: run.chain, error, ...(state ? { state } : {}) },
    ],
    archived: so.archived,
  };
}

function enterTask(
  definition: ChainDefinition,
  run: Run,
  name: string,
  task: TaskState,
  input: Json,
  now: string,
  so: Progress,
): Transition {
  const attempt = 0;
  let resolved;
  try {
    // Parameters came from JSON, so their optional fields are never `undefined` values.
    resolved = resolveParameters(
      task.Parameters as JsonObject,
      input,
      contextObject(run, name, now, attempt),
    );
  } catch (error) {
    // Any evaluation failure ends the run: thrown out of here, it would fail every redelivery
    // of the message and leave the run RUNNING for ever.
    const detail = error instanceof PathError ? error.message : `Parameters: ${String(error)}`;
    const cause = `States.${name}.${detail}`;
    return fail(run, { Error: 'States.Runtime', Cause: cause }, now, so, name);
  }
  const jobName = jobNameFor(task.Parameters.jobName, {
    chain: run.chain,
    runId: run.id,
    state: name,
    attempt,
    nonce: run.nonce ?? '',
  });
  const request = launchRequest(
    definition.Defaults,
    resolved,
    jobName,
    jobLabels(run.id, run.chain, name),
    run.workerServiceAccount,
  );
  // Stryker disable next-line OptionalChaining: launchRequest always returns an environment (it holds the labels)
  const labels = request.launchParameter.environment?.['additionalUserLabels'];
  const problem = labelProblem((labels ?? {}) as Record<string, unknown>);
  if (problem !== undefined) {
    const cause = `States.${name}.Parameters.environment.additionalUserLabels: ${problem}`;
    return fail(run, { Error: 'States.Runtime', Cause: cause }, now, so, name);
  }
  const step: Step = {
    state: name,
    attempt,
    jobName,
    projectId: run.projectId,
    // Validation guarantees a region on the Task or in Defaults.
    // Stryker disable next-line OptionalChaining,StringLiteral: validation (task-checks.ts) requires a Region on the Task or in Defaults, so Defaults exists here and '' never applies
    location: task.Region ?? definition.Defaults?.Region ?? '',
    request,
    status: 'INTENDED',
    intendedAt: now,
  };
  return {
    run: { ...run, steps: { ...run.steps, [jobName]: step } },
    changed: true,
    effects: [{ kind: 'launch', step }],
    events: [
      ...so.events,
      { event: 'step.intended', runId: run.id, chain: run.chain, state: name, jobName },
    ],
    archived: so.archived,
  };
}

/** Enters state `name` with `input`: a Task records a launch intent, Succeed and Fail end the run. */
export function enterState(
  definition: ChainDefinition,
  run: Run,
  name: string,
  input: Json,
  now: string,
  so: Progress = NOTHING,
): Transition {
  const state = definition.States[name];
  if (state === undefined) {
    // Unreachable for validated chains; kept as a run failure rather than a crash loop.
    return fail(
      run,
      { Error: 'States.Runtime', Cause: `state "${name}" does not exist in chain "${run.chain}"` },
      now,
      so,
    );
  }
  switch (state.Type) {
    case 'Task':
      return enterTask(definition, run, name, state, input, now, so);
    case 'Succeed':
      return succeed(run, input, now, so);
    case 'Fail':
      return fail(
        run,
        { Error: state.Error ?? 'States.Fail', Cause: state.Cause ?? '' },
        now,
        so,
        name,
      );
  }
}
