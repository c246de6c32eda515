import type { Expression } from '../chain/ast.js';
import { resolveParameters } from '../chain/parameters.js';
import {
  evaluateExpression,
  evaluatePath,
  parsePathExpression,
  setAtPath,
} from '../chain/paths.js';
import { PathError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { ERROR_NAMES } from './error-names.js';
import { StateError } from './state-error.js';

/** Where a state's data flow is evaluated: `$$`, the seed of its random intrinsics, its place. */
export interface Evaluation {
  readonly context: Json;
  readonly seed: string;
  /** `States.<name>` (with the scope's path inside branches), for error causes. */
  readonly place: string;
}

const parsed = new Map<string, Expression>();

function referencePath(text: string): Expression {
  let expression = parsed.get(text);
  if (expression === undefined) {
    expression = parsePathExpression(text);
    parsed.set(text, expression);
  }
  return expression;
}

function raiseRuntime(cause: string, error: unknown): never {
  throw new StateError({ Error: ERROR_NAMES.runtime, Cause: cause }, { cause: error });
}

function runtime(at: Evaluation, field: string, error: unknown): StateError {
  const detail = error instanceof Error ? error.message : String(error);
  return new StateError(
    { Error: ERROR_NAMES.runtime, Cause: `${at.place}.${field}: ${detail}` },
    { cause: error },
  );
}

/**
 * ASL InputPath / OutputPath / ItemsPath: absent keeps `value`, `null` gives `{}`, a path selects
 * part of it. A path that does not resolve raises `States.Runtime`, as AWS does.
 */
export function selectPath(
  value: Json,
  path: string | null | undefined,
  at: Evaluation,
  field: string,
): Json {
  if (path === undefined) return value;
  if (path === null) return {};
  try {
    const expression = referencePath(path);
    if (expression.kind !== 'path') throw new PathError(`${JSON.stringify(path)} is not a path`);
    return evaluatePath(expression, value, at.context);
  } catch (error) {
    throw runtime(at, field, error);
  }
}

/** Evaluates a path or intrinsic (Fail's ErrorPath and CausePath); failures raise `States.Runtime`. */
export function evaluateText(input: Json, text: string, at: Evaluation, field: string): Json {
  try {
    return evaluateExpression(referencePath(text), input, at.context, at.seed);
  } catch (error) {
    throw runtime(at, field, error);
  }
}

/** Resolves a payload template (Parameters, ItemSelector, ResultSelector); failures raise `States.Runtime`. */
export function resolveTemplate(
  template: JsonObject,
  input: Json,
  at: Evaluation,
  field: string,
): JsonObject {
  try {
    return resolveParameters(template, input, at.context, field, at.seed);
  } catch (error) {
    // resolveParameters names the place under `field` in its PathErrors.
    const detail = error instanceof PathError ? error.message : `${field}: ${String(error)}`;
    return raiseRuntime(`${at.place}.${detail}`, error);
  }
}

/**
 * ASL ResultPath: absent puts the result in place of the input, `null` keeps the input and
 * discards the result, a reference path sets the result at that place in a copy of the input.
 * When the input has no room there, `States.ResultPathMatchFailure`.
 */
export function applyResultPath(
  input: Json,
  result: Json,
  path: string | null | undefined,
  at: Evaluation,
  field = 'ResultPath',
): Json {
  if (path === undefined) return result;
  if (path === null) return input;
  try {
    const expression = referencePath(path);
    if (expression.kind !== 'path' || expression.root !== '$')
      throw new PathError(`${JSON.stringify(path)} is not a path into the state input`);
    return setAtPath(input, expression, result);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StateError(
      { Error: ERROR_NAMES.resultPathMatchFailure, Cause: `${at.place}.${field}: ${detail}` },
      { cause: error },
    );
  }
}
