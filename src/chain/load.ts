import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ChainValidationError,
  ChainsInvalidError,
  ConfigError,
  type ChainProblem,
} from '../errors.js';
import { MAX_VALUE_DEPTH } from './json-depth.js';
import { scanJson } from './json-syntax.js';
import type { Chain } from './types.js';
import { chainProblems, type CheckOptions } from './validate.js';

/** A chain's name becomes a Dataflow label value, so it obeys (a strict form of) that rule. */
export const CHAIN_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const SET_DIR = 'set DFCHAIN_CHAINS_DIR to the folder that holds the chain files';

/**
 * Loads and validates every chain file (`*.json` but `schema.json`) in `dir`. Throws
 * ConfigError when the folder is missing or empty, and ChainsInvalidError listing every problem
 * of every invalid file. `options`: checks beyond the function's own (`dfchain validate`).
 */
export function loadChains(dir: string, options: CheckOptions = {}): Map<string, Chain> {
  const files = chainFiles(dir);
  const chains = new Map<string, Chain>();
  const errors: ChainValidationError[] = [];
  for (const fileName of files) {
    const file = join(dir, fileName);
    const name = fileName.slice(0, -'.json'.length);
    const problems: ChainProblem[] = [];
    if (!CHAIN_NAME_PATTERN.test(name)) problems.push({ path: '', message: badNameMessage(name) });
    const json = readChainJson(file, problems);
    if (json !== undefined) problems.push(...chainProblems(json, options));
    if (problems.length > 0) errors.push(new ChainValidationError(file, problems));
    else chains.set(name, { name, file, definition: json as Chain['definition'] });
  }
  if (errors.length > 0) throw new ChainsInvalidError(errors);
  return chains;
}

function chainFiles(dir: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    throw new ConfigError(
      `chains folder "${dir}" (${resolve(dir)}) does not exist; create it, or ${SET_DIR}`,
      {
        cause: error,
      },
    );
  }
  if (!isDirectory) throw new ConfigError(`chains folder "${dir}" is not a folder; ${SET_DIR}`);
  const files = readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && entry.name.endsWith('.json') && entry.name !== 'schema.json',
    )
    .map((entry) => entry.name)
    .sort();
  if (files.length === 0) {
    throw new ConfigError(
      `chains folder "${dir}" has no chain files (*.json other than schema.json); add one, or ${SET_DIR}`,
    );
  }
  return files;
}

/** The parsed file, or undefined after recording why it cannot be read as JSON. */
export function readChainJson(file: string, problems: ChainProblem[]): unknown {
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
  // Bounded depth: validation walks the file recursively (as ajv does).
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

/** Why `name` cannot be a chain's name, with the file name to use instead. */
export function badNameMessage(name: string): string {
  const fixed =
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+/, '')
      .slice(0, 63) || 'chain';
  return `${JSON.stringify(name)} is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "${fixed}.json"`;
}
