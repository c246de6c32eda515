/** Most labels a Dataflow job may carry. */
export const MAX_LABELS = 64;

/**
 * Label keys dfchain sets on the jobs it launches, naming its run, chain and state, and for a
 * Map item's job the item's part (whose document holds the step).
 */
export const LABEL_KEYS = {
  run: 'dfchain-run',
  chain: 'dfchain-chain',
  state: 'dfchain-state',
  part: 'dfchain-part',
} as const;

/** Label keys dfchain sets on the jobs it launches. */
export const DFCHAIN_LABEL_KEYS = [
  LABEL_KEYS.run,
  LABEL_KEYS.chain,
  LABEL_KEYS.state,
  LABEL_KEYS.part,
] as const;

/** A label key dfchain sets. */
export type DfchainLabelKey = (typeof DFCHAIN_LABEL_KEYS)[number];

/** Label keys starting with this are dfchain's own. */
export const RESERVED_LABEL_PREFIX = 'dfchain-';

/** Most labels a chain may set itself on one job. */
export const MAX_USER_LABELS = MAX_LABELS - DFCHAIN_LABEL_KEYS.length;

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** Most characters in a label key or value. */
export const MAX_LABEL_CHARACTERS = 63;

/**
 * Most UTF-8 bytes in a label key or value: 63 characters of a non-Latin script (3 bytes each
 * in UTF-8, such as 日本) pass the character rule and still break this one.
 */
export const MAX_LABEL_BYTES = 128;

// Stryker disable next-line StringLiteral: Buffer.byteLength with an empty encoding name counts utf8
const withinBytes = (text: string): boolean => Buffer.byteLength(text, 'utf8') <= MAX_LABEL_BYTES;

/** True when `key` obeys Dataflow's label key rule: pattern, 63 characters, 128 bytes. */
export function isValidLabelKey(key: string): boolean {
  return LABEL_KEY.test(key) && withinBytes(key);
}

/** True when `value` obeys Dataflow's label value rule: pattern, 63 characters, 128 bytes. */
export function isValidLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value) && withinBytes(value);
}

/**
 * A valid label value close to `value`: lowercased, other characters turned into '-', cut to
 * 63 characters and 128 bytes (at a character boundary).
 */
export function suggestLabelValue(value: string): string {
  let out = '';
  let bytes = 0;
  let count = 0;
  for (const c of value.toLowerCase().replace(/[^\p{Ll}\p{Lo}\p{N}_-]+/gu, '-')) {
    // Stryker disable next-line StringLiteral: Buffer.byteLength with an empty encoding name counts utf8
    const size = Buffer.byteLength(c, 'utf8');
    if (count === MAX_LABEL_CHARACTERS || bytes + size > MAX_LABEL_BYTES) break;
    out += c;
    bytes += size;
    count++;
  }
  return out;
}

/** A valid label key close to `key`; it also never starts with something other than a letter. */
export function suggestLabelKey(key: string): string {
  const value = suggestLabelValue(key).replace(/^[^\p{Ll}\p{Lo}]+/u, '');
  return value === '' ? 'label' : value;
}
