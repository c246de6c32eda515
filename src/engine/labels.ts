/** Label keys dfchain puts on every job it launches; chain files may not set them. */
export const LABEL_KEYS = {
  run: 'dfchain-run',
  chain: 'dfchain-chain',
  state: 'dfchain-state',
} as const;

const MAX_LABEL_VALUE = 63;

/**
 * A Dataflow label value for a state name: labels allow only lowercase letters, digits, `_` and
 * `-`, so `Ingest Sales` becomes `ingest_sales`. The step itself is found by job name, not by
 * this label, so a lossy mapping is only cosmetic.
 */
export function stateLabelValue(state: string): string {
  return state
    .toLowerCase()
    .replace(/[^\p{Ll}\p{Lo}\p{N}_-]/gu, '_')
    .slice(0, MAX_LABEL_VALUE);
}

/** The labels naming run, chain and state that map a job back to its run. */
export function jobLabels(runId: string, chain: string, state: string): Record<string, string> {
  return {
    [LABEL_KEYS.run]: runId,
    [LABEL_KEYS.chain]: chain,
    [LABEL_KEYS.state]: stateLabelValue(state),
  };
}
