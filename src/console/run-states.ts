import { stateId } from '../chain/picture.js';
import { mapProcessor, type Branch, type ChainDefinition } from '../chain/types.js';
import { pictureScope, statusStyle } from '../cli/status-graph.js';
import type { RunView } from '../cli/status-view.js';
import type { Frame, Run } from '../engine/run.js';
import type { Json } from '../json.js';
import type { MapItems, StateEntry } from './api.js';

/** Failed or cancelled items listed per Map: the counts say how many more there are. */
const PROBLEMS_SHOWN = 50;

/** Every state of the chain with its picture scope, in file order, scopes after their state. */
function allStates(branch: Pick<Branch, 'States'>, scope: readonly string[]): [string[], string][] {
  return Object.entries(branch.States).flatMap(([name, state]) => {
    const here: [string[], string] = [[...scope], name];
    if (state.Type === 'Parallel') {
      return [here, ...state.Branches.flatMap((b, i) => allStates(b, [...scope, name, String(i)]))];
    }
    if (state.Type === 'Map') {
      return [here, ...allStates(mapProcessor(state), [...scope, name, 'items'])];
    }
    return [here];
  });
}

/** The frames of the run's documents, and where each stopped, by the picture key of its state. */
function framesByState(definition: ChainDefinition, docs: readonly Run[]): Map<string, Frame> {
  const found = new Map<string, Frame>();
  const note = (scope: string, frame: Frame) => {
    const at = pictureScope(definition, scope);
    const key = at && JSON.stringify([...at, frame.state]);
    if (key !== undefined && !found.has(key)) found.set(key, frame);
  };
  for (const doc of docs) {
    for (const [scope, frame] of Object.entries(doc.frames ?? {})) note(scope, frame);
    if (doc.stopped) note(doc.part?.scope ?? '', doc.stopped);
  }
  return found;
}

/**
 * The states of the run's definition, each with the class the run's graph gives it, how many
 * of the run's scopes are in it now, and its input while one is (or where the run stopped).
 */
export function runStates(
  definition: ChainDefinition,
  view: RunView,
  run: Run,
  parts: readonly Run[],
): StateEntry[] {
  const style = statusStyle(definition, view, parts);
  const now = new Map<string, number>();
  for (const scope of view.scopes ?? []) {
    const at = pictureScope(definition, scope.scope);
    if (!at) continue;
    const key = JSON.stringify([...at, scope.state]);
    now.set(key, (now.get(key) ?? 0) + 1);
  }
  const frames = framesByState(definition, [run, ...parts]);
  return allStates(definition, []).map(([scope, name]) => {
    const key = JSON.stringify([...scope, name]);
    const status = style.classOf?.(scope, name);
    const input: Json | undefined = frames.get(key)?.input;
    return {
      nodeId: stateId(scope, name),
      scope: scope.join('/'),
      name,
      ...(status !== undefined ? { status } : {}),
      now: now.get(key) ?? 0,
      ...(input !== undefined ? { input } : {}),
    };
  });
}

/** The children counts of the Map frame that owns a group of parts, when a document has it. */
function mapFrame(docs: readonly Run[], parentDoc: string, parent: string): Frame | undefined {
  const doc = docs.find((d) => d.id === parentDoc);
  const frame = doc?.frames?.[parent];
  if (frame?.children) return frame;
  return doc?.stopped?.children && (doc.part?.scope ?? '') === parent ? doc.stopped : undefined;
}

/**
 * Each Map entry of the run (one per Map state entered, per scope and attempt) with its items'
 * counts by status and the items that failed or were cancelled, by the parts that ran them.
 */
export function runMaps(definition: ChainDefinition, run: Run, parts: readonly Run[]): MapItems[] {
  const groups = new Map<string, Run[]>();
  for (const part of parts) {
    if (part.part) groups.set(part.part.group, [...(groups.get(part.part.group) ?? []), part]);
  }
  const docs = [run, ...parts];
  const maps: MapItems[] = [];
  for (const items of groups.values()) {
    const first = items[0]?.part;
    const at = first && pictureScope(definition, first.scope);
    // A Parallel's branches are parts too, grouped alike: only a Map's items scope ends in `items`.
    if (!first || !at || at.length < 2 || at[at.length - 1] !== 'items') continue;
    const state = at[at.length - 2]!;
    const sorted = [...items].sort((a, b) => a.part!.index - b.part!.index);
    const count = (status: Run['status']) => items.filter((p) => p.status === status).length;
    const frame = mapFrame(docs, first.parentDoc, first.parent);
    maps.push({
      nodeId: stateId(at.slice(0, -2), state),
      scope: first.parent,
      state,
      total: Math.max(frame?.children?.total ?? 0, items.length),
      succeeded: count('SUCCEEDED'),
      failed: count('FAILED'),
      running: count('RUNNING'),
      cancelled: count('CANCELLED'),
      problems: sorted
        .filter((p) => p.status === 'FAILED' || p.status === 'CANCELLED')
        .slice(0, PROBLEMS_SHOWN)
        .map((p) => ({
          index: p.part!.index,
          status: p.status,
          ...(p.error ? { error: p.error } : {}),
        })),
    });
  }
  return maps.sort((a, b) => a.scope.localeCompare(b.scope) || a.state.localeCompare(b.state));
}
