import { LABEL_KEYS, suggestLabelValue } from '../chain/labels.js';
import type { Run } from './run.js';

/**
 * The labels naming run, chain and state that map a job back to its run. Run ids and chain
 * names are label-safe by validation; a state name such as `Ingest Sales` is mapped to
 * `ingest-sales`, a lossy but harmless step, since the step itself is found by job name.
 */
export function jobLabels(
  runId: string,
  chain: string,
  state: string,
  part?: string,
): Record<string, string> {
  return {
    [LABEL_KEYS.run]: runId,
    [LABEL_KEYS.chain]: chain,
    [LABEL_KEYS.state]: suggestLabelValue(state),
    ...(part !== undefined ? { [LABEL_KEYS.part]: part } : {}),
  };
}

/** The labels a step of `run` (a run or a part) gives its job. */
export function stepLabels(
  run: Pick<Run, 'id' | 'chain' | 'part'>,
  state: string,
): Record<string, string> {
  return jobLabels(run.part?.root ?? run.id, run.chain, state, run.part?.key);
}
