import { isObject, type Json, type UnknownObject } from '../json.js';
import { PathError, type ChainProblem } from '../errors.js';
import type { Expression, ReferencePath } from './ast.js';
import { contextPathProblem } from './context-shape.js';
import { chainShapes, type StateShapes } from './flow-shapes.js';
import { chainStates } from './graph.js';
import { dynamicEntries } from './parameters.js';
import { parsePathExpression } from './paths.js';
import { stateFields } from './schema-problems.js';
import { ANY, type Shape } from './shape.js';
import { lookupShape } from './shape-path.js';
import { waitsForTaskToken } from './resources.js';
import { STATE_TYPES, type StateType } from './types.js';

/** Where a `$` path is read: what `$` is there and how to name it when it has no origin. */
interface Reader {
  readonly dollar: Shape;
  readonly root: string;
  /** Read by a Map's ItemSelector (or older Parameters): `$$.Map` exists. */
  readonly inItemSelector: boolean;
  /** Read by a `.waitForTaskToken` Task's Parameters: `$$.Task.Token` exists. */
  readonly inWaitingTask?: boolean;
}

/** Path fields that read the state input after InputPath. */
const EFFECTIVE_PATH_FIELDS = [
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'MaxConcurrencyPath',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCountPath',
];

/** Every reference path of an expression, intrinsic arguments included, in text order. */
function pathsOf(expression: Expression): ReferencePath[] {
  if (expression.kind === 'path') return [expression];
  return expression.args.flatMap((arg) => (arg.kind === 'literal' ? [] : pathsOf(arg)));
}

/** The expression `text` parses to, or undefined (the other checks report what does not parse). */
function parsedExpression(text: unknown): Expression | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parsePathExpression(text);
  } catch (error) {
    if (error instanceof PathError) return undefined;
    throw error;
  }
}

/** A problem of a path read somewhere, or (`warning`) why it cannot be checked there. */
interface Finding extends ChainProblem {
  readonly warning: boolean;
}

/** What is wrong with `path` read where `reader` says: sure to fail, or not checkable. */
function pathFinding(
  path: ReferencePath,
  reader: Reader,
): Pick<Finding, 'message' | 'warning'> | undefined {
  const text = JSON.stringify(path.text);
  if (path.root === '$$') {
    const message = contextPathProblem(path, reader.inItemSelector, reader.inWaitingTask);
    return message === undefined ? undefined : { message, warning: false };
  }
  const found = lookupShape(path, reader.dollar, reader.root);
  if (found.problem !== undefined)
    return { message: `${text} will not be found: ${found.problem}`, warning: false };
  if (found.lost !== undefined)
    return { message: `${text} cannot be checked before the run: ${found.lost}`, warning: true };
  return undefined;
}

/** Findings of the path or intrinsic `text` read at `place`. */
function textProblems(text: unknown, place: string, reader: Reader): Finding[] {
  const expression = parsedExpression(text);
  if (expression === undefined) return [];
  return pathsOf(expression).flatMap((path) => {
    const found = pathFinding(path, reader);
    return found === undefined ? [] : [{ path: place, ...found }];
  });
}

function templateReads(template: unknown, place: string, reader: Reader): Finding[] {
  if (!isObject(template)) return [];
  return dynamicEntries(template as Json, place).flatMap((entry) =>
    textProblems(entry.value, entry.place, reader),
  );
}

/** True when a rule of the Choice, at any depth, tests IsPresent. */
function testsPresence(rules: unknown): boolean {
  if (!Array.isArray(rules)) return false;
  return rules.some(
    (rule) =>
      isObject(rule) &&
      (Object.hasOwn(rule, 'IsPresent') ||
        testsPresence(rule.And) ||
        testsPresence(rule.Or) ||
        testsPresence([rule.Not])),
  );
}

/** Problems of the paths of Choice rules: Variable and the `…Path` operands. */
function ruleReads(rule: unknown, place: string, reader: Reader): Finding[] {
  if (!isObject(rule)) return [];
  const problems: Finding[] = [];
  // IsPresent is how a chain asks whether a path resolves: a missing one is its answer.
  if (!Object.hasOwn(rule, 'IsPresent'))
    problems.push(...textProblems(rule.Variable, `${place}.Variable`, reader));
  for (const [key, value] of Object.entries(rule)) {
    if (key.endsWith('Path') && typeof value === 'string' && value.startsWith('$'))
      problems.push(...textProblems(value, `${place}.${key}`, reader));
  }
  for (const op of ['And', 'Or'] as const) {
    const nested = rule[op];
    if (Array.isArray(nested))
      nested.forEach((inner, i) =>
        problems.push(...ruleReads(inner, `${place}.${op}[${i}]`, reader)),
      );
  }
  problems.push(...ruleReads(rule.Not, `${place}.Not`, reader));
  return problems;
}

function inputName(state: UnknownObject): string {
  if (state.InputPath === null) return 'the state input ({}, as InputPath is null)';
  return typeof state.InputPath === 'string'
    ? 'the state input after InputPath'
    : 'the state input';
}

/** Problems of every path one state reads, given the shapes it reads them in. */
function stateReads(
  name: string,
  state: UnknownObject,
  type: StateType,
  place: string,
  shapes: StateShapes,
): Finding[] {
  const fields = stateFields(type);
  const has = (key: string): boolean => fields.includes(key) && Object.hasOwn(state, key);
  const input: Reader = { dollar: shapes.input, root: 'the state input', inItemSelector: false };
  const effective: Reader = {
    dollar: shapes.effective,
    root: inputName(state),
    inItemSelector: false,
  };
  const problems: Finding[] = [];
  const read = (field: string, reader: Reader): void => {
    if (has(field)) problems.push(...textProblems(state[field], `${place}.${field}`, reader));
  };
  const template = (field: string, reader: Reader): void => {
    if (has(field)) problems.push(...templateReads(state[field], `${place}.${field}`, reader));
  };

  read('InputPath', input);
  for (const field of EFFECTIVE_PATH_FIELDS) read(field, effective);
  read('ErrorPath', input);
  read('CausePath', input);
  const selecting = { ...effective, inItemSelector: true };
  const waiting = { ...effective, inWaitingTask: waitsForTaskToken(state.Resource) };
  template('Parameters', type === 'Map' ? selecting : type === 'Task' ? waiting : effective);
  template('ItemSelector', selecting);
  // A Parallel's or Map's own ResultSelector is where its result is meant to be picked apart:
  // no warning there; what it selects stays lost for the states that read it later.
  const ownArray = type === 'Parallel' || type === 'Map';
  template('ResultSelector', {
    dollar: ownArray && shapes.result.kind === 'any' ? ANY : shapes.result,
    root: `the result of ${type} ${name}`,
    inItemSelector: false,
  });
  if (type === 'Choice' && Array.isArray(state.Choices)) {
    // A rule behind an IsPresent guard may read a path that is absent: only `$$` is sure then.
    const guarded = testsPresence(state.Choices);
    const rules: Reader = guarded ? { ...effective, dollar: ANY } : effective;
    state.Choices.forEach((rule, i) =>
      problems.push(...ruleReads(rule, `${place}.Choices[${i}]`, rules)),
    );
  }
  read('OutputPath', {
    dollar: shapes.beforeOutputPath,
    root: 'the state output before OutputPath',
    inItemSelector: false,
  });
  return problems;
}

const isStateType = (value: unknown): value is StateType =>
  (STATE_TYPES as readonly unknown[]).includes(value);

/** Problems and warnings of every path of the chain, in state order. */
function pathFindings(chain: unknown): Finding[] {
  const shapes = chainShapes(chain);
  return chainStates(chain).flatMap(({ name, state, place }) => {
    const found = shapes.get(place);
    if (!isStateType(state.Type) || found === undefined) return [];
    return stateReads(name, state, state.Type, place, found);
  });
}

const strip = ({ path, message }: Finding): ChainProblem => ({ path, message });

/**
 * Checks, before the chain runs, every path a state reads against what is known of the value
 * it reads: a `$$` path against the context object the engine builds (src/engine/context.ts),
 * a `$` path against the state input as far as the chain fixes it (a Task's result, a
 * ResultSelector, a Pass state's Result or Parameters, followed through ResultPath, InputPath
 * and OutputPath). Only paths sure to fail are reported; below the run input, a Map item, or
 * wherever the shape is not known, nothing is.
 */
export function pathShapeProblems(chain: unknown): ChainProblem[] {
  return pathFindings(chain)
    .filter((f) => !f.warning)
    .map(strip);
}

/**
 * The `$` paths that read into a value a Task's result made known but the flow lost track of
 * (different inputs joined, a Catch, a Parallel's or Map's result), so they cannot be checked
 * before the run; paths into the run input, a Map item or other data never known are not here.
 */
export function pathShapeWarnings(chain: unknown): ChainProblem[] {
  return pathFindings(chain)
    .filter((f) => f.warning)
    .map(strip);
}
