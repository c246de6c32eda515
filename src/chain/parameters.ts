import { PathError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { evaluateExpression, parsePathExpression, type Expression } from './paths.js';

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
