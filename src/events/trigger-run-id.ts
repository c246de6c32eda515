import { createHash } from 'node:crypto';
import { chainIdPart } from '../schedule/run-id.js';

const RUN_ID_MAX = 63;
// 64 bits of a hash of chain, bucket, name and generation: two objects of one chain share an id
// with odds of 1 in 2^32 only after ~4 billion files.
const HASH_LENGTH = 16;
const CHAIN_PART_MAX = RUN_ID_MAX - HASH_LENGTH - 1;

/**
 * The id of the run a finalized object starts of `chain`: the chain's label-safe part (cut to
 * 46), "-", and 16 hex digits of a hash of chain, bucket, name and generation. Every delivery
 * of that object's notification names the same run, so a duplicate starts nothing, while a new
 * generation of the same name (an overwrite) is a new run. Matches RUN_ID_PATTERN.
 */
export function triggerRunId(
  chain: string,
  bucket: string,
  name: string,
  generation: string,
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([chain, bucket, name, generation]))
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const part = chainIdPart(chain)
    .slice(0, CHAIN_PART_MAX)
    .replace(/[-_]+$/, '');
  return part === '' ? hash : `${part}-${hash}`;
}
