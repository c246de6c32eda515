import { jsonDepth } from '../chain/json-depth.js';
import type { JsonObject } from '../json.js';

/**
 * Largest `start` input, in bytes of its JSON (UTF-8). A quarter of a Firestore document
 * (1 MiB, cloud.google.com/firestore/quotas): the run document holds the input beside the
 * launch requests resolved from it, and Cloud Logging refuses entries over 256 KB.
 */
export const MAX_INPUT_BYTES = 256 * 1024;

/**
 * Deepest `start` input, counted as Firestore counts maps and arrays (the input object is level
 * 1). Firestore stops at 20 levels (cloud.google.com/firestore/quotas, "Maximum depth of fields
 * in a map or array"); 16 leaves room to nest the input inside a stored run. Past ~10,000 levels
 * JSON.stringify throws RangeError, which once made a start message fail for ever.
 */
export const MAX_INPUT_DEPTH = 16;

/** Why a `start` input is over dfchain's caps, or undefined when it is within them. */
export function inputLimitProblem(input: JsonObject): string | undefined {
  // Depth first, and without recursion: measuring the size serializes, and that recurses.
  if (jsonDepth(input, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH) {
    return `start.input is nested more than ${MAX_INPUT_DEPTH} levels deep, over dfchain's limit of ${MAX_INPUT_DEPTH} (the input object is level 1); flatten it`;
  }
  // Stryker disable next-line StringLiteral: Buffer.byteLength counts an empty encoding name as UTF-8, its default
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > MAX_INPUT_BYTES) {
    return `start.input is ${bytes} bytes as JSON, over dfchain's limit of ${MAX_INPUT_BYTES} (256 KiB); pass a reference to the data, such as a gs:// path, instead`;
  }
  return undefined;
}
