/** Most labels a Dataflow job may carry. */
export const MAX_LABELS = 64;

/** Label keys dfchain sets on every job it launches, naming its run, chain and state. */
export const LABEL_KEYS = {
  run: 'dfchain-run',
  chain: 'dfchain-chain',
  state: 'dfchain-state',
} as const;

/** Label keys dfchain sets on every job it launches. */
export const DFCHAIN_LABEL_KEYS = [LABEL_KEYS.run, LABEL_KEYS.chain, LABEL_KEYS.state] as const;

/** A label key dfchain sets. */
export type DfchainLabelKey = (typeof DFCHAIN_LABEL_KEYS)[number];

/** Label keys starting with this are dfchain's own. */
export const RESERVED_LABEL_PREFIX = 'dfchain-';

/** Most labels a chain may set itself on one job. */
export const MAX_USER_LABELS = MAX_LABELS - DFCHAIN_LABEL_KEYS.length;

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** True when `key` obeys Dataflow's label key rule. */
export function isValidLabelKey(key: string): boolean {
  return LABEL_KEY.test(key);
}

/** True when `value` obeys Dataflow's label value rule. */
export function isValidLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** A valid label value close to `value`: lowercased, other characters turned into '-'. */
export function suggestLabelValue(value: string): string {
  return [...value.toLowerCase().replace(/[^\p{Ll}\p{Lo}\p{N}_-]+/gu, '-')].slice(0, 63).join('');
}

/** A valid label key close to `key`; it also never starts with something other than a letter. */
export function suggestLabelKey(key: string): string {
  const value = suggestLabelValue(key).replace(/^[^\p{Ll}\p{Lo}]+/u, '');
  return value === '' ? 'label' : value;
}
