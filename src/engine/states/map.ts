import type { MapState } from '../../chain/types.js';
import { mapProcessor } from '../../chain/types.js';
import type { ItemReader } from '../../chain/item-reader.js';
import type { Json } from '../../json.js';
import { contextObject } from '../context.js';
import { attemptSeed } from '../draw.js';
import type { Draft } from '../draft.js';
import { ERROR_NAMES } from '../error-names.js';
import { resolveTemplate, selectPath, type Evaluation } from '../io.js';
import { readId, readRequestOf } from '../item-request.js';
import { entryKey, placeOf } from '../names.js';
import { groupOf, itemScopeOf, partKey } from '../part-names.js';
import { routeOf } from '../route.js';
import type { Children, Frame } from '../run.js';
import { StateError } from '../state-error.js';
import type { SpawnEffect } from '../transition.js';
import { WAITING, type Outcome, type StateRun } from './outcome.js';

function count(
  run: StateRun<MapState>,
  effective: Json,
  value: number | undefined,
  path: string | undefined,
  field: string,
): number | undefined {
  if (path === undefined) return value;
  const found = selectPath(effective, path, run.at, field);
  if (typeof found !== 'number' || !Number.isFinite(found) || found < 0) {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.${field}: ${JSON.stringify(path)} must select a non-negative number, got ${JSON.stringify(found)}`,
    });
  }
  return found;
}

/**
 * The start of each item of the Map `frame` stands on: its input is its value, or the
 * ItemSelector evaluated with `$$.Map.Item`. An item runs in a document of its own (a part):
 * its start is an effect, carried out once the Map's document holds the item as started.
 */
export function itemSpawner(
  d: Draft,
  scope: string,
  frame: Frame,
  state: MapState,
): (index: number) => SpawnEffect {
  const key = entryKey(scope, frame.state, frame.visit);
  const place = placeOf(scope, frame.state);
  // Nothing of the items is stored beyond the state's input: InputPath and ItemsPath are pure
  // paths, so reading them again gives the very array the Map began with.
  const whole: Evaluation = {
    context: contextObject(d.fixed, frame.state, frame.enteredTime, frame.attempt),
    seed: '',
    place,
  };
  const effectiveInput = selectPath(frame.input, state.InputPath, whole, 'InputPath');
  // An ItemReader's items were read once and kept: Cloud Storage may have changed since.
  const items =
    frame.children?.items ??
    (selectPath(effectiveInput, state.ItemsPath, whole, 'ItemsPath') as Json[]);
  const selector = state.ItemSelector ?? state.Parameters;
  const route = routeOf(d, scope);
  const group = groupOf(d.docId, scope, frame);
  const total = frame.children?.total ?? items.length;
  const width = frame.children?.maxConcurrency || total;
  return (index) => {
    const value = items[index] ?? null;
    let input = value;
    if (selector !== undefined) {
      const at: Evaluation = {
        context: contextObject(d.fixed, frame.state, frame.enteredTime, frame.attempt, {
          index,
          value,
        }),
        seed: attemptSeed(d.fixed.nonce ?? '', `${key}[${index}]`, frame.attempt),
        place,
      };
      const field = state.ItemSelector !== undefined ? 'ItemSelector' : 'Parameters';
      input = resolveTemplate(selector, effectiveInput, at, field);
    }
    const itemScope = itemScopeOf(scope, frame, index);
    return {
      kind: 'spawn',
      part: {
        root: d.fixed.id,
        key: partKey(itemScope),
        scope: itemScope,
        parent: scope,
        parentDoc: d.docId,
        index,
        group,
        ...(index + width >= total ? { last: true as const } : {}),
        route: [...route, { state: frame.state, index }],
      },
      state: mapProcessor(state).StartAt,
      input,
    };
  };
}

/**
 * Starts the first MaxConcurrency items, one per lane; item k + MaxConcurrency starts when
 * item k ends (src/engine/part.ts successorOf, or onItemFailed for a tolerated failure).
 */
export function startItems(d: Draft, scope: string, frame: Frame, state: MapState): Frame {
  const children = frame.children;
  if (children === undefined) return frame;
  const limit = children.maxConcurrency ? children.maxConcurrency : Infinity;
  let { started, running } = children;
  if (running >= limit || started >= children.total) {
    d.setFrame(scope, frame);
    return frame;
  }
  const spawn = itemSpawner(d, scope, frame, state);
  while (running < limit && started < children.total) {
    d.effects.push(spawn(started));
    started++;
    running++;
  }
  const next: Frame = { ...frame, children: { ...children, started, running } };
  d.setFrame(scope, next);
  return next;
}

/** Map: runs its item processor once per item of ItemsPath (or of its ItemReader), at most MaxConcurrency at once. */
export function runMap(run: StateRun<MapState>, effective: Json): Outcome {
  const { state } = run;
  if (state.ItemReader !== undefined) return requestItems(run, effective, state.ItemReader);
  const items = selectPath(effective, state.ItemsPath, run.at, 'ItemsPath');
  if (!Array.isArray(items)) {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.ItemsPath: ${JSON.stringify(state.ItemsPath ?? '$')} must select an array, got ${JSON.stringify(items)?.slice(0, 100)}`,
    });
  }
  return beginItems(run, effective, items, false);
}

/**
 * A Map with an ItemReader waits for its items (wait `items`): the engine reads no storage, so
 * the read is an effect, and its result comes back through onItemsRead (src/engine/items-read.ts).
 */
function requestItems(run: StateRun<MapState>, effective: Json, reader: ItemReader): Outcome {
  const request = readRequestOf(reader, effective, run.at);
  const id = readId(run.d.fixed.nonce ?? '', run.key, run.frame.attempt);
  run.d.setFrame(run.scope, { ...run.frame, wait: 'items', reader: { id, request } });
  run.d.effects.push({ kind: 'readItems', scope: run.scope, id, request });
  return WAITING;
}

/**
 * Starts the Map's `items` (its limits read from the effective input); `keep`: the items are
 * stored on the frame (an ItemReader's), else read again from the input when needed.
 */
export function beginItems(
  run: StateRun<MapState>,
  effective: Json,
  items: readonly Json[],
  keep: boolean,
): Outcome {
  const { state } = run;
  if (items.length === 0) return { kind: 'result', result: [] };
  const max = count(
    run,
    effective,
    state.MaxConcurrency,
    state.MaxConcurrencyPath,
    'MaxConcurrencyPath',
  );
  const tCount = count(
    run,
    effective,
    state.ToleratedFailureCount,
    state.ToleratedFailureCountPath,
    'ToleratedFailureCountPath',
  );
  const tPct = count(
    run,
    effective,
    state.ToleratedFailurePercentage,
    state.ToleratedFailurePercentagePath,
    'ToleratedFailurePercentagePath',
  );
  const children: Children = {
    total: items.length,
    started: 0,
    running: 0,
    failed: 0,
    outputs: {},
    parts: true,
    ...(max ? { maxConcurrency: max } : {}),
    ...(tCount !== undefined ? { toleratedCount: tCount } : {}),
    ...(tPct !== undefined ? { toleratedPercentage: tPct } : {}),
    ...(keep ? { items } : {}),
  };
  const { reader: _reader, ...frame } = run.frame;
  startItems(run.d, run.scope, { ...frame, wait: 'children', children }, state);
  return WAITING;
}
