import { isValidLabelKey, isValidLabelValue, MAX_LABELS } from '../chain/labels.js';

/**
 * Why labels computed at run time (from `.$` paths) cannot go to Dataflow, or undefined when
 * they can. Caught before the launch, so the run fails with the place named instead of a 400.
 */
export function labelProblem(labels: Readonly<Record<string, unknown>>): string | undefined {
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS)
    return `${entries.length} labels, more than Dataflow's ${MAX_LABELS}`;
  for (const [key, value] of entries) {
    if (!isValidLabelKey(key))
      return `label key ${JSON.stringify(key)} is not a Dataflow label key`;
    if (typeof value !== 'string' || !isValidLabelValue(value)) {
      return `label ${key}'s value ${JSON.stringify(value)} is not a Dataflow label value (at most 63 lowercase letters, digits, '_' or '-', and 128 bytes)`;
    }
  }
  return undefined;
}
