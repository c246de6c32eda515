import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import { Draft } from './draft.js';
import { ERROR_NAMES } from './error-names.js';
import { endStep } from './end-step.js';
import { settle } from './interpreter.js';
import { entryKey, scoped, timerName } from './names.js';
import type { Run, RunError, Step } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { isPublishStep } from './step-kind.js';
import { tokenProblem } from './token-check.js';
import { unchanged, type Transition } from './transition.js';

/** What a `callback` command reports: the task's output, or its failure. */
export type CallbackOutcome =
  | { readonly status: 'SUCCEEDED'; readonly output: Json }
  | { readonly status: 'FAILED'; readonly error?: string; readonly cause?: string };

/**
 * Records that step `jobName`'s message was published as `messageId`. A plain publish ends the
 * Task with `{messageId}`; a `.waitForTaskToken` one now waits for its callback. A step that
 * moved on meanwhile (its callback came first, it timed out) is left as it is.
 */
export function onPublished(
  definition: ChainDefinition,
  run: Run,
  jobName: string,
  messageId: string,
  now: string,
): Transition {
  const step = run.steps[jobName];
  if (step?.status !== 'INTENDED' || !isPublishStep(step)) return unchanged(run);
  const scope = step.scope ?? ROOT_SCOPE;
  const published = {
    event: 'task.published' as const,
    state: step.state,
    ...scoped(scope),
    jobName,
    messageId,
  };
  if (step.abandoned) {
    // The run stopped waiting while the message was on its way: nothing is left to wait for.
    const { lease: _lease, ...settled } = step;
    const d = new Draft(definition, run, now);
    d.archiveStep({ ...settled, status: 'FAILED', messageId, launchedAt: now, endedAt: now });
    d.event(published);
    return settle(d);
  }
  if (step.request.tokenPlaceholder === undefined) {
    return endStep(
      definition,
      run,
      step,
      now,
      { messageId },
      { output: { messageId } },
      () => published,
    );
  }
  const { lease: _lease, ...settled } = step;
  const launched: Step = { ...settled, status: 'LAUNCHED', messageId, launchedAt: now };
  return {
    run: { ...run, steps: { ...run.steps, [jobName]: launched } },
    changed: true,
    effects: [],
    archived: [],
    events: [{ ...published, runId: run.part?.root ?? run.id, chain: run.chain }],
  };
}

/**
 * Adds the hash of a token about to be handed out for step `jobName`, while `owner` holds the
 * step's launch: the token is valid from before its message can reach anyone.
 */
export function addTokenHash(run: Run, jobName: string, hash: string, owner: string): Transition {
  const step = run.steps[jobName];
  if (step?.status !== 'INTENDED' || step.lease?.owner !== owner) return unchanged(run);
  const hashes = step.tokenHashes ?? [];
  if (hashes.includes(hash)) return unchanged(run);
  const next: Step = { ...step, tokenHashes: [...hashes, hash] };
  return {
    run: { ...run, steps: { ...run.steps, [jobName]: next } },
    changed: true,
    effects: [],
    archived: [],
    events: [],
  };
}

/**
 * Applies a `callback` for the token of `jobName` whose SHA-256 is `hash`: SUCCEEDED ends the
 * Task with the callback's output, FAILED raises its error (`States.TaskFailed` when it names
 * none). A refused token (tokenProblem) changes nothing.
 */
export function onCallback(
  definition: ChainDefinition,
  run: Run,
  jobName: string,
  hash: string,
  outcome: CallbackOutcome,
  now: string,
): Transition {
  const step = run.steps[jobName];
  if (step === undefined || tokenProblem(run, jobName, hash) !== undefined) return unchanged(run);
  const scope = step.scope ?? ROOT_SCOPE;
  const error: RunError | undefined =
    outcome.status === 'FAILED'
      ? { Error: outcome.error ?? ERROR_NAMES.taskFailed, Cause: outcome.cause ?? '' }
      : undefined;
  const result = error
    ? { error }
    : { output: outcome.status === 'SUCCEEDED' ? outcome.output : null };
  return endStep(definition, run, step, now, {}, result, () => ({
    event: 'task.callback',
    state: step.state,
    ...scoped(scope),
    jobName,
    callbackStatus: outcome.status,
    ...(error ? { error } : {}),
  }));
}

/**
 * Applies a `heartbeat` for the token of `jobName`: a Task with HeartbeatSeconds gets a fresh
 * heartbeat timer (numbered by the beats so far, as a timer port refuses a name it has seen),
 * and the one it replaces is dropped. A refused token, or a Task without HeartbeatSeconds,
 * changes nothing.
 */
export function onHeartbeat(
  definition: ChainDefinition,
  run: Run,
  jobName: string,
  hash: string,
  now: string,
): Transition {
  const step = run.steps[jobName];
  if (step === undefined || tokenProblem(run, jobName, hash) !== undefined) return unchanged(run);
  const seconds = step.heartbeatSeconds;
  const scope = step.scope ?? ROOT_SCOPE;
  const d = new Draft(definition, run, now);
  const frame = d.frame(scope);
  if (seconds === undefined || frame?.jobName !== jobName) return unchanged(run);
  for (const [name, timer] of Object.entries(d.allTimers())) {
    const same = timer.scope === scope && timer.state === step.state;
    if (timer.kind === 'heartbeat' && same && timer.attempt === step.attempt) d.dropTimer(name);
  }
  const beats = (step.beats ?? 0) + 1;
  const key = `${entryKey(scope, frame.state, frame.visit)}#beat${beats}`;
  const dueAt = new Date(Date.parse(now) + seconds * 1000).toISOString();
  d.addTimer(timerName(d.fixed.nonce ?? '', 'heartbeat', key, step.attempt), {
    kind: 'heartbeat',
    scope,
    state: step.state,
    attempt: step.attempt,
    dueAt,
  });
  d.setStep({ ...step, beats });
  d.event({ event: 'task.heartbeat', state: step.state, ...scoped(scope), jobName, dueAt });
  return settle(d);
}
