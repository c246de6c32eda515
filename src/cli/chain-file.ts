import { basename } from 'node:path';
import { CHAIN_NAME_PATTERN, badNameMessage, readChainJson } from '../chain/load.js';
import type { ChainDefinition } from '../chain/types.js';
import { chainProblems, chainWarnings } from '../chain/validate.js';
import type { ChainProblem } from '../errors.js';

/** What validating one chain file found. */
export interface ChainFileResult {
  /** The chain's name: the file name without `.json`. */
  readonly name: string;
  readonly problems: readonly ChainProblem[];
  /** Paths that cannot be checked before the run (chainWarnings), read or not it is valid. */
  readonly warnings: readonly ChainProblem[];
  /** Set when the file has no problem. */
  readonly definition?: ChainDefinition;
}

/**
 * Validates one chain file named on the command line, with the checks and messages of
 * `loadChains` for a file of the chains folder (the same reader): the name rule, then reading
 * (BOM, depth, syntax, duplicate keys), then `chainProblems`, with the static path checks the
 * function leaves to run time, and the warnings of the paths those checks cannot decide.
 */
export function validateChainFile(file: string): ChainFileResult {
  const name = basename(file).replace(/\.json$/, '');
  const problems: ChainProblem[] = [];
  if (!CHAIN_NAME_PATTERN.test(name)) problems.push({ path: '', message: badNameMessage(name) });
  const json = readChainJson(file, problems);
  // Before deploy, also the paths that would only fail at run time.
  if (json !== undefined) problems.push(...chainProblems(json, { paths: true }));
  const warnings = json === undefined ? [] : chainWarnings(json);
  return problems.length > 0
    ? { name, problems, warnings }
    : { name, problems, warnings, definition: json as ChainDefinition };
}
