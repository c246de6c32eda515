import type { Json } from '../json.js';

/**
 * Deepest nesting of JSON that dfchain parses or builds while it evaluates a chain: a value
 * from `States.StringToJson`, or any value a `.$` path or intrinsic yields. JSON.stringify
 * recurses, and at ~10,000 levels it throws RangeError; the run store and the launch request
 * both serialize these values, so they must stay far below that.
 */
export const MAX_VALUE_DEPTH = 64;

/**
 * How deeply `value` nests: 0 for a scalar, 1 for `{}` or `[1]`, 2 for `{"a": []}`. Walks with
 * an explicit stack, so any depth is safe to measure; stops early, returning `limit + 1`, once
 * the value is known to be deeper than `limit`.
 */
export function jsonDepth(value: Json, limit = Infinity): number {
  let deepest = 0;
  const stack: { node: Json; depth: number }[] = [{ node: value, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, depth } = top;
    if (node === null || typeof node !== 'object') continue;
    const here = depth + 1;
    if (here > limit) return limit + 1;
    if (here > deepest) deepest = here;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      // Stryker disable next-line LogicalOperator: a null child pushed anyway is skipped when it is popped, so the depth is the same
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: here });
    }
  }
  return deepest;
}
