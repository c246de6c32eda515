import { createHash } from 'node:crypto';

/** Longest run id (a Dataflow label value holds 63 characters). */
const RUN_ID_MAX = 63;
/** `-yyyymmddThhmmz`, lowercase. */
const TICK_SUFFIX_LENGTH = 15;
const CHAIN_PART_MAX = RUN_ID_MAX - TICK_SUFFIX_LENGTH;
const HASH_LENGTH = 8;
const LABEL_SAFE = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The chain's part of a scheduled run id: the chain's name when it is label-safe and at most
 * 48 characters; else its label-safe letters cut to 39, "-", and 8 hex digits of a hash of the
 * full name, so two chains that differ only where it was cut or changed still differ.
 */
export function chainIdPart(chain: string): string {
  if (LABEL_SAFE.test(chain) && chain.length <= CHAIN_PART_MAX) return chain;
  const hash = createHash('sha256').update(chain).digest('hex').slice(0, HASH_LENGTH);
  const kept = chain
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, CHAIN_PART_MAX - HASH_LENGTH - 1)
    .replace(/[-_]+$/, '');
  return kept === '' ? hash : `${kept}-${hash}`;
}

/**
 * The id of the run that stands for the tick `scheduledTime` of `chain`:
 * `{chain}-{yyyymmdd}t{hhmm}z` in UTC (minutes: cron ticks have no seconds), such as
 * `nightly-20260105t0400z`. The scheduler's trigger and `dfchain backfill` both name a tick's
 * run this way, so the tick runs once however it is started.
 */
export function scheduledRunId(chain: string, scheduledTime: Date): string {
  const iso = scheduledTime.toISOString();
  const day = iso.slice(0, 10).replaceAll('-', '');
  const minute = iso.slice(11, 16).replace(':', '');
  return `${chainIdPart(chain)}-${day}t${minute}z`;
}
