import { loadChains } from '../chain/load.js';
import { chainFacts, renderFacts } from '../deploy/chain-facts.js';

/**
 * `dfchain deploy-facts`: prints what a deployment of the chains in `dir` must create and grant
 * (regions, service accounts, buckets, one Cloud Scheduler job per Schedule), as `kind value`
 * lines or, with `json`, one JSON object (the Terraform module's `chain_facts` input).
 */
export function deployFactsCommand(
  dir: string,
  json: boolean,
  out: (line: string) => void,
): number {
  const facts = chainFacts(loadChains(dir).values());
  if (json) out(JSON.stringify(facts));
  else for (const line of renderFacts(facts)) out(line);
  return 0;
}
