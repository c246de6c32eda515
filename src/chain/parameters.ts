import { PathError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { describeJson } from './json-value.js';
import { evaluateExpression, parsePathExpression, type Expression } from './paths.js';
import type { TaskParameters } from './types.js';

/** A `.$` key found in a template, with its place such as `Parameters.parameters.date.$`. */
export interface DynamicEntry {
  readonly place: string;
  readonly value: Json;
}

/** Every `.$` key under `template` (objects inside arrays included), in document order. */
export function dynamicEntries(template: Json, place: string): DynamicEntry[] {
  const found: DynamicEntry[] = [];
  const walk = (node: Json, at: string): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key.endsWith('.$')) found.push({ place: `${at}.${key}`, value });
        else walk(value, `${at}.${key}`);
      }
    }
  };
  walk(template, place);
  return found;
}

// Chain files are few and fixed, so the set of distinct `.$` texts is bounded.
const parsed = new Map<string, Expression>();

function parseCached(text: string): Expression {
  let expression = parsed.get(text);
  if (!expression) {
    expression = parsePathExpression(text);
    parsed.set(text, expression);
  }
  return expression;
}

/**
 * ASL `Parameters`: copies `template`, replacing each `key.$: expression` by `key: value`,
 * where `$` is `input` and `$$` is `context`. Throws PathError naming the place (under `place`).
 */
export function resolveParameters(
  template: JsonObject,
  input: Json,
  context: Json,
  place = 'Parameters',
): JsonObject {
  const resolve = (node: Json, at: string): Json => {
    if (Array.isArray(node)) return node.map((item, i) => resolve(item, `${at}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const here = `${at}.${key}`;
      if (!key.endsWith('.$')) {
        out[key] = resolve(value, here);
        continue;
      }
      if (typeof value !== 'string')
        throw new PathError(`${here}: must be a string (a path or an intrinsic)`);
      try {
        out[key.slice(0, -2)] = evaluateExpression(parseCached(value), input, context);
      } catch (error) {
        if (error instanceof PathError)
          throw new PathError(`${here}: ${error.message}`, { cause: error });
        throw error;
      }
    }
    return out;
  };
  return resolve(template, place) as JsonObject;
}

/** A Task's `Parameters` after resolution, shaped as Dataflow's launchParameter. */
export interface ResolvedTaskParameters {
  readonly jobName: string;
  readonly containerSpecGcsPath?: string;
  readonly parameters?: Record<string, string>;
  readonly environment?: JsonObject;
  readonly launchOptions?: Record<string, string>;
}

/**
 * Resolves a Task's `Parameters` and checks what Dataflow needs of the result: template
 * parameters and launch options are strings. Throws PathError naming the place.
 */
export function resolveTaskParameters(
  parameters: TaskParameters,
  input: Json,
  context: Json,
): ResolvedTaskParameters {
  const template = JSON.parse(JSON.stringify(parameters)) as JsonObject;
  const resolved = resolveParameters(template, input, context);
  for (const field of ['parameters', 'launchOptions'] as const) {
    const values = resolved[field];
    if (values === undefined) continue;
    for (const [key, value] of Object.entries(values as JsonObject)) {
      if (typeof value === 'string') continue;
      const written = Object.hasOwn(template[field] as JsonObject, `${key}.$`) ? `${key}.$` : key;
      throw new PathError(
        `Parameters.${field}.${written}: resolved to ${describeJson(value)}, but Dataflow takes only strings here; wrap it in States.Format('{}', ...) or States.JsonToString(...)`,
      );
    }
  }
  return resolved as unknown as ResolvedTaskParameters;
}
