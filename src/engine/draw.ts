import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) derived from `seed`. Seeds come from the run's nonce (drawn once and
 * stored) plus scope, state and attempt, so every replay of a decision draws the same number.
 */
export function unitFromSeed(seed: string): number {
  const digest = createHash('sha256').update(seed).digest();
  // 48 bits: exact in a double, and plenty for a retry's jitter.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The seed of one attempt of one state, for intrinsics and jitter. */
export function attemptSeed(nonce: string, key: string, attempt: number): string {
  return `${nonce}\n${key}\n${attempt}`;
}
