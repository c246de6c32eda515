import type { State } from '../chain/types.js';
import type { Json, JsonObject } from '../json.js';
import { abortBelow } from './abort.js';
import {
  allEnded,
  failureOf,
  joinedOutputs,
  recordChild,
  resultUsed,
  type Ended,
} from './children.js';
import { contextObject } from './context.js';
import { attemptSeed, unitFromSeed } from './draw.js';
import type { Draft, Entry } from './draft.js';
import { ERROR_NAMES } from './error-names.js';
import { applyResultPath, resolveTemplate, selectPath, type Evaluation } from './io.js';
import { entryKey, placeOf, scoped, timerName } from './names.js';
import { catcherFor, isFatal, retryDecision } from './retry-policy.js';
import type { Frame, RunError } from './run.js';
import type { Transition } from './transition.js';
import { ROOT_SCOPE, tableOf } from './scope.js';
import { StateError } from './state-error.js';
import { runChoice, runFail, runPass, runSucceed } from './states/instant.js';
import { runMap, startItems } from './states/map.js';
import type { Outcome, StateRun } from './states/outcome.js';
import { runParallel } from './states/parallel.js';
import { runTask, taskStepName } from './states/task.js';
import { tokenPlaceholder } from './publish-request.js';
import { waitsForTaskToken } from '../chain/resources.js';
import { runWait } from './states/wait.js';

/** Most states one transition enters: beyond it a Choice loop without Task or Wait is failing the run. */
export const MAX_ENTRIES_PER_TRANSITION = 100_000;

function missingState(d: Draft, scope: string, state: string): RunError {
  return {
    Error: ERROR_NAMES.runtime,
    Cause: `${placeOf(scope, state)}: no such state in chain "${d.fixed.chain}"`,
  };
}

/** What a retry re-entry keeps of the failed attempt. */
interface Again {
  readonly attempt: number;
  readonly retries: Readonly<Record<string, number>>;
}

/** Where the state `frame` stands on is evaluated: its context, random seed and place. */
export function evaluation(d: Draft, scope: string, frame: Frame, state?: State): Evaluation {
  const key = entryKey(scope, frame.state, frame.visit);
  // A waiting Task's Parameters see $$.Task.Token as a placeholder; the token replaces it when
  // the message is published (src/engine/publish-request.ts).
  const token =
    state?.Type === 'Task' && waitsForTaskToken(state.Resource)
      ? tokenPlaceholder(taskStepName(d, state, key, frame.attempt))
      : undefined;
  return {
    context: contextObject(
      d.fixed,
      frame.state,
      frame.enteredTime,
      frame.attempt,
      undefined,
      token,
    ),
    seed: attemptSeed(d.fixed.nonce ?? '', key, frame.attempt),
    place: placeOf(scope, frame.state),
  };
}

/**
 * The state's input after InputPath, and its effective input after Parameters (Task, Pass,
 * Parallel): what the state runs on. Pure, so it can be computed again (a Parallel's branch
 * inputs, when the tick starts a branch a crash kept from being created).
 */
export function effectiveInputOf(
  d: Draft,
  scope: string,
  frame: Frame,
  state: State,
): { stateInput: Json; effective: Json } {
  const at = evaluation(d, scope, frame, state);
  const input = frame.input;
  const stateInput =
    state.Type === 'Fail' ? input : selectPath(input, state.InputPath, at, 'InputPath');
  let effective = stateInput;
  if (
    (state.Type === 'Task' || state.Type === 'Pass' || state.Type === 'Parallel') &&
    state.Parameters
  ) {
    effective = resolveTemplate(state.Parameters as JsonObject, effective, at, 'Parameters');
  }
  return { stateInput, effective };
}

/** The definition of the state `frame` stands on. */
function stateOf(d: Draft, scope: string, frame: Frame): State | undefined {
  return tableOf(d.definition, d.allFrames(), scope, d.part)?.States[frame.state];
}

function run(stateRun: StateRun, effective: Json): Outcome {
  const { state } = stateRun;
  switch (state.Type) {
    case 'Task':
      return runTask({ ...stateRun, state }, effective as JsonObject);
    case 'Pass':
      return runPass({ ...stateRun, state }, effective);
    case 'Choice':
      return runChoice({ ...stateRun, state }, effective);
    case 'Wait':
      return runWait({ ...stateRun, state }, effective);
    case 'Parallel':
      return runParallel({ ...stateRun, state }, effective);
    case 'Map':
      return runMap({ ...stateRun, state }, effective);
    case 'Succeed':
      return runSucceed({ ...stateRun, state }, effective);
    case 'Fail':
      return runFail({ ...stateRun, state });
  }
}

/**
 * The one pipeline every state goes through on entry: InputPath, then Parameters (Task, Pass,
 * Parallel; a Map applies its ItemSelector per item), then the state itself.
 */
function enter(d: Draft, entry: Entry, again?: Again): void {
  const { scope, state: name, input } = entry;
  const old = d.frame(scope);
  const visits = old?.visits ?? {};
  const visit = again ? (old?.visit ?? 0) : (visits[name] ?? 0);
  const parent =
    entry.parent !== undefined
      ? { parent: entry.parent, index: entry.index ?? 0 }
      : old?.parent !== undefined
        ? { parent: old.parent, index: old.index ?? 0 }
        : {};
  const frame: Frame = {
    ...parent,
    state: name,
    input,
    enteredTime: d.now,
    visit,
    visits: again ? visits : { ...visits, [name]: visit + 1 },
    attempt: again?.attempt ?? 0,
    ...(again && Object.keys(again.retries).length > 0 ? { retries: again.retries } : {}),
    wait: 'job',
  };
  d.setFrame(scope, frame);
  const state = stateOf(d, scope, frame);
  if (state === undefined) {
    failRun(d, missingState(d, scope, name));
    return;
  }
  const at = evaluation(d, scope, frame);
  try {
    const { stateInput, effective } = effectiveInputOf(d, scope, frame, state);
    const key = entryKey(scope, name, visit);
    const outcome = run({ d, scope, name, state, frame, key, at, stateInput }, effective);
    if (outcome.kind === 'result') finish(d, scope, outcome.result, outcome.next);
    else if (outcome.kind === 'fail') failScope(d, scope, outcome.error);
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    raise(d, scope, error.error);
  }
}

/**
 * A state produced its result: ResultSelector, ResultPath and OutputPath shape it into the
 * state's output, which goes to `next` (Choice), the state's Next, or ends the scope.
 */
export function finish(d: Draft, scope: string, result: Json, next?: string): void {
  const frame = d.frame(scope);
  if (frame === undefined) return;
  const state = stateOf(d, scope, frame);
  if (state === undefined) {
    failRun(d, missingState(d, scope, frame.state), scope);
    return;
  }
  const at = evaluation(d, scope, frame);
  let output: Json;
  try {
    let shaped = result;
    if ('ResultSelector' in state && state.ResultSelector) {
      shaped = resolveTemplate(state.ResultSelector, shaped, at, 'ResultSelector');
    }
    if ('ResultPath' in state) shaped = applyResultPath(frame.input, shaped, state.ResultPath, at);
    output =
      state.Type === 'Fail' ? shaped : selectPath(shaped, state.OutputPath, at, 'OutputPath');
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    raise(d, scope, error.error);
    return;
  }
  // A Task that waited on a step: its history record keeps what the state made of the result.
  if (frame.wait === 'job' && frame.jobName !== undefined) d.keepOutput(frame.jobName, output);
  const target = next ?? ('Next' in state ? state.Next : undefined);
  if (target === undefined) {
    endScope(d, scope, { output });
    return;
  }
  moveOn(d, scope, frame);
  d.agenda.push({ scope, state: target, input: output });
}

/** The one failure path: the state's Retry, then its Catch, then its scope fails. */
export function raise(d: Draft, scope: string, error: RunError): void {
  const frame = d.frame(scope);
  const state = frame && stateOf(d, scope, frame);
  if (frame === undefined || state === undefined || isFatal(error)) {
    failRun(d, error, scope, frame?.state);
    return;
  }
  abortBelow(d, scope);
  const recoverable = state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map';
  if (!recoverable) {
    failScope(d, scope, error);
    return;
  }
  const key = entryKey(scope, frame.state, frame.visit);
  const seed = attemptSeed(d.fixed.nonce ?? '', key, frame.attempt);
  const used = frame.retries ?? {};
  const decision = retryDecision(state.Retry, error, used, unitFromSeed(`${seed}\njitter`));
  if (decision !== undefined) {
    const { jobName: _job, children: _children, ...rest } = frame;
    const retries = { ...used, [decision.retrier]: (used[decision.retrier] ?? 0) + 1 };
    d.setFrame(scope, { ...rest, wait: 'retry', retries });
    const dueAt = new Date(Date.parse(d.now) + decision.delayMs).toISOString();
    d.addTimer(timerName(d.fixed.nonce ?? '', 'retry', key, frame.attempt), {
      kind: 'retry',
      scope,
      state: frame.state,
      attempt: frame.attempt,
      dueAt,
    });
    d.event({
      event: 'state.retrying',
      state: frame.state,
      ...scoped(scope),
      error,
      dueAt,
      attempt: frame.attempt + 1,
    });
    return;
  }
  const catcher =
    state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map'
      ? catcherFor(state.Catch, error)
      : undefined;
  if (catcher === undefined) {
    failScope(d, scope, error);
    return;
  }
  let output: Json;
  try {
    const resultPath = catcher.ResultPath === undefined ? '$' : catcher.ResultPath;
    output = applyResultPath(
      frame.input,
      { ...error },
      resultPath,
      evaluation(d, scope, frame),
      'Catch.ResultPath',
    );
  } catch (failure) {
    if (!(failure instanceof StateError)) throw failure;
    failScope(d, scope, failure.error);
    return;
  }
  d.event({ event: 'state.caught', state: frame.state, ...scoped(scope), error });
  moveOn(d, scope, frame);
  d.agenda.push({ scope, state: catcher.Next, input: output });
}

/**
 * Marks the state of `scope` as ended ahead of its successor's entry, queued behind whatever
 * the transition queued before: a branch or item start still in the queue must not begin
 * under a Parallel or Map that has already ended.
 */
function moveOn(d: Draft, scope: string, frame: Frame): void {
  const { jobName: _job, children: _children, ...rest } = frame;
  d.setFrame(scope, { ...rest, wait: 'next' });
}

/** Re-enters the state of `scope` for its next attempt, with the same input. */
export function retryNow(d: Draft, scope: string): void {
  const frame = d.frame(scope);
  if (frame === undefined) return;
  enter(
    d,
    { scope, state: frame.state, input: frame.input },
    {
      attempt: frame.attempt + 1,
      retries: frame.retries ?? {},
    },
  );
}

/**
 * Enters the state of `scope` afresh with the input it had (a redrive): attempt 0, no retries
 * used, the same visit (the document's redrive count makes its job and timer names new).
 */
export function reenter(d: Draft, scope: string): void {
  const frame = d.frame(scope);
  if (frame === undefined) return;
  enter(d, { scope, state: frame.state, input: frame.input }, { attempt: 0, retries: {} });
}

/** Fails `scope` with `error`: the run at the top, else the branch or item, reported to its parent. */
function failScope(d: Draft, scope: string, error: RunError): void {
  if (scope === ROOT_SCOPE) failRun(d, error, scope, d.frame(scope)?.state);
  else endScope(d, scope, { error });
}

/** Ends the run as FAILED, stopping every job and timer it still has. */
export function failRun(d: Draft, error: RunError, scope = ROOT_SCOPE, state?: string): void {
  abortBelow(d, d.part?.scope ?? ROOT_SCOPE, true);
  d.dropAllTimers();
  if (d.part !== undefined) {
    // The item's Map fails the run with it when the item reports (no Catch takes it).
    const at = scope === ROOT_SCOPE ? d.part.scope : scope;
    d.end('FAILED', { error, fatal: true, fatalAt: { scope: at, ...(state ? { state } : {}) } });
    return;
  }
  d.end('FAILED', { error });
  d.event({ event: 'run.failed', error, ...(state ? { state } : {}), ...scoped(scope) });
}

/** A scope's last state ended: the run ends at the top; a branch or item reports to its parent. */
function endScope(d: Draft, scope: string, ended: Ended): void {
  if (scope === ROOT_SCOPE) {
    if ('error' in ended) {
      failRun(d, ended.error);
      return;
    }
    d.dropFrame(scope);
    d.end('SUCCEEDED', { output: ended.output });
    d.event({ event: 'run.succeeded', output: ended.output });
    return;
  }
  const frame = d.frame(scope);
  if (frame?.parent === undefined) return;
  abortBelow(d, scope, true);
  if (d.part?.scope === scope) {
    // A Map item's last state ended: its part ends, and reports to the Map's document.
    if ('error' in ended) d.end('FAILED', { error: ended.error });
    else d.end('SUCCEEDED', { output: ended.output });
    return;
  }
  childEnded(d, frame.parent, frame.index ?? 0, ended);
}

/** Branch or item `index` of the Parallel or Map `scope` stands on ended: record it, join when all did. */
function childEnded(d: Draft, scope: string, index: number, ended: Ended): void {
  const frame = d.frame(scope);
  const state = frame && stateOf(d, scope, frame);
  if (frame?.children === undefined || (state?.Type !== 'Parallel' && state?.Type !== 'Map'))
    return;
  const children = recordChild(frame.children, index, ended, resultUsed(state));
  let next: Frame = { ...frame, children };
  d.setFrame(scope, next);
  if ('error' in ended) {
    const error = failureOf(state, children, ended.error);
    if (error !== undefined) {
      raise(d, scope, error);
      return;
    }
  }
  if (state.Type === 'Map') {
    try {
      next = startItems(d, scope, next, state);
    } catch (failure) {
      if (!(failure instanceof StateError)) throw failure;
      raise(d, scope, failure.error);
      return;
    }
  }
  if (next.children && allEnded(next.children)) finish(d, scope, joinedOutputs(next.children));
}

/** Enters every queued state, in order, until none is left or the run has ended. */
export function drain(d: Draft): void {
  let entered = 0;
  for (let i = 0; i < d.agenda.length && d.status === 'RUNNING'; i++) {
    const entry = d.agenda[i]!;
    if (entry.parent !== undefined) {
      // A part's first entry: the item's Map lives in another document.
      const first = entry.scope === d.part?.scope;
      if (!first && d.frame(entry.parent)?.wait !== 'children') continue;
    } else if (entry.scope !== ROOT_SCOPE && d.frame(entry.scope) === undefined) continue;
    if (++entered > MAX_ENTRIES_PER_TRANSITION) {
      failRun(d, {
        Error: ERROR_NAMES.runtime,
        Cause: `${placeOf(entry.scope, entry.state)}: more than ${MAX_ENTRIES_PER_TRANSITION} states were entered without waiting for a job or a timer; a Choice loop needs a Task or a Wait in it`,
      });
      return;
    }
    enter(d, entry);
  }
  d.agenda.length = 0;
}

/**
 * Most bytes of run state (as JSON) dfchain keeps: a Firestore document holds at most 1 MiB
 * (1,048,576 bytes, field names and index entries included), so this leaves room for them.
 */
export const MAX_RUN_STATE_BYTES = 900 * 1024;

/**
 * The transition a draft built. A run whose state outgrew one document fails with
 * `States.DataLimitExceeded` (fatal, as on AWS) instead of a write the store would refuse on
 * every redelivery, which would leave the run RUNNING for ever.
 */
export function settle(d: Draft): Transition {
  const transition = d.result();
  if (d.status !== 'RUNNING') return transition;
  // One serialization per transition, on the run the transition will store anyway.
  const bytes = Buffer.byteLength(JSON.stringify(transition.run));
  if (bytes <= MAX_RUN_STATE_BYTES) return transition;
  failRun(d, {
    Error: ERROR_NAMES.dataLimitExceeded,
    Cause: `the run's state is ${bytes} bytes, more than the ${MAX_RUN_STATE_BYTES} dfchain keeps in one run document; a Map's items and outputs are kept in it, so shrink them (ResultSelector, ResultPath null, ItemSelector) or split the input`,
  });
  return d.result();
}
