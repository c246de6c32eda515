import { LABEL_KEYS, suggestLabelValue } from '../chain/labels.js';

/**
 * The labels naming run, chain and state that map a job back to its run. Run ids and chain
 * names are label-safe by validation; a state name such as `Ingest Sales` is mapped to
 * `ingest-sales`, a lossy but harmless step, since the step itself is found by job name.
 */
export function jobLabels(runId: string, chain: string, state: string): Record<string, string> {
  return {
    [LABEL_KEYS.run]: runId,
    [LABEL_KEYS.chain]: chain,
    [LABEL_KEYS.state]: suggestLabelValue(state),
  };
}
