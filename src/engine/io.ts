import type { ReferencePath } from '../chain/ast.js';
import { parseCached, resolveParameters } from '../chain/parameters.js';
import {
  evaluateExpression,
  evaluatePath,
  parsePath,
  parseResultPath,
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

// Chain files are few and fixed, so the set of distinct path texts is bounded.
const paths = new Map<string, ReferencePath>();
const resultPaths = new Map<string, ReferencePath>();

function once(cache: Map<string, ReferencePath>, text: string, parse: typeof parsePath) {
  let path = cache.get(text);
  if (path === undefined) {
    path = parse(text);
    cache.set(text, path);
  }
  return path;
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
    return evaluatePath(once(paths, path, parsePath), value, at.context);
  } catch (error) {
    throw runtime(at, field, error);
  }
}

/** Evaluates a path or intrinsic (Fail's ErrorPath and CausePath); failures raise `States.Runtime`. */
export function evaluateText(input: Json, text: string, at: Evaluation, field: string): Json {
  try {
    return evaluateExpression(parseCached(text), input, at.context, at.seed);
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
    return setAtPath(input, once(resultPaths, path, parseResultPath), result);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StateError(
      { Error: ERROR_NAMES.resultPathMatchFailure, Cause: `${at.place}.${field}: ${detail}` },
      { cause: error },
    );
  }
}
