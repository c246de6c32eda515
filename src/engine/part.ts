import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import { abortBelow } from './abort.js';
import { markEnded, runningItems, type Ended } from './children.js';
import { Draft } from './draft.js';
import { childEnded, drain, failRun, settle } from './interpreter.js';
import { partDocId, spawnStillWanted } from './part-names.js';
import type { Part, Run } from './run.js';
import { tableAt, tableOf, type StateTable } from './scope.js';
import { StateError } from './state-error.js';
import { itemSpawner } from './states/map.js';
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
export function endedOf(part: Run): (Ended & { readonly fatal?: true }) | undefined {
  if (part.status === 'SUCCEEDED') return { output: (part.output ?? null) as Json };
  if (part.status !== 'FAILED' || part.error === undefined) return undefined;
  return { error: part.error, ...(part.fatal ? { fatal: true as const } : {}) };
}

/**
 * A Map item's part ended: the Map's document counts it once (a repeated or stale report
 * changes nothing), starts the next item, and joins when every item has ended.
 */
export function onItemEnded(
  definition: ChainDefinition,
  run: Run,
  part: Part,
  ended: Ended & { readonly fatal?: true },
  now: string,
): Transition {
  if (run.status !== 'RUNNING') return unchanged(run);
  const frame = run.frames?.[part.parent];
  if (frame?.children === undefined || !spawnStillWanted(frame, part)) return unchanged(run);
  const d = new Draft(definition, run, now);
  if (ended.fatal && 'error' in ended) {
    failRun(d, ended.error, part.scope);
  } else {
    d.setFrame(part.parent, { ...frame, children: markEnded(frame.children, part.index) });
    childEnded(d, part.parent, part.index, ended);
  }
  drain(d);
  return settle(d);
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
 * The start of every item `run`'s Maps hold as running, computed again exactly as when they
 * were spawned: the tick creates any part a crash kept from being written.
 */
export function pendingSpawns(definition: ChainDefinition, run: Run): SpawnEffect[] {
  if (!waitsOnParts(run)) return [];
  const d = new Draft(definition, run, run.startTime);
  const spawns: SpawnEffect[] = [];
  for (const [scope, frame] of Object.entries(run.frames ?? {})) {
    if (frame.children?.parts !== true || frame.wait !== 'children') continue;
    const state = tableOf(definition, run.frames ?? {}, scope, run.part)?.States[frame.state];
    if (state?.Type !== 'Map') continue;
    try {
      const spawn = itemSpawner(d, scope, frame, state);
      for (const index of runningItems(frame.children)) spawns.push(spawn(index));
    } catch (error) {
      // The same input gave these items once; an error now means the run moved on.
      if (!(error instanceof StateError)) throw error;
    }
  }
  return spawns;
}
