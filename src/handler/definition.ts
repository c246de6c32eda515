import type { ChainDefinition } from '../chain/types.js';
import { runIdOf } from '../engine/part-names.js';
import type { Run } from '../engine/run.js';
import { StoreTransientError } from '../errors.js';
import type { HandlerDeps } from './deps.js';

/**
 * The definition a run started with: usually the deployed one (no I/O); after the chain file
 * was edited and redeployed, the copy stored when the run started.
 */
export async function definitionFor(deps: HandlerDeps, run: Run): Promise<ChainDefinition> {
  const deployed = deps.chains.definition(run.definitionHash);
  if (deployed) return deployed;
  const stored = await deps.store.getDefinition(run.definitionHash);
  if (stored) return stored;
  // The definition is written before the run, so this is a store that has not caught up yet.
  throw new StoreTransientError(
    `run ${runIdOf(run)}: definition ${run.definitionHash} of chain ${run.chain} is not in the store yet; the delivery will be retried`,
  );
}
