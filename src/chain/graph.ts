import { isObject, type UnknownObject } from '../json.js';
import type { ChainProblem } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { STATE_TYPES } from './types.js';

const asUnknownObject = (value: unknown): UnknownObject | undefined =>
  isObject(value) ? value : undefined;

/**
 * A set of states that move between each other: the chain itself, a Parallel branch or a Map
 * item processor. ASL (states-language.net, "Parallel State" and "Map State ItemProcessor
 * definition"): states in a branch's or processor's "States" can transition only to each other,
 * and no state outside it can transition into it.
 */
export interface Scope {
  readonly kind: 'chain' | 'branch' | 'processor';
  /** JSON path of the object holding StartAt and States: '' for the chain. */
  readonly place: string;
  readonly startAt: unknown;
  readonly states: UnknownObject;
  /** The scope holding the Parallel or Map state this scope belongs to. */
  readonly parent: Scope | undefined;
  /** Name of that Parallel or Map state. */
  readonly owner: string | undefined;
}

/** One state of a chain, wherever it is nested. */
export interface PlacedState {
  readonly name: string;
  readonly state: UnknownObject;
  /** JSON path such as `States.Fan.Branches[1].States.Load`. */
  readonly place: string;
  readonly scope: Scope;
}

/** `States.<name>` inside a scope. */
export function statePlace(scope: Scope, name: string): string {
  return scope.place === '' ? `States.${name}` : `${scope.place}.States.${name}`;
}

/** `StartAt`, `States` or another key of a scope's object. */
function scopeField(scope: Scope, key: string): string {
  return scope.place === '' ? key : `${scope.place}.${key}`;
}

/**
 * Every scope of a chain, the chain first, then each branch and item processor depth-first in
 * file order. Tolerates a malformed file: a scope without a States object is left out.
 */
export function chainScopes(chain: unknown): Scope[] {
  const root = asUnknownObject(chain);
  const states = asUnknownObject(root?.States);
  if (!root || !states) return [];
  const scopes: Scope[] = [];
  const visit = (scope: Scope): void => {
    scopes.push(scope);
    for (const [name, value] of Object.entries(scope.states)) {
      const state = asUnknownObject(value);
      if (!state) continue;
      const place = statePlace(scope, name);
      const inner = (kind: Scope['kind'], at: string, body: unknown): void => {
        const object = asUnknownObject(body);
        const innerStates = asUnknownObject(object?.States);
        if (!object || !innerStates) return;
        visit({
          kind,
          place: at,
          startAt: object.StartAt,
          states: innerStates,
          parent: scope,
          owner: name,
        });
      };
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, i) => inner('branch', `${place}.Branches[${i}]`, branch));
      }
      if (state.Type === 'Map') {
        for (const key of ['ItemProcessor', 'Iterator']) {
          if (Object.hasOwn(state, key)) inner('processor', `${place}.${key}`, state[key]);
        }
      }
    }
  };
  visit({
    kind: 'chain',
    place: '',
    startAt: root.StartAt,
    states,
    parent: undefined,
    owner: undefined,
  });
  return scopes;
}

/** Every state of a chain that is an object, nested ones included, in file order. */
export function chainStates(chain: unknown): PlacedState[] {
  return chainScopes(chain).flatMap((scope) =>
    Object.entries(scope.states).flatMap(([name, value]) => {
      const state = asUnknownObject(value);
      return state ? [{ name, state, place: statePlace(scope, name), scope }] : [];
    }),
  );
}

/** State types that go on with exactly one of `Next` and `End` (ASL "Transitions"). */
const SEQUENTIAL_TYPES = ['Task', 'Pass', 'Wait', 'Parallel', 'Map'];

/** Types that may recover with `Catch`. */
const CATCHING_TYPES = ['Task', 'Parallel', 'Map'];

const SCOPE_NAMES: Readonly<Record<Scope['kind'], string>> = {
  chain: 'chain',
  branch: 'Parallel branch',
  processor: 'Map item processor',
};

/** One place that names a state to go to. */
interface Transition {
  readonly place: string;
  readonly target: string;
}

/**
 * Characters a state name may not hold: the engine joins names with them into scope paths and
 * job and timer keys (`Fan[1]/Each[3]/Load#2`), which must never be ambiguous.
 */
export const SCOPE_PATH_CHARACTERS: readonly string[] = ['/', '[', ']', '#', '@'];

/**
 * Checks the chain as a graph of scopes: every StartAt, Next, Default, Choices[i].Next and
 * Catch[i].Next names a state of its own scope; each Task, Pass, Wait, Parallel and Map has
 * exactly one of Next and End; every state is reachable from its scope's StartAt; state names
 * are unique in the whole chain and hold no scope-path character. A loop is fine: ASL allows cycles (AWS runs loops through a
 * Choice, and a Task may fail its way out). Tolerates a malformed file.
 */
export function graphProblems(chain: unknown): ChainProblem[] {
  const scopes = chainScopes(chain);
  const problems: ChainProblem[] = [];
  const owners = new Map<string, Scope[]>();
  for (const scope of scopes) {
    for (const name of Object.keys(scope.states)) {
      const reserved = [...name].find((c) => SCOPE_PATH_CHARACTERS.includes(c));
      if (reserved !== undefined) {
        problems.push({
          path: statePlace(scope, name),
          message: `the state name ${JSON.stringify(name)} contains ${JSON.stringify(reserved)}, which dfchain uses in scope paths such as "Fan[1]/Load#2@1"; rename it without ${SCOPE_PATH_CHARACTERS.join(' ')}`,
        });
      }
      const found = owners.get(name);
      if (found === undefined) owners.set(name, [scope]);
      else {
        // ASL "States": the state name MUST be unique within the entire state machine.
        problems.push({
          path: statePlace(scope, name),
          message: `the state name ${JSON.stringify(name)} is also used at ${statePlace(found[0]!, name)}; state names must be unique in the whole chain, branches and item processors included, so rename one`,
        });
        found.push(scope);
      }
    }
  }
  for (const scope of scopes) problems.push(...scopeProblems(scope, owners));
  return problems;
}

function scopeProblems(scope: Scope, owners: ReadonlyMap<string, Scope[]>): ChainProblem[] {
  const names = Object.keys(scope.states);
  const problems: ChainProblem[] = [];
  const start = typeof scope.startAt === 'string' ? scope.startAt : undefined;
  const validStart = start !== undefined && Object.hasOwn(scope.states, start);
  // An empty States is reported by the schema; listing no candidates would not help.
  if (start !== undefined && !validStart && names.length > 0) {
    problems.push({
      path: scopeField(scope, 'StartAt'),
      message: notInScope(start, scope, owners, 'start at one of'),
    });
  }

  const edges = new Map<string, string[]>();
  for (const name of names) {
    const state = asUnknownObject(scope.states[name]);
    if (!state) continue;
    const place = statePlace(scope, name);
    if (typeof state.Type === 'string' && SEQUENTIAL_TYPES.includes(state.Type)) {
      const hasNext = Object.hasOwn(state, 'Next');
      const hasEnd = Object.hasOwn(state, 'End');
      if (hasNext && hasEnd)
        problems.push({ path: place, message: 'has both "Next" and "End"; keep one' });
      if (!hasNext && !hasEnd) {
        problems.push({
          path: place,
          message: 'needs "Next" (the state to run after it) or "End": true',
        });
      }
    }
    const targets: string[] = [];
    for (const { place: at, target } of transitions(state, place)) {
      if (Object.hasOwn(scope.states, target)) targets.push(target);
      else problems.push({ path: at, message: notInScope(target, scope, owners, 'move between') });
    }
    edges.set(name, targets);
  }

  if (validStart) {
    const reachable = new Set<string>([start]);
    const queue = [start];
    for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
      for (const next of edges.get(at) ?? []) {
        if (!reachable.has(next)) {
          reachable.add(next);
          queue.push(next);
        }
      }
    }
    for (const name of names) {
      if (!reachable.has(name)) {
        problems.push({
          path: statePlace(scope, name),
          message: `not reachable from StartAt "${start}"; point a "Next" at it, or remove it`,
        });
      }
    }
  }
  return problems;
}

/** The state names a state may go to, each with its place. */
function transitions(state: UnknownObject, place: string): Transition[] {
  const found: Transition[] = [];
  const add = (at: string, target: unknown): void => {
    if (typeof target === 'string') found.push({ place: at, target });
  };
  const type = state.Type;
  // A state of no known type still leads where its Next says (its type is reported apart).
  const known = (STATE_TYPES as readonly unknown[]).includes(type);
  if (!known || SEQUENTIAL_TYPES.includes(type as string)) add(`${place}.Next`, state.Next);
  if (type === 'Choice') {
    if (Array.isArray(state.Choices)) {
      state.Choices.forEach((rule, i) =>
        add(`${place}.Choices[${i}].Next`, asUnknownObject(rule)?.Next),
      );
    }
    add(`${place}.Default`, state.Default);
  }
  if (typeof type === 'string' && CATCHING_TYPES.includes(type) && Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) =>
      add(`${place}.Catch[${i}].Next`, asUnknownObject(catcher)?.Next),
    );
  }
  return found;
}

/** Why `name`, named in `scope`, is not a state it can go to (`verb`: "move between"). */
function notInScope(
  name: string,
  scope: Scope,
  owners: ReadonlyMap<string, Scope[]>,
  verb: string,
): string {
  const quoted = JSON.stringify(name);
  const elsewhere = owners.get(name)?.[0];
  if (elsewhere === undefined) {
    const names = Object.keys(scope.states);
    const guess = didYouMean(name, names);
    const help = guess ? `did you mean "${guess}"?` : `the states are: ${names.join(', ')}`;
    return `${quoted} is not a state (${help})`;
  }
  const entry = entryInto(elsewhere, scope);
  if (entry !== undefined) {
    // The other scope is nested in this one: only the Parallel or Map state leads into it.
    const kind = SCOPE_NAMES[elsewhere.kind];
    return `${quoted} is a state of ${elsewhere.place}; only the states of that ${kind} can move to it, so go to ${JSON.stringify(entry)} instead`;
  }
  const where =
    elsewhere.kind === 'chain'
      ? 'the enclosing chain'
      : isAncestor(elsewhere, scope)
        ? `the enclosing ${SCOPE_NAMES[elsewhere.kind]} ${elsewhere.place}`
        : elsewhere.place;
  return `${quoted} is a state of ${where}; a ${SCOPE_NAMES[scope.kind]} can only ${verb} its own states`;
}

/** When `inner` is nested in `outer`: the state of `outer` that holds it. */
function entryInto(inner: Scope, outer: Scope): string | undefined {
  for (let at: Scope = inner; at.parent !== undefined; at = at.parent) {
    if (at.parent === outer) return at.owner;
  }
  return undefined;
}

function isAncestor(outer: Scope, inner: Scope): boolean {
  return entryInto(inner, outer) !== undefined;
}
