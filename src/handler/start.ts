import { isDeepStrictEqual } from 'node:util';
import { startRun } from '../engine/start.js';
import { PoisonMessageError, RunConflictError } from '../errors.js';
import type { StartSignal } from '../events/signal.js';
import type { HandlerDeps } from './deps.js';
import { executeLaunches } from './launch.js';
import { logTransition } from './record.js';

const RUN_ID_MAX = 63;

/**
 * A run id for a start command that gave none: derived from the Pub/Sub message id, so every
 * redelivery of that message names the same run. Label-safe, since it labels Dataflow jobs.
 */
export function derivedRunId(chain: string, messageId: string): string {
  const suffix = messageId.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  return `${chain}-${suffix}`.slice(0, RUN_ID_MAX);
}

/** Handles `start`: idempotent by run id; the same id with another input is rejected. */
export async function handleStart(
  deps: HandlerDeps,
  signal: StartSignal,
  messageId: string,
): Promise<void> {
  const chain = deps.chains.get(signal.chain);
  if (chain === undefined) {
    const known = deps.chains.names().join(', ') || 'none';
    throw new PoisonMessageError(
      `start: unknown chain "${signal.chain}" (deployed chains: ${known}); add ${signal.chain}.json to the chains folder and redeploy, or fix the name`,
    );
  }
  const runId = signal.runId ?? derivedRunId(chain.name, messageId);
  await deps.store.putDefinition(chain.hash, chain.definition);
  const transition = startRun({
    runId,
    chain: chain.name,
    definition: chain.definition,
    definitionHash: chain.hash,
    projectId: deps.projectId,
    input: signal.input,
    now: deps.clock.now().toISOString(),
  });
  const { created, run } = await deps.store.create(transition.run);
  if (created) {
    logTransition(deps, transition);
    await executeLaunches(
      deps,
      run,
      new Set(transition.effects.map((effect) => effect.step.jobName)),
    );
    return;
  }
  if (run.chain !== chain.name || !isDeepStrictEqual(run.input, signal.input))
    throw new RunConflictError(runId);
  deps.logger.write({
    severity: 'INFO',
    event: 'message.duplicate',
    message: `start: run ${runId} already exists with the same input (${run.status}); nothing to do`,
    runId,
    chain: chain.name,
  });
  await executeLaunches(deps, run, new Set());
}
