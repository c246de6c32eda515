import { basename } from 'node:path';
import { loadChains, readChainJson } from '../chain/load.js';
import type { ChainDefinition } from '../chain/types.js';
import { chainWarnings } from '../chain/validate.js';
import { ChainsInvalidError, type ChainProblem } from '../errors.js';
import { validateChainFile } from './chain-file.js';

/** What `dfchain validate` checks. */
export interface ValidateOptions {
  /** The chains folder, checked whole when `files` is empty. */
  readonly dir: string;
  /** Chain files named on the command line; when given, only these are checked. */
  readonly files: readonly string[];
  /**
   * One JSON object `{valid, problems: [{file, path, message}], warnings: [same]}` on stdout
   * instead of lines.
   */
  readonly json: boolean;
}

/** One checked chain file: as given on the command line, or its path in the chains folder. */
export interface Checked {
  readonly file: string;
  readonly name: string;
  readonly problems: readonly ChainProblem[];
  /** Paths that cannot be checked before the run: said, but they do not make it invalid. */
  readonly warnings: readonly ChainProblem[];
  readonly definition?: ChainDefinition;
}

/** `FILE: JSON.PATH: message`, `(root)` standing for the whole file. */
export function problemLine(file: string, problem: ChainProblem): string {
  return `${file}: ${problem.path || '(root)'}: ${problem.message}`;
}

/** `FILE: JSON.PATH: warning: message`, on stderr beside the problems' lines on stdout. */
export function warningLine(file: string, warning: ChainProblem): string {
  return `${file}: ${warning.path || '(root)'}: warning: ${warning.message}`;
}

/** The warnings of the chain file `file` of the folder (read again: loadChains keeps none). */
function folderWarnings(file: string): ChainProblem[] {
  const json = readChainJson(file, []);
  return json === undefined ? [] : chainWarnings(json);
}

/**
 * The chains folder exactly as the function's cold start loads it (`loadChains`): the folder
 * missing or empty throws ConfigError, as it stops the function. Valid chains are only known
 * one by one when every chain is valid: `loadChains` reports the invalid ones alone.
 */
function checkFolder(dir: string): Checked[] {
  try {
    return [...loadChains(dir, { paths: true }).values()].map((chain) => ({
      file: chain.file,
      name: chain.name,
      problems: [],
      warnings: chainWarnings(chain.definition),
      definition: chain.definition,
    }));
  } catch (error) {
    if (!(error instanceof ChainsInvalidError)) throw error;
    return error.errors.map((e) => ({
      file: e.file,
      name: basename(e.file).replace(/\.json$/, ''),
      problems: e.problems,
      warnings: folderWarnings(e.file),
    }));
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `dfchain validate [--chains-dir DIR] [--json] [FILE…]`: checks the chain files given, or every
 * chain of the folder. Prints one line `FILE: JSON.PATH: message` per problem on `out` (and
 * nothing else there), a line `FILE: JSON.PATH: warning: message` per path that cannot be
 * checked before the run, a line per valid chain and a summary on `err`; returns 0 when every
 * chain is valid (warnings or not), 1 otherwise. A `schema.json` among the files is skipped, as the function
 * skips it, so `dfchain validate dag/*.json` works.
 */
export function validateCommand(
  options: ValidateOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  return reportChecked(checkChains(options, err), options, out, err);
}

/**
 * The chain files `dfchain validate` names, checked: those given (a `schema.json` among them
 * skipped, with a line on `err`), or every chain of the folder.
 */
export function checkChains(
  options: Pick<ValidateOptions, 'dir' | 'files'>,
  err: (line: string) => void,
): Checked[] {
  const files = [...new Set(options.files)].filter((file) => {
    if (basename(file) !== 'schema.json') return true;
    err(`skipped ${file}: the chain schema, not a chain (the function does not load it)`);
    return false;
  });
  return options.files.length > 0
    ? files.map((file) => ({ file, ...validateChainFile(file) }))
    : checkFolder(options.dir);
}

/** Prints what {@link checkChains} found as `dfchain validate` does; 0 when every chain is valid. */
export function reportChecked(
  checked: readonly Checked[],
  options: ValidateOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  const byFile = options.files.length > 0;
  const invalid = checked.filter((c) => c.problems.length > 0);
  if (options.json) {
    const problems = invalid.flatMap((c) =>
      c.problems.map((p) => ({ file: c.file, path: p.path, message: p.message })),
    );
    const warnings = checked.flatMap((c) =>
      c.warnings.map((w) => ({ file: c.file, path: w.path, message: w.message })),
    );
    out(JSON.stringify({ valid: invalid.length === 0, problems, warnings }));
    return invalid.length === 0 ? 0 : 1;
  }
  for (const c of checked) {
    for (const problem of c.problems) out(problemLine(c.file, problem));
    for (const warning of c.warnings) err(warningLine(c.file, warning));
    if (c.definition) {
      const states = Object.keys(c.definition.States).length;
      err(
        `ok  ${c.name}  (${c.file}: ${plural(states, 'state')}, starts at ${c.definition.StartAt})`,
      );
    }
  }
  const where = byFile ? '' : ` in ${options.dir}`;
  const count = checked.reduce((n, c) => n + c.warnings.length, 0);
  const warned = count > 0 ? `; ${plural(count, 'path')} cannot be checked before the run` : '';
  if (invalid.length === 0) err(`${plural(checked.length, 'chain')} valid${where}${warned}`);
  else if (byFile) err(`${invalid.length} of ${plural(checked.length, 'chain')} invalid${warned}`);
  else err(`${plural(invalid.length, 'chain')} invalid${where}${warned}`);
  return invalid.length === 0 ? 0 : 1;
}
