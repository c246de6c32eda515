import type { Json } from '../json.js';

/** A short description of a JSON value for messages, such as `number 3` or `an object`. */
export function describeJson(value: Json): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Deep equality of JSON values, ignoring key order. Compares pairs from an explicit stack, not
 * by recursion: run input reaches here (States.ArrayContains), and recursion over a value nested
 * 20,000 deep threw RangeError.
 */
export function sameJson(a: Json, b: Json): boolean {
  const pairs: [Json, Json][] = [[a, b]];
  for (let pair = pairs.pop(); pair !== undefined; pair = pairs.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      x.forEach((item, i) => pairs.push([item, y[i]!]));
      continue;
    }
    if (Array.isArray(y)) return false;
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(y, key)) return false;
      pairs.push([x[key]!, y[key]!]);
    }
  }
  return true;
}
