import { createHash } from 'node:crypto';

/**
 * The random values of one evaluation of one payload template (States.UUID, States.MathRandom).
 *
 * ASL draws them at random; dfchain must give a replayed event the very same values, so they
 * are derived, not drawn: the engine passes a seed unique to the run nonce, scope path, state
 * and attempt (itself drawn once and stored), and draw `n` of the evaluation is
 * sha256(seed + '\n' + n). Two calls in one template differ (n differs); evaluating the same
 * template again with the same seed gives the same values. Not cryptographically secure, and
 * AWS warns the same of States.MathRandom.
 */
export class IntrinsicRandom {
  private draws = 0;

  constructor(readonly seed: string) {}

  /** How many values were drawn so far. */
  get count(): number {
    return this.draws;
  }

  /** The next 32 pseudo-random bytes. */
  next(): Buffer {
    return sha256(`${this.seed}\n${this.draws++}`);
  }
}

/** SHA-256 of the UTF-8 text. */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A version 4 UUID (RFC 9562: version nibble 4, variant bits 10) made of the first 16 bytes. */
export function uuidFromBytes(bytes: Buffer): string {
  const b = Buffer.from(bytes.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * An integer in [start, end) from the bytes: the first 16 bytes as an unsigned number modulo
 * the width. The width is below 2^54 (start and end are safe integers), so the bias of the
 * modulo is below 2^-74.
 */
export function integerFromBytes(bytes: Buffer, start: number, end: number): number {
  const width = BigInt(end) - BigInt(start);
  const drawn = BigInt(`0x${bytes.subarray(0, 16).toString('hex')}`) % width;
  return Number(BigInt(start) + drawn);
}
