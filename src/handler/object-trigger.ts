import { triggerMismatch, triggeredBy } from '../chain/trigger-match.js';
import { DfchainError, isRetryable } from '../errors.js';
import type { ObjectFinalizedSignal } from '../events/signal.js';
import { triggerRunId } from '../events/trigger-run-id.js';
import type { Invocation } from './deps.js';
import { handleStart } from './start.js';

/** Why no chain's Triggers match the object: what each trigger on its bucket asks for instead. */
function unmatchedReason(deps: Invocation, signal: ObjectFinalizedSignal): string {
  const misses: string[] = [];
  for (const name of deps.chains.names()) {
    for (const trigger of deps.chains.get(name)?.definition.Triggers ?? []) {
      if (trigger.Gcs.bucket !== signal.bucket) continue;
      misses.push(`${name}: ${triggerMismatch(trigger.Gcs, signal) ?? 'matches'}`);
    }
  }
  return misses.length === 0
    ? `no chain has a trigger on bucket ${JSON.stringify(signal.bucket)}`
    : `no chain's trigger matches (${misses.join('; ')})`;
}

/**
 * Handles a finalized object: starts a run of every chain whose Triggers match it, each with a
 * run id derived from chain, bucket, name and generation, so a duplicate notification finds
 * its runs already there (handleStart's idempotence). An object no chain wants is logged and
 * acknowledged. A start that can never succeed is logged and does not keep the other chains
 * from starting; a passing fault is rethrown so the message comes again (the starts already
 * made are then duplicates).
 */
export async function handleObjectFinalized(
  deps: Invocation,
  signal: ObjectFinalizedSignal,
): Promise<void> {
  const where = `gs://${signal.bucket}/${signal.name}#${signal.generation}`;
  const chains = deps.chains.names().filter((name) => {
    const chain = deps.chains.get(name);
    return chain !== undefined && triggeredBy(chain.definition, signal);
  });
  if (chains.length === 0) {
    const reason = unmatchedReason(deps, signal);
    deps.logger.write({
      severity: 'INFO',
      event: 'trigger.unmatched',
      message: `object ${where} starts no run: ${reason}`,
      reason,
      bucket: signal.bucket,
      object: signal.name,
      generation: signal.generation,
    });
    return;
  }
  for (const chain of chains) {
    const runId = triggerRunId(chain, signal.bucket, signal.name, signal.generation);
    try {
      await handleStart(deps, { kind: 'start', chain, runId, input: signal.input }, '');
    } catch (error) {
      if (isRetryable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.write({
        severity: 'ERROR',
        event: 'trigger.start_failed',
        message: `object ${where} could not start run ${runId} of chain ${chain}: ${message}`,
        runId,
        chain,
        code: error instanceof DfchainError ? error.code : 'UNEXPECTED',
      });
    }
  }
}
