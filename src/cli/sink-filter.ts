import { chainPrefixes } from '../chain/job-name.js';
import { loadChains } from '../chain/load.js';
import { chainFacts } from '../deploy/chain-facts.js';
import { renderFilter, sinkFilter } from '../deploy/sink-filter.js';

/**
 * `dfchain sink-filter`: prints the Log Router sink filter for the chains in `dir` (validated
 * first): their Dataflow job-name prefixes and the Cloud Run jobs their `run:job` Tasks name.
 */
export function sinkFilterCommand(dir: string, out: (line: string) => void): number {
  const chains = loadChains(dir);
  const runJobs = chainFacts(chains.values()).runJobs;
  out(renderFilter(sinkFilter(chainPrefixes(chains.values()), runJobs)));
  return 0;
}
