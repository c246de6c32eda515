import { chainPrefixes } from '../chain/job-name.js';
import { loadChains } from '../chain/load.js';
import { renderFilter, sinkFilter } from '../deploy/sink-filter.js';

/** `dfchain sink-filter`: prints the Log Router sink filter for the chains in `dir` (validated first). */
export function sinkFilterCommand(dir: string, out: (line: string) => void): number {
  const chains = loadChains(dir);
  out(renderFilter(sinkFilter(chainPrefixes(chains.values()))));
  return 0;
}
