import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MAX_VALUE_DEPTH } from '../chain/json-depth.js';
import { scanJson } from '../chain/json-syntax.js';
import { CHAIN_NAME_PATTERN } from '../chain/load.js';
import type { ChainDefinition } from '../chain/types.js';
import { chainProblems } from '../chain/validate.js';
import type { ChainProblem } from '../errors.js';

/** What validating one chain file found. */
export interface ChainFileResult {
  /** The chain's name: the file name without `.json`. */
  readonly name: string;
  readonly problems: readonly ChainProblem[];
  /** Set when the file has no problem. */
  readonly definition?: ChainDefinition;
}

/**
 * Validates one chain file named on the command line, with the checks and messages of
 * `loadChains` for a file of the chains folder: the name rule, then reading (BOM, depth, syntax,
 * duplicate keys), then `chainProblems`. `loadChains` reads whole folders only and keeps its
 * per-file reader private, so this mirrors that reader; test/unit/cli/validate.test.ts checks
 * that both report the same lines for the same files. Exporting the reader from
 * src/chain/load.ts would let this file go.
 */
export function validateChainFile(file: string): ChainFileResult {
  const name = basename(file).replace(/\.json$/, '');
  const problems: ChainProblem[] = [];
  if (!CHAIN_NAME_PATTERN.test(name)) problems.push({ path: '', message: badNameMessage(name) });
  const json = readChainJson(file, problems);
  if (json !== undefined) problems.push(...chainProblems(json));
  return problems.length > 0
    ? { name, problems }
    : { name, problems, definition: json as ChainDefinition };
}

/**
 * As src/chain/load.ts (but for a missing file, which a folder listing cannot name): the parsed
 * file, or undefined after recording why it cannot be read as JSON.
 */
function readChainJson(file: string, problems: ChainProblem[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    // A path typed on the command line is missing far more often than unreadable.
    const message =
      code === 'ENOENT'
        ? 'no such file (ENOENT); check the path'
        : `cannot read the file (${code}); check its permissions`;
    problems.push({ path: '', message });
    return undefined;
  }
  const scan = scanJson(text, MAX_VALUE_DEPTH);
  if (scan.tooDeep) {
    const { line, column } = scan.tooDeep;
    problems.push({
      path: '',
      message: `nested deeper than ${MAX_VALUE_DEPTH} levels at line ${line}, column ${column}; dfchain reads chain files up to ${MAX_VALUE_DEPTH} levels deep, so flatten it`,
    });
    return undefined;
  }
  if (scan.syntaxError) {
    const { line, column, reason } = scan.syntaxError;
    problems.push({
      path: '',
      message: `invalid JSON at line ${line}, column ${column}: ${reason}`,
    });
    return undefined;
  }
  for (const { path, key } of scan.duplicateKeys) {
    problems.push({
      path,
      message: `${JSON.stringify(key)} appears twice; JSON keeps only the last one, so rename or merge them`,
    });
  }
  return JSON.parse(text) as unknown;
}

/** As src/chain/load.ts. */
function badNameMessage(name: string): string {
  const fixed =
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+/, '')
      .slice(0, 63) || 'chain';
  return `${JSON.stringify(name)} is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "${fixed}.json"`;
}
