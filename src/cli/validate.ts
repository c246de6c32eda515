import { loadChains } from '../chain/load.js';

/** `dfchain validate`: loads every chain in `dir` exactly as the function's cold start does. */
export function validateCommand(dir: string, out: (line: string) => void): number {
  const chains = loadChains(dir);
  for (const chain of chains.values()) {
    const states = Object.keys(chain.definition.States).length;
    out(
      `ok  ${chain.name}  (${chain.file}: ${states} state${states === 1 ? '' : 's'}, starts at ${chain.definition.StartAt})`,
    );
  }
  out(`${chains.size} chain${chains.size === 1 ? '' : 's'} valid in ${dir}`);
  return 0;
}
