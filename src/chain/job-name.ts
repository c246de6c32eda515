import { createHash } from 'node:crypto';
import { mapProcessor, type Chain, type State } from './types.js';

/** Hex characters dfchain appends (after a '-') to a Task's jobName prefix. */
export const JOB_NAME_SUFFIX_LENGTH = 12;

/** Dataflow's rule for a whole job name. */
export const JOB_NAME_PATTERN = /^[a-z]([-a-z0-9]{0,1022}[a-z0-9])?$/;

/** A prefix that, followed by `-<suffix>`, always makes a valid job name. */
export const JOB_NAME_PREFIX_PATTERN = /^[a-z][-a-z0-9]*$/;

/** Longest prefix: Dataflow names are at most 1024 characters, the suffix takes 13. */
export const MAX_JOB_NAME_PREFIX_LENGTH = 1024 - 1 - JOB_NAME_SUFFIX_LENGTH;

/** What identifies one launch of one state of one run. */
export interface JobKey {
  readonly chain: string;
  readonly runId: string;
  readonly state: string;
  readonly attempt: number;
  /** The run's random nonce (empty for runs stored before nonces existed). */
  readonly nonce: string;
}

/**
 * The deterministic, run-unique Dataflow job name of one launch: `<prefix>-<12 hex>`. Every
 * replay of the run computes the same name; without the run's nonce nobody else can.
 */
export function jobNameFor(prefix: string, key: JobKey): string {
  const nonce = key.nonce === '' ? '' : `\n${key.nonce}`;
  const digest = createHash('sha256')
    .update(`${key.chain}\n${key.runId}\n${key.state}\n${key.attempt}${nonce}`)
    .digest('hex');
  return `${prefix}-${digest.slice(0, JOB_NAME_SUFFIX_LENGTH)}`;
}

/** True when `name` is `<p>-<12 lowercase hex>` for a prefix `p` in `prefixes`. */
export function couldBeChainJob(name: string, prefixes: ReadonlySet<string>): boolean {
  const dash = name.length - JOB_NAME_SUFFIX_LENGTH - 1;
  // Checked character by character: this runs for every foreign job event the sink lets through.
  if (dash < 1 || name.charCodeAt(dash) !== 0x2d) return false;
  for (let i = dash + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const hex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
    if (!hex) return false;
  }
  return prefixes.has(name.slice(0, dash));
}

/** Every Task jobName prefix of the given chains, Tasks in branches and item processors included. */
export function chainPrefixes(chains: Iterable<Chain>): Set<string> {
  const prefixes = new Set<string>();
  const collect = (states: Readonly<Record<string, State>>): void => {
    for (const state of Object.values(states)) {
      if (state.Type === 'Task' && state.Parameters.jobName !== undefined)
        prefixes.add(state.Parameters.jobName);
      else if (state.Type === 'Parallel') state.Branches.forEach((b) => collect(b.States));
      else if (state.Type === 'Map') collect(mapProcessor(state).States);
    }
  };
  for (const chain of chains) collect(chain.definition.States);
  return prefixes;
}

/** True when `prefix` is a valid jobName prefix. */
export function isValidJobNamePrefix(prefix: string): boolean {
  return prefix.length <= MAX_JOB_NAME_PREFIX_LENGTH && JOB_NAME_PREFIX_PATTERN.test(prefix);
}

/** A valid prefix close to `prefix`: lowercased, other characters turned into '-'. */
export function suggestJobNamePrefix(prefix: string): string {
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^-a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_JOB_NAME_PREFIX_LENGTH);
  return cleaned === '' ? 'job' : cleaned;
}
