import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import { Draft } from './draft.js';
import { ERROR_NAMES } from './error-names.js';
import { drain, effectiveInputOf, evaluation, finish, raise, settle } from './interpreter.js';
import { itemsLimitProblem } from './item-request.js';
import { entryKey, placeOf } from './names.js';
import type { Run, RunError } from './run.js';
import { tableOf } from './scope.js';
import { StateError } from './state-error.js';
import { beginItems } from './states/map.js';
import { unchanged, type ReadItemsEffect, type Transition } from './transition.js';

/** What reading a Map's items gave: the items, or the error the Map raises (its Cause gets the Map's place). */
export type ItemsOutcome = { readonly items: readonly Json[] } | { readonly error: RunError };

/** Which read a result answers: the Map's scope and the read's id. */
export interface ReadRef {
  readonly scope: string;
  readonly id: string;
}

/**
 * A Map's items were read (or could not be): the Map keeps them on its frame and starts them as
 * a Map over its input does, or raises the error (its Retry and Catch apply). Too many items, or
 * too many bytes of them, raise States.ItemReaderFailed. Only the write that moves the Map off
 * wait `items` counts: a result for a read the Map no longer waits for (a duplicate, a read
 * of an earlier attempt or before a redrive, a run that ended) changes nothing.
 */
export function onItemsRead(
  definition: ChainDefinition,
  run: Run,
  read: ReadRef,
  outcome: ItemsOutcome,
  now: string,
): Transition {
  const frame = run.frames?.[read.scope];
  if (run.status !== 'RUNNING' || frame?.wait !== 'items' || frame.reader?.id !== read.id)
    return unchanged(run);
  const d = new Draft(definition, run, now);
  const state = tableOf(definition, d.allFrames(), read.scope, d.part)?.States[frame.state];
  if (state?.Type !== 'Map') return unchanged(run);
  const fail = (error: RunError): Transition => {
    raise(d, read.scope, error);
    drain(d);
    return settle(d);
  };
  const place = `${placeOf(read.scope, frame.state)}.ItemReader`;
  if ('error' in outcome)
    return fail({ Error: outcome.error.Error, Cause: `${place}: ${outcome.error.Cause}` });
  const problem = itemsLimitProblem(frame.reader.request, outcome.items);
  if (problem !== undefined)
    return fail({ Error: ERROR_NAMES.itemReaderFailed, Cause: `${place}: ${problem}` });
  try {
    const { stateInput, effective } = effectiveInputOf(d, read.scope, frame, state);
    const key = entryKey(read.scope, frame.state, frame.visit);
    const at = evaluation(d, read.scope, frame);
    const stateRun = { d, scope: read.scope, name: frame.state, state, frame, key, at, stateInput };
    const begun = beginItems(stateRun, effective, outcome.items, true);
    if (begun.kind === 'result') finish(d, read.scope, begun.result);
  } catch (failure) {
    if (!(failure instanceof StateError)) throw failure;
    raise(d, read.scope, failure.error);
  }
  drain(d);
  return settle(d);
}

/**
 * The reads the running document's Maps wait for, as effects: the tick asks for them again
 * when their first request was lost (a crash after the write that asked for it).
 */
export function pendingReads(run: Run): ReadItemsEffect[] {
  if (run.status !== 'RUNNING') return [];
  return Object.entries(run.frames ?? {}).flatMap(([scope, frame]) =>
    frame.wait === 'items' && frame.reader !== undefined
      ? [{ kind: 'readItems' as const, scope, ...frame.reader }]
      : [],
  );
}
