import { PathError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { MAX_VALUE_DEPTH, jsonDepth } from './json-depth.js';
import {
  IntrinsicRandom,
  evaluateExpression,
  parsePathExpression,
  setOwn,
  type Expression,
} from './paths.js';

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

/** The parsed `.$` expression `text`, parsed once per text for the process. */
export function parseCached(text: string): Expression {
  let expression = parsed.get(text);
  if (!expression) {
    expression = parsePathExpression(text);
    parsed.set(text, expression);
  }
  return expression;
}

/**
 * An ASL Payload Template (`Parameters`, `ItemSelector`, `ResultSelector`, a Pass state's
 * `Parameters`): copies `template`, replacing each `key.$: expression` by `key: value`, where
 * `$` is `input` and `$$` is `context`. Throws PathError naming the place (under `place`, such as
 * `ResultSelector.x.$`), and only PathError: the engine turns it into `States.Runtime` on the run,
 * whereas any other error would fail the delivery, be retried for ever and leave the run RUNNING.
 *
 * `seed` (unique to run, scope, state and attempt; see IntrinsicRandom) makes States.UUID and
 * States.MathRandom deterministic: the whole template draws from it in document order, so two
 * calls differ and the same template with the same seed gives the same values.
 */
export function resolveParameters(
  template: JsonObject,
  input: Json,
  context: Json,
  place = 'Parameters',
  seed = '',
): JsonObject {
  const random = new IntrinsicRandom(seed);
  const resolve = (node: Json, at: string): Json => {
    if (Array.isArray(node)) return node.map((item, i) => resolve(item, `${at}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const here = `${at}.${key}`;
      if (!key.endsWith('.$')) {
        setOwn(out, key, resolve(value, here));
        continue;
      }
      if (typeof value !== 'string')
        throw new PathError(`${here}: must be a string (a path or an intrinsic)`);
      setOwn(out, key.slice(0, -2), evaluate(value, here, input, context, random));
    }
    return out;
  };
  return resolve(template, place) as JsonObject;
}

/** One `.$` value, evaluated; every failure becomes a PathError naming `here`. */
function evaluate(
  text: string,
  here: string,
  input: Json,
  context: Json,
  random: IntrinsicRandom,
): Json {
  let value: Json;
  try {
    value = evaluateExpression(parseCached(text), input, context, random);
  } catch (error) {
    if (error instanceof PathError)
      throw new PathError(`${here}: ${error.message}`, { cause: error });
    // A RangeError or TypeError from data nobody foresaw: still a failure of this path.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new PathError(`${here}: evaluating ${JSON.stringify(text)} failed (${detail})`, {
      cause: error,
    });
  }
  // The run store and the launch request serialize this value, and JSON.stringify recurses.
  if (jsonDepth(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) {
    throw new PathError(
      `${here}: ${JSON.stringify(text)} yields a value nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain passes on; select a shallower part of it`,
    );
  }
  return value;
}
