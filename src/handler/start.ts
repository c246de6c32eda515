import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { startRun } from '../engine/start.js';
import { freeIndices, runsPool } from '../engine/admission.js';
import type { QueuedAt, Run, SlotRef } from '../engine/run.js';
import { PoisonMessageError, RunConflictError, StoreTransientError } from '../errors.js';
import { startTarget } from '../schedule/start-target.js';
import { MAX_CONFLICTS } from '../store/optimistic.js';
import { admitIntents } from './admission.js';
import type { StartSignal } from '../events/signal.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { withParts } from './parts.js';
import { executeLaunches } from './launch.js';
import { rescheduleTimers } from './side-effects.js';
import { leased, logTransition } from './record.js';

const RUN_ID_MAX = 63;
// 64 bits of the message id's hash: distinct message ids collide with odds of 1 in 2^32 only
// after ~4 billion starts of one chain.
const RUN_ID_HASH_LENGTH = 16;

/**
 * A run id for a start command that gave none: derived from a hash of the Pub/Sub message id,
 * so every redelivery of that message names the same run and a long chain name cannot cut the
 * distinguishing part off. Label-safe, since it labels Dataflow jobs.
 */
export function derivedRunId(chain: string, messageId: string): string {
  const hash = createHash('sha256').update(messageId).digest('hex').slice(0, RUN_ID_HASH_LENGTH);
  return `${chain.slice(0, RUN_ID_MAX - RUN_ID_HASH_LENGTH - 1)}-${hash}`;
}

/**
 * Where a new run of a chain with MaxConcurrentRuns stands: a free slot of the chain's pool
 * when one is free and no earlier start waits (first come, first served), else a place in line.
 */
async function runAdmission(
  deps: Invocation,
  chain: string,
  limit: number,
  now: string,
): Promise<{ slot: SlotRef } | { queued: QueuedAt }> {
  const pool = runsPool(chain);
  const [held, waiters] = await Promise.all([deps.store.slots(pool), deps.store.waiters(pool, 1)]);
  const index = waiters.length === 0 ? freeIndices(held, limit, 1)[0] : undefined;
  return index === undefined ? { queued: { pool, at: now } } : { slot: { pool, index } };
}

/**
 * True when `run` already stands for the tick a scheduled or backfilled start asks for: that
 * tick has run (or runs), whatever input it was given, so the start is a duplicate, not a conflict.
 */
function sameTick(run: Run, chain: string, scheduledTime: string | undefined): boolean {
  return scheduledTime !== undefined && run.chain === chain && run.scheduledTime === scheduledTime;
}

/**
 * Handles `start`: idempotent by run id; the same id with another input is rejected, except
 * for a tick that already has its run (sameTick). A scheduled trigger's run id, input and tick
 * come from the chain's Schedule (startTarget).
 */
export async function handleStart(
  deps: Invocation,
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
  const target = startTarget(chain, signal);
  const runId = target.runId ?? derivedRunId(chain.name, messageId);
  await deps.store.putDefinition(chain.hash, chain.definition);
  let run: Run | undefined;
  for (let attempt = 0; attempt < MAX_CONFLICTS && run === undefined; attempt++) {
    const now = deps.clock.now().toISOString();
    const limit = chain.definition.MaxConcurrentRuns;
    const transition = startRun({
      runId,
      chain: chain.name,
      definition: chain.definition,
      definitionHash: chain.hash,
      projectId: deps.projectId,
      input: target.input,
      ...(target.scheduledTime === undefined ? {} : { scheduledTime: target.scheduledTime }),
      now,
      nonce: deps.newNonce(),
      ...(deps.workerServiceAccount ? { workerServiceAccount: deps.workerServiceAccount } : {}),
      ...(limit ? { admission: await runAdmission(deps, chain.name, limit, now) } : {}),
    });
    // A Map the run enters at once starts its first items in the run's own create, and its
    // first jobs take their budget slots there too.
    const mine = await admitIntents(deps, await withParts(deps, leased(deps, transition), false));
    const creates = (mine.spawned ?? []).map((part) => part.run);
    const stored = await deps.store.create(mine.run, creates);
    if (stored.created) {
      logTransition(deps, mine);
      await carryOut(deps, { ...mine, run: stored.run });
      return;
    }
    // Not created and not stored: a slot it claimed was taken meanwhile; decide again.
    run = await deps.store.get(runId);
  }
  if (run === undefined) {
    throw new StoreTransientError(
      `start of run ${runId}: ${MAX_CONFLICTS} other starts or launches took the slots it claimed first; the delivery will be retried`,
    );
  }
  const duplicate =
    sameTick(run, chain.name, target.scheduledTime) ||
    (run.chain === chain.name && isDeepStrictEqual(run.input, target.input));
  if (!duplicate) throw new RunConflictError(runId);
  const what =
    target.scheduledTime === undefined
      ? 'with the same input'
      : `for the tick ${target.scheduledTime}`;
  deps.logger.write({
    severity: 'INFO',
    event: 'message.duplicate',
    message: `start: run ${runId} already exists ${what} (${run.status}); nothing to do`,
    runId,
    chain: chain.name,
  });
  await rescheduleTimers(deps, run);
  await executeLaunches(deps, run);
}
