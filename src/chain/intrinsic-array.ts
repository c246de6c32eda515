import { PathError } from '../errors.js';
import type { Json } from '../json.js';

/**
 * The most items States.ArrayRange may make. "The newly generated array can't contain more than
 * 1000 items" (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html,
 * and the specification, https://states-language.net/spec.html#appendix-b).
 */
export const MAX_RANGE_ITEMS = 1000;

/** States.ArrayPartition: `array` cut into chunks of `size` items, the last one maybe shorter. */
export function partition(array: readonly Json[], size: number): Json[][] {
  const chunks: Json[][] = [];
  for (let at = 0; at < array.length; at += size) chunks.push(array.slice(at, at + size));
  return chunks;
}

/** How many items States.ArrayRange(start, end, step) makes (0 when step points away from end). */
export function rangeCount(start: number, end: number, step: number): number {
  const span = (end - start) / step;
  return span < 0 ? 0 : Math.floor(span) + 1;
}

/**
 * States.ArrayRange: start, start + step, … up to and including end (the AWS example
 * ArrayRange(1, 9, 2) is [1,3,5,7,9]). A negative step counts down; a step pointing away from
 * end gives []: neither the specification nor AWS says otherwise.
 */
export function range(start: number, end: number, step: number): number[] {
  const count = rangeCount(start, end, step);
  if (count > MAX_RANGE_ITEMS) {
    throw new PathError(rangeTooLong(start, end, step, count));
  }
  return Array.from({ length: count }, (_, i) => start + i * step);
}

/** The message for a States.ArrayRange that would make more than MAX_RANGE_ITEMS items. */
export function rangeTooLong(start: number, end: number, step: number, count: number): string {
  return `States.ArrayRange: from ${start} to ${end} by ${step} makes ${count} items, more than the ${MAX_RANGE_ITEMS} allowed; use a larger step (argument 3) or a shorter range`;
}

/**
 * States.ArrayUnique: the array without repeated values, each kept where it first appears.
 * Values are equal as JSON (objects whatever their key order), compared through a canonical
 * text built without recursion, so a deeply nested item cannot overflow the stack.
 */
export function unique(array: readonly Json[]): Json[] {
  const seen = new Set<string>();
  return array.filter((item) => {
    const key = canonicalJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Token = { readonly json: Json } | { readonly text: string };

/** JSON text with object keys sorted, written from an explicit stack (no recursion). */
export function canonicalJson(value: Json): string {
  let out = '';
  const stack: Token[] = [{ json: value }];
  for (let token = stack.pop(); token !== undefined; token = stack.pop()) {
    if ('text' in token) {
      out += token.text;
      continue;
    }
    const node = token.json;
    if (node === null || typeof node !== 'object') {
      out += JSON.stringify(node);
    } else if (Array.isArray(node)) {
      out += '[';
      stack.push({ text: ']' });
      for (let i = node.length - 1; i >= 0; i--) {
        stack.push({ json: node[i]! });
        if (i > 0) stack.push({ text: ',' });
      }
    } else {
      out += '{';
      stack.push({ text: '}' });
      const keys = Object.keys(node).sort();
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push({ json: node[key]! });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
    }
  }
  return out;
}

/** States.JsonMerge, shallow: the fields of `a`, then those of `b` over them. */
export function mergeShallow(
  a: { readonly [key: string]: Json },
  b: { readonly [key: string]: Json },
): { [key: string]: Json } {
  // Spread defines own properties, so a "__proto__" field stays a field.
  return { ...a, ...b };
}
