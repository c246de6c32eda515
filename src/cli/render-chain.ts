import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { didYouMean } from '../chain/did-you-mean.js';
import type { ChainDefinition } from '../chain/types.js';
import { validateChainFile } from './chain-file.js';
import { problemLine } from './validate.js';

/** A chain `dfchain render` found and validated, or the lines saying why it cannot render it. */
export type FoundChain =
  | {
      readonly kind: 'found';
      /** The chain's name: its file name without `.json` (labels and job names use it). */
      readonly name: string;
      readonly file: string;
      readonly definition: ChainDefinition;
    }
  | { readonly kind: 'refused'; readonly lines: readonly string[] };

/** True when CHAIN is written as a file (a folder in it, or `.json`), not as a chain's name. */
function isPath(chain: string): boolean {
  return chain.includes('/') || chain.includes('\\') || chain.endsWith('.json');
}

/** The chain names of a folder's files, as the function loads them (schema.json is not one); undefined when it cannot be read. */
export function chainFileNames(dir: string): string[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json') && e.name !== 'schema.json')
      .map((e) => e.name.slice(0, -'.json'.length))
      .sort();
  } catch {
    return undefined;
  }
}

/** One line for a chain name the folder does not hold, with the names it does. */
function unknownChain(chain: string, dir: string): string {
  const names = chainFileNames(dir);
  if (names === undefined) {
    return `no chain "${chain}": the chains folder "${dir}" (${resolve(dir)}) cannot be read; pass --chains-dir DIR or set DFCHAIN_CHAINS_DIR`;
  }
  const guess = didYouMean(chain, names);
  const known = names.length === 0 ? 'it has no chain files' : `its chains: ${names.join(', ')}`;
  return `no chain "${chain}" in ${dir}${guess ? ` (did you mean "${guess}"?)` : ''}; ${known}`;
}

/**
 * The chain CHAIN names: a file path as given, or else the file `CHAIN.json` of the chains
 * folder, validated as `dfchain validate FILE` validates it (the function's own checks).
 */
export function findChain(chain: string, dir: string): FoundChain {
  const file = isPath(chain) ? chain : join(dir, `${chain}.json`);
  if (!existsSync(file)) {
    const line = isPath(chain)
      ? `no chain file "${chain}" (${resolve(chain)}); check the path`
      : unknownChain(chain, dir);
    return { kind: 'refused', lines: [line] };
  }
  const checked = validateChainFile(file);
  if (checked.definition === undefined) {
    const problems = checked.problems.map((p) => problemLine(file, p));
    return {
      kind: 'refused',
      lines: [...problems, `${file}: invalid chain; fix the problems above, then render it`],
    };
  }
  return { kind: 'found', name: checked.name, file, definition: checked.definition };
}
