import { isObject, type Json, type UnknownObject } from '../json.js';
import { chainScopes, statePlace, type Scope } from './graph.js';
import {
  ANY,
  fromTask,
  joinShapes,
  lostShape,
  sameShape,
  shapeOfJson,
  withOrigin,
  type Shape,
} from './shape.js';
import { resultPathShape, selectShape, templateShape } from './shape-flow.js';
import { taskResultShape } from './task-results.js';

/** What is known, before the chain runs, of the values one state reads (the `$` of its fields). */
export interface StateShapes {
  /** The raw input (Fail's ErrorPath and CausePath; InputPath reads it). */
  readonly input: Shape;
  /** After InputPath: Parameters, ItemSelector, Choice rules and the …Path fields read it. */
  readonly effective: Shape;
  /** The state's result before ResultSelector (which reads it). */
  readonly result: Shape;
  /** After ResultPath (which OutputPath reads). */
  readonly beforeOutputPath: Shape;
  /** What the next state gets. */
  readonly output: Shape;
  /** The input of the first state of each Parallel branch or of the Map's item processor. */
  readonly innerStart: Shape;
}

const has = (state: UnknownObject, key: string): boolean => Object.hasOwn(state, key);

/** True when a Task state is nested anywhere in the branches or item processor of `state`. */
function holdsTask(state: UnknownObject): boolean {
  const walk = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(walk);
    if (!isObject(value)) return false;
    if (value.Type === 'Task') return true;
    return Object.values(value).some(walk);
  };
  return walk(state.Branches) || walk(state.ItemProcessor) || walk(state.Iterator);
}

/** Why the result of Parallel or Map `name` is not known. */
function notFollowed(type: 'Parallel' | 'Map', name: string): string {
  const what = type === 'Parallel' ? "its branches' outputs" : "its items' outputs";
  return `the result of ${type} ${name} (an array of ${what}) is not followed`;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

/** The shapes one state reads and gives, when its input has shape `input` (engine: interpreter.ts). */
export function stateShapes(name: string, state: UnknownObject, input: Shape): StateShapes {
  const type = typeof state.Type === 'string' ? state.Type : '';
  const effective = type === 'Fail' ? input : selectShape(input, state.InputPath);
  const parameters = isObject(state.Parameters) ? (state.Parameters as Json) : undefined;
  let afterParameters = effective;
  if (parameters !== undefined && (type === 'Pass' || type === 'Parallel' || type === 'Task'))
    afterParameters = templateShape(parameters, effective, `the Parameters of ${type} ${name}`);

  let result: Shape;
  if (type === 'Task') result = taskResultShape(name, state.Resource) ?? ANY;
  else if (type === 'Pass' && has(state, 'Result'))
    result = withOrigin(shapeOfJson(state.Result as Json), `the Result of Pass ${name}`);
  else if (type === 'Pass') result = afterParameters;
  // A Parallel's or Map's result is an array of its branches' or items' outputs: not followed,
  // and worth a warning where a path reads into it when Tasks made it.
  else if (type === 'Parallel' || type === 'Map')
    result = holdsTask(state) || fromTask(effective) ? lostShape(notFollowed(type, name)) : ANY;
  else result = effective;

  let shaped = result;
  if (isObject(state.ResultSelector) && ['Task', 'Parallel', 'Map'].includes(type)) {
    const origin = `the result of ${type} ${name} after its ResultSelector`;
    shaped = templateShape(state.ResultSelector as Json, result, origin);
  }
  const beforeOutputPath = ['Task', 'Pass', 'Parallel', 'Map'].includes(type)
    ? resultPathShape(input, shaped, state.ResultPath)
    : shaped;

  let innerStart: Shape = ANY;
  if (type === 'Parallel') innerStart = afterParameters;
  const selector = isObject(state.ItemSelector) ? state.ItemSelector : parameters;
  if (type === 'Map' && selector !== undefined)
    innerStart = templateShape(selector as Json, effective, `the ItemSelector of Map ${name}`);

  return {
    input,
    effective,
    result,
    beforeOutputPath,
    output: type === 'Fail' ? ANY : selectShape(beforeOutputPath, state.OutputPath),
    innerStart,
  };
}

/** Where a state goes and with what: Next, Choice targets and Default; Catch targets. */
function successors(state: UnknownObject): { normal: string[]; caught: string[] } {
  const normal: string[] = [];
  const caught: string[] = [];
  if (typeof state.Next === 'string') normal.push(state.Next);
  if (state.Type === 'Choice') {
    if (Array.isArray(state.Choices)) {
      for (const rule of state.Choices)
        if (isObject(rule) && typeof rule.Next === 'string') normal.push(rule.Next);
    }
    if (typeof state.Default === 'string') normal.push(state.Default);
  }
  if (Array.isArray(state.Catch)) {
    for (const catcher of state.Catch)
      if (isObject(catcher) && typeof catcher.Next === 'string') caught.push(catcher.Next);
  }
  return { normal, caught };
}

/**
 * Follows the shapes through one scope from its first state's input `start` until nothing
 * changes, then into the scopes nested in it. A state reached with different shapes, from a
 * Catch (its input then carries the error), or not at all gets an unknown input (lost, with
 * why, where it held a Task's result). Each input changes at most three times (from unset to a
 * shape, to unknown, to lost; a lost one keeps its first reason), so this ends.
 */
function flowScope(
  scope: Scope,
  start: Shape,
  nested: ReadonlyMap<Scope, ReadonlyMap<string, readonly Scope[]>>,
  found: Map<string, StateShapes>,
): void {
  const inputs = new Map<string, Shape>();
  const stateOf = (name: string): UnknownObject | undefined => {
    const state = Object.hasOwn(scope.states, name) ? scope.states[name] : undefined;
    return isObject(state) ? state : undefined;
  };
  // Where each state is reached from, in file order ("StartAt" for the scope's start): named
  // when different inputs there lose what a Task's result made known.
  const from = new Map<string, string[]>();
  const reached = (name: string, by: string): void => {
    const list = from.get(name) ?? [];
    if (!list.includes(by)) list.push(by);
    from.set(name, list);
  };
  if (typeof scope.startAt === 'string') reached(scope.startAt, 'StartAt');
  for (const [name, value] of Object.entries(scope.states)) {
    if (!isObject(value)) continue;
    const { normal, caught } = successors(value);
    for (const next of [...normal, ...caught]) reached(next, name);
  }
  const pending: string[] = [];
  const arrive = (name: string, shape: Shape): void => {
    if (stateOf(name) === undefined) return;
    const before = inputs.get(name);
    const why = `${name} is reached from ${listed(from.get(name) ?? [])} with different inputs`;
    const after = joinShapes(before, shape, why);
    if (before !== undefined && sameShape(before, after)) return;
    inputs.set(name, after);
    pending.push(name);
  };
  if (typeof scope.startAt === 'string') arrive(scope.startAt, start);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const state = stateOf(name)!;
    const shapes = stateShapes(name, state, inputs.get(name)!);
    const { normal, caught } = successors(state);
    for (const next of normal) arrive(next, shapes.output);
    // What a Catch passes on (the input, the error at the catcher's ResultPath) is not
    // followed: lost when the state's input or result held something from a Task.
    const lost = fromTask(shapes.input) || fromTask(shapes.result);
    for (const next of caught) {
      const why = `${next} is reached from a Catch of ${name}, whose output is not followed`;
      arrive(next, lost ? lostShape(why) : ANY);
    }
  }
  for (const [name, value] of Object.entries(scope.states)) {
    if (!isObject(value)) continue;
    const shapes = stateShapes(name, value, inputs.get(name) ?? ANY);
    found.set(statePlace(scope, name), shapes);
    for (const inner of nested.get(scope)?.get(name) ?? [])
      flowScope(inner, shapes.innerStart, nested, found);
  }
}

/**
 * The shapes every state of the chain reads, by place (`States.Fan.Branches[0].States.Load`):
 * the run input is the user's, and what the engine makes of it state by state is followed as
 * far as it is known.
 */
export function chainShapes(chain: unknown): Map<string, StateShapes> {
  const scopes = chainScopes(chain);
  // The branches or item processor of each Parallel or Map, by the scope that holds it.
  const nested = new Map<Scope, Map<string, Scope[]>>();
  for (const scope of scopes) {
    if (scope.parent === undefined || scope.owner === undefined) continue;
    const owners = nested.get(scope.parent) ?? new Map<string, Scope[]>();
    owners.set(scope.owner, [...(owners.get(scope.owner) ?? []), scope]);
    nested.set(scope.parent, owners);
  }
  const found = new Map<string, StateShapes>();
  const top = scopes[0];
  if (top !== undefined) flowScope(top, ANY, nested, found);
  return found;
}
