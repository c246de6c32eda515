import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import { abortBelow } from './abort.js';
import { failureOf, type Ended } from './children.js';
import { Draft } from './draft.js';
import { drain, effectiveInputOf, failRun, finish, raise, settle } from './interpreter.js';
import { withItemsUsage } from './job-ended.js';
import { partDocId, spawnStillWanted } from './part-names.js';
import type { MapState, ParallelState } from '../chain/types.js';
import type { Children, Frame, Part, Run, RunError } from './run.js';
import { tableAt, tableOf, type StateTable } from './scope.js';
import { StateError } from './state-error.js';
import { itemSpawner } from './states/map.js';
import { branchSpawner } from './states/parallel.js';
import { unchanged, type SpawnEffect, type Transition } from './transition.js';

// Whether each item processor may read `$$.Execution.Input`, by processor (definitions are
// kept for an instance's life, so each is scanned once).
const readsRunInput = new WeakMap<StateTable, boolean>();

/**
 * True when the states of `table` may read the run's input through the context object: any
 * `$$` reference other than `$$.State…`, `$$.StateMachine…`, `$$.Map…` or `$$.Task…`
 * (so `$$`, `$$.Execution`, `$$.Execution.Input`, `$$['Execution']` all count).
 */
export function mayReadRunInput(table: StateTable): boolean {
  let reads = readsRunInput.get(table);
  if (reads === undefined) {
    reads = /\$\$(?!\.(?:State|StateMachine|Map|Task)\b)/.test(JSON.stringify(table));
    readsRunInput.set(table, reads);
  }
  return reads;
}

/**
 * The document of a Map item: the run's fixed fields (a part's `$$.Execution` is the run's),
 * the item's place, and its first state entered, with the launches and timers that brings.
 * The run's input is copied only into parts whose states may read it (`$$.Execution.Input`):
 * a Map over a large input would otherwise write it again with every item.
 */
export function startPart(
  definition: ChainDefinition,
  parent: Run,
  spawn: SpawnEffect,
  now: string,
): Transition {
  const { part } = spawn;
  const table = tableAt(definition, part.route);
  const run: Run = {
    id: partDocId(part.root, part.key),
    chain: parent.chain,
    definitionHash: parent.definitionHash,
    ...(parent.nonce !== undefined ? { nonce: parent.nonce } : {}),
    projectId: parent.projectId,
    ...(parent.workerServiceAccount ? { workerServiceAccount: parent.workerServiceAccount } : {}),
    input: table !== undefined && mayReadRunInput(table) ? parent.input : {},
    status: 'RUNNING',
    startTime: parent.startTime,
    // The item's $$.Execution is the run's: its tick and how often it was redriven.
    ...(parent.scheduledTime !== undefined ? { scheduledTime: parent.scheduledTime } : {}),
    ...(parent.redriveCount !== undefined ? { redriveCount: parent.redriveCount } : {}),
    steps: {},
    frames: {},
    timers: {},
    part,
  };
  const d = new Draft(definition, run, now);
  d.agenda.push({
    scope: part.scope,
    state: spawn.state,
    input: spawn.input,
    parent: part.parent,
    index: part.index,
  });
  drain(d);
  return settle(d);
}

/** How an ended part reports to its Map: its output, its error, or a fatal error for the run. */
export function endedOf(
  part: Run,
): (Ended & { readonly fatal?: true; readonly at?: Run['fatalAt'] }) | undefined {
  if (part.status === 'SUCCEEDED') return { output: (part.output ?? null) as Json };
  if (part.status !== 'FAILED' || part.error === undefined) return undefined;
  return {
    error: part.error,
    ...(part.fatal ? { fatal: true as const } : {}),
    ...(part.fatalAt !== undefined ? { at: part.fatalAt } : {}),
  };
}

/** The starts of the children (Map items, Parallel branches) of the state `frame` stands on. */
function childSpawner(
  d: Draft,
  scope: string,
  frame: Frame,
  state: MapState | ParallelState,
): (index: number) => SpawnEffect {
  if (state.Type === 'Map') return itemSpawner(d, scope, frame, state);
  return branchSpawner(d, scope, frame, state, effectiveInputOf(d, scope, frame, state).effective);
}

/** The Map (or Parallel) frame and state a part belongs to, while it still waits for the part. */
function mapOf(
  definition: ChainDefinition,
  mapDoc: Run | undefined,
  part: Part,
): { frame: Frame; children: Children; state: MapState | ParallelState } | undefined {
  if (mapDoc === undefined || isOrphan(mapDoc, part)) return undefined;
  const frame = mapDoc.frames?.[part.parent];
  const state =
    frame &&
    tableOf(definition, mapDoc.frames ?? {}, part.parent, mapDoc.part)?.States[frame.state];
  if (frame?.children === undefined || (state?.Type !== 'Map' && state?.Type !== 'Parallel'))
    return undefined;
  return { frame, children: frame.children, state };
}

/** Index of the item that starts when item `index` ends (its lane's next), if any. */
function nextInLane(children: Children, index: number): number | undefined {
  const next = index + (children.maxConcurrency || children.total);
  return next < children.total ? next : undefined;
}

/**
 * The start of the item that follows `part` in its lane, read from the Map's document: none
 * when the part is its lane's last or the Map no longer waits. The caller creates it in the
 * same write that ends the part, so it starts exactly once and a crash cannot lose it.
 */
export function successorOf(
  definition: ChainDefinition,
  mapDoc: Run | undefined,
  part: Part,
): SpawnEffect | undefined {
  const map = mapDoc && mapOf(definition, mapDoc, part);
  const next = map && nextInLane(map.children, part.index);
  if (map === undefined || next === undefined || mapDoc === undefined) return undefined;
  try {
    return childSpawner(
      new Draft(definition, mapDoc, mapDoc.startTime),
      part.parent,
      map.frame,
      map.state,
    )(next);
  } catch (error) {
    // The same input gave the first items; an error now means the Map moved on.
    if (!(error instanceof StateError)) throw error;
    return undefined;
  }
}

/**
 * A Map item's part failed: the Map counts the failure once, then fails (its Retry or Catch
 * apply; the other items are stopped) or, within its tolerance, starts the item's successor.
 * A repeated report changes nothing but asks for that successor again (its create is
 * idempotent), so a crash between the two cannot stall the lane.
 */
export function onItemFailed(
  definition: ChainDefinition,
  run: Run,
  part: Part,
  ended: { readonly error: RunError; readonly fatal?: true; readonly at?: Run['fatalAt'] },
  now: string,
): Transition {
  if (run.status !== 'RUNNING') return unchanged(run);
  const map = mapOf(definition, run, part);
  if (map === undefined) return unchanged(run);
  const { frame, children, state } = map;
  const failedItems = children.failedItems ?? [];
  const spawnNext = (d: Draft): void => {
    const next = nextInLane(children, part.index);
    if (next !== undefined) d.effects.push(childSpawner(d, part.parent, frame, state)(next));
  };
  if (failedItems.includes(part.index)) {
    const d = new Draft(definition, run, now);
    spawnNext(d);
    return { ...unchanged(run), effects: d.result().effects };
  }
  const d = new Draft(definition, run, now);
  if (ended.fatal) {
    failRun(d, ended.error, ended.at?.scope ?? part.scope, ended.at?.state);
    return settle(d);
  }
  const counted: Children = {
    ...children,
    failed: children.failed + 1,
    failedItems: [...failedItems, part.index].sort((a, b) => a - b),
  };
  d.setFrame(part.parent, { ...frame, children: counted });
  const error = failureOf(state, counted, ended.error);
  if (error !== undefined) raise(d, part.parent, error);
  else spawnNext(d);
  drain(d);
  return settle(d);
}

/**
 * Joins the Map `part` belongs to once every item has ended, from the items' parts (read by
 * their group): their outputs in index order, failures as `{Error, Cause}`. Unchanged while
 * an item is missing or running; a failure beyond the tolerance fails the Map instead. Only
 * one compare-and-set joins: any later one finds the Map moved on.
 */
export function onMapJoined(
  definition: ChainDefinition,
  run: Run,
  part: Part,
  parts: readonly Run[],
  now: string,
): Transition {
  if (run.status !== 'RUNNING') return unchanged(run);
  const map = mapOf(definition, run, part);
  if (map === undefined) return unchanged(run);
  const { children, state } = map;
  const byIndex = new Map<number, Run>();
  for (const item of parts) {
    if (item.part?.group === part.group && item.part.parent === part.parent)
      byIndex.set(item.part.index, item);
  }
  const outputs: Json[] = [];
  const failures: {
    readonly error: RunError;
    readonly fatal?: true;
    readonly at?: Run['fatalAt'];
  }[] = [];
  for (let index = 0; index < children.total; index++) {
    const ended = byIndex.get(index) && endedOf(byIndex.get(index)!);
    if (ended === undefined) return unchanged(run);
    if ('error' in ended) {
      failures.push(ended);
      outputs.push({ ...ended.error });
    } else outputs.push(ended.output);
  }
  const d = new Draft(definition, run, now);
  // A fatal failure fails the run, whether or not its report arrived before this join.
  const fatal = failures.find((failure) => failure.fatal);
  if (fatal !== undefined) {
    failRun(d, fatal.error, fatal.at?.scope ?? part.parent, fatal.at?.state);
    return withItemsUsage(settle(d), [...byIndex.values()]);
  }
  // As if the failures had been reported in index order (a report may still be on its way):
  // the first one beyond the tolerance fails the Map, with the count the report would give.
  let error: RunError | undefined;
  for (let i = 0; i < failures.length && error === undefined; i++) {
    error = failureOf(state, { ...children, failed: i + 1 }, failures[i]!.error);
  }
  if (error !== undefined) raise(d, part.parent, error);
  else finish(d, part.parent, outputs);
  drain(d);
  return withItemsUsage(settle(d), [...byIndex.values()]);
}

/** True when the Map no longer waits for this running part (it failed, retried, or ended): it should stop. */
export function isOrphan(mapDoc: Run | undefined, part: Part): boolean {
  return mapDoc?.status !== 'RUNNING' || !spawnStillWanted(mapDoc.frames?.[part.parent], part);
}

/**
 * Stops a part its Map no longer waits for: every job it runs is cancelled and its timers go;
 * it ends CANCELLED and reports nothing.
 */
export function abortPart(definition: ChainDefinition, run: Run, now: string): Transition {
  if (run.status !== 'RUNNING' || run.part === undefined) return unchanged(run);
  const d = new Draft(definition, run, now);
  abortBelow(d, run.part.scope, true);
  d.dropAllTimers();
  d.end('CANCELLED', {});
  return d.result();
}

/** True when a Map of the running `run` waits for items in parts (the tick has parts to check). */
export function waitsOnParts(run: Run): boolean {
  if (run.status !== 'RUNNING') return false;
  return Object.values(run.frames ?? {}).some(
    (frame) => frame.children?.parts === true && frame.wait === 'children',
  );
}

/**
 * The starts of children `indices` of the Map or Parallel `scope` of `mapDoc` (the tick's
 * repair of lost starts).
 */
export function itemSpawns(
  definition: ChainDefinition,
  mapDoc: Run,
  scope: string,
  indices: readonly number[],
): SpawnEffect[] {
  const frame = mapDoc.frames?.[scope];
  const state =
    frame && tableOf(definition, mapDoc.frames ?? {}, scope, mapDoc.part)?.States[frame.state];
  const fans = state?.Type === 'Map' || state?.Type === 'Parallel';
  if (mapDoc.status !== 'RUNNING' || frame?.wait !== 'children' || !fans) return [];
  try {
    const draft = new Draft(definition, mapDoc, mapDoc.startTime);
    const spawn = childSpawner(draft, scope, frame, state);
    return indices.map(spawn);
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    return [];
  }
}
