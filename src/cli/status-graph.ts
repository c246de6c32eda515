import { chainPicture, type PictureStyle } from '../chain/picture.js';
import { mermaidPicture } from '../chain/picture-text.js';
import { mapProcessor, type ChainDefinition, type State } from '../chain/types.js';
import type { Run, RunError } from '../engine/run.js';
import type { RunView, StepView } from './status-view.js';

/** How `dfchain status --graph` colours a state; a state with no record has none. */
export type StateClass = 'succeeded' | 'failed' | 'running' | 'queued' | 'cancelled';

/** The Mermaid style of each class, in the order their `classDef` lines are printed. */
export const STATE_STYLES: Readonly<Record<StateClass, string>> = {
  succeeded: 'fill:#d4edda,stroke:#28a745,color:#155724',
  failed: 'fill:#f8d7da,stroke:#dc3545,color:#721c24',
  running: 'fill:#cce5ff,stroke:#0d6efd,stroke-width:3px,color:#084298',
  queued: 'fill:#e7ecf3,stroke:#7d8fa9,color:#34435a',
  cancelled: 'fill:#ffe5d0,stroke:#fd7e14,color:#7a3b00',
};

/** When one state has several classes (items of a Map), the one shown: first of these. */
const PRECEDENCE: readonly StateClass[] = ['running', 'queued', 'failed', 'cancelled', 'succeeded'];

/** The label line of a state the run is in now; `now ×3` when three items of a Map are. */
const NOW = 'now';

/** Where a scope path of the run lies in the picture, or undefined when it names no scope of `definition`. */
export function pictureScope(definition: ChainDefinition, scope: string): string[] | undefined {
  if (scope === '') return [];
  const path: string[] = [];
  let states: Readonly<Record<string, State>> = definition.States;
  for (const segment of scope.split('/')) {
    const m = /^(.*)\[(\d+)\]$/.exec(segment);
    if (!m) return undefined;
    // A segment is the state's entry key (`Fan`, `Fan#2` on a later visit) with `@n` on a retry.
    const base = m[1]!;
    const bare = base.replace(/@\d+$/, '');
    const name = [base, bare, bare.replace(/#\d+$/, '')].find((n) => Object.hasOwn(states, n));
    const state = name === undefined ? undefined : states[name];
    if (name === undefined || state === undefined) return undefined;
    if (state.Type === 'Parallel') {
      const branch = state.Branches[Number(m[2])];
      if (!branch) return undefined;
      path.push(name, m[2]!);
      states = branch.States;
    } else if (state.Type === 'Map') {
      path.push(name, 'items');
      states = mapProcessor(state).States;
    } else return undefined;
  }
  return path;
}

/** Map key of a state in the picture. */
const keyOf = (scope: readonly string[], name: string): string => JSON.stringify([...scope, name]);

/** The class a step's record gives its state. */
function stepClass(step: StepView): StateClass {
  if (step.abandoned) return 'cancelled';
  switch (step.status) {
    case 'SUCCEEDED':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'LAUNCHED':
      return 'running';
    case 'INTENDED':
      return 'queued';
  }
}

const sameError = (a: RunError, b: RunError | undefined): boolean =>
  b !== undefined && a.Error === b.Error && a.Cause === b.Cause;

/**
 * The top-level Succeed or Fail state the run's end shows it reached, when only one can have:
 * a SUCCEEDED run whose top level ends in exactly one Succeed state (no `End: true`); a FAILED
 * run whose error is exactly that of one Fail state (fixed Error and Cause), and of no step.
 */
function terminalState(
  definition: ChainDefinition,
  view: RunView,
): { name: string; cls: StateClass } | undefined {
  const states = Object.entries(definition.States);
  if (view.status === 'SUCCEEDED') {
    const succeeds = states.filter(([, s]) => s.Type === 'Succeed');
    const ends = states.filter(([, s]) => 'End' in s && s.End === true);
    const only = succeeds[0];
    return succeeds.length === 1 && ends.length === 0 && only
      ? { name: only[0], cls: 'succeeded' }
      : undefined;
  }
  if (view.status === 'FAILED' && view.error) {
    const error = view.error;
    if (view.steps.some((s) => sameError(error, s.error))) return undefined;
    const fails = states.filter(
      ([, s]) =>
        s.Type === 'Fail' &&
        s.Error !== undefined &&
        s.ErrorPath === undefined &&
        s.CausePath === undefined &&
        sameError({ Error: s.Error, Cause: s.Cause ?? '' }, error),
    );
    const only = fails[0];
    return fails.length === 1 && only ? { name: only[0], cls: 'failed' } : undefined;
  }
  return undefined;
}

/** `3✓ 1✗ 2…` (and `n⊘` cancelled): the items of one Map by their parts' status, zeros left out. */
function itemCounts(parts: readonly Run[]): string | undefined {
  const count = (status: Run['status']) => parts.filter((p) => p.status === status).length;
  const text = (
    [
      [count('SUCCEEDED'), '✓'],
      [count('FAILED'), '✗'],
      [count('RUNNING'), '…'],
      [count('CANCELLED'), '⊘'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, mark]) => `${n}${mark}`)
    .join(' ');
  return text === '' ? undefined : text;
}

/** How a Parallel's or Map's entry ended, by its branches' or items' documents. */
function fanClass(parts: readonly Run[]): StateClass {
  if (parts.some((p) => p.status === 'RUNNING')) return 'running';
  if (parts.some((p) => p.status === 'FAILED')) return 'failed';
  if (parts.some((p) => p.status === 'CANCELLED')) return 'cancelled';
  return 'succeeded';
}

/**
 * The class of each Parallel or Map state instance that ran its branches or items in parts, by
 * the latest entry (Part.group) in each scope of the run: a fan that is no longer current has
 * no step nor scope of its own to show how it ended. Keyed as statusStyle keys its records.
 */
function fanRecords(
  definition: ChainDefinition,
  parts: readonly Run[],
): Map<string, { at: readonly string[]; name: string; cls: StateClass; since: string }> {
  const groups = new Map<string, Run[]>();
  for (const part of parts) {
    if (part.part) groups.set(part.part.group, [...(groups.get(part.part.group) ?? []), part]);
  }
  const found = new Map<
    string,
    { at: readonly string[]; name: string; cls: StateClass; since: string }
  >();
  for (const members of groups.values()) {
    const first = members[0]?.part;
    const inner = first && pictureScope(definition, first.scope);
    if (!first || !inner || inner.length < 2) continue;
    const name = inner[inner.length - 2]!;
    const since = members.reduce((a, p) => (p.startTime > a ? p.startTime : a), '');
    const instance = `${first.parent}\n${name}`;
    const had = found.get(instance);
    if (had && had.since >= since) continue;
    found.set(instance, { at: inner.slice(0, -2), name, cls: fanClass(members), since });
  }
  return found;
}

/**
 * How the run colours its definition's picture: each state's class from its latest step in
 * each scope where it ran (a step in flight: running or queued; abandoned: cancelled), `running`
 * and a `now` line for the state each running scope is in, the run's end for a Succeed or
 * Fail state, a Parallel or Map no scope is in any more by how its branches or items ended, and each Map's item processor titled with its items' counts (from `parts`). The
 * scopes of a Map's items share one picture scope: the class shown is the first of running,
 * queued, failed, cancelled, succeeded among them.
 */
export function statusStyle(
  definition: ChainDefinition,
  view: RunView,
  parts: readonly Run[],
): PictureStyle {
  // The latest record of each state in each scope of the run (a retry's success wins over
  // the attempt before it); steps are oldest first (ended, then in flight).
  const latest = new Map<string, { at: readonly string[]; name: string; cls: StateClass }>();
  for (const step of view.steps) {
    const at = pictureScope(definition, step.scope ?? '');
    if (at)
      latest.set(`${step.scope ?? ''}\n${step.state}`, {
        at,
        name: step.state,
        cls: stepClass(step),
      });
  }
  const now = new Map<string, number>();
  for (const scope of view.scopes ?? []) {
    const at = pictureScope(definition, scope.scope);
    if (!at) continue;
    const instance = `${scope.scope}\n${scope.state}`;
    const before = latest.get(instance);
    // A queued launch stays grey-blue; anything else the scope is in now runs (a Wait, a retry).
    latest.set(instance, {
      at,
      name: scope.state,
      cls: before?.cls === 'queued' ? 'queued' : 'running',
    });
    now.set(keyOf(at, scope.state), (now.get(keyOf(at, scope.state)) ?? 0) + 1);
  }
  for (const [instance, record] of fanRecords(definition, parts)) {
    if (!latest.has(instance)) latest.set(instance, record);
  }
  const classes = new Map<string, StateClass>();
  for (const { at, name, cls } of latest.values()) {
    const key = keyOf(at, name);
    const had = classes.get(key);
    if (had === undefined || PRECEDENCE.indexOf(cls) < PRECEDENCE.indexOf(had)) {
      classes.set(key, cls);
    }
  }
  const end = terminalState(definition, view);
  if (end) classes.set(keyOf([], end.name), end.cls);
  const items = new Map<string, Run[]>();
  for (const part of parts) {
    const at = part.part ? pictureScope(definition, part.part.scope) : undefined;
    if (!at || at[at.length - 1] !== 'items') continue;
    const key = JSON.stringify(at);
    items.set(key, [...(items.get(key) ?? []), part]);
  }
  return {
    classOf: (scope, name) => classes.get(keyOf(scope, name)),
    extraLines: (scope, name) => {
      const n = now.get(keyOf(scope, name)) ?? 0;
      return n === 0 ? [] : [n === 1 ? NOW : `${NOW} ×${n}`];
    },
    titleSuffix: (scope) => itemCounts(items.get(JSON.stringify(scope)) ?? []),
    ...(view.status === 'SUCCEEDED' ? { endClass: 'succeeded' } : {}),
  };
}

/** The Mermaid flowchart of the run's definition, each state coloured by what the run did in it. */
export function statusGraph(
  definition: ChainDefinition,
  view: RunView,
  parts: readonly Run[],
): string {
  return mermaidPicture(
    chainPicture(definition, statusStyle(definition, view, parts)),
    STATE_STYLES,
  );
}
