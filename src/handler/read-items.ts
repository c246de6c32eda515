import pRetry from 'p-retry';
import { describeRead } from '../engine/item-request.js';
import { onItemsRead, pendingReads, type ItemsOutcome } from '../engine/items-read.js';
import { runIdOf } from '../engine/part-names.js';
import type { Run } from '../engine/run.js';
import type { ReadItemsEffect, Transition } from '../engine/transition.js';
import { isRetryable } from '../errors.js';
import { readItems } from '../storage/items.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';
import { settledAll } from './settled.js';

/** Tries of one read before it is left to the tick: Cloud Storage's faults pass in seconds. */
export const READ_RETRY = {
  retries: 3,
  minTimeout: 500,
  maxTimeout: 4000,
  randomize: true,
} as const;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the items of one Map (its ItemReader) and hands them to the Map's document through the
 * usual compare-and-set write, then carries out what that starts. Transient faults are retried
 * (READ_RETRY); if they last, the read is left to the tick, which asks again for every Map
 * still waiting on its items. A second read of the same Map changes nothing: only the write
 * that moves the Map off its wait counts.
 */
export async function readMapItems(
  inv: Invocation,
  doc: Run,
  read: ReadItemsEffect,
): Promise<void> {
  const where = { runId: runIdOf(doc), chain: doc.chain, state: doc.frames?.[read.scope]?.state };
  let outcome: ItemsOutcome;
  try {
    outcome = await pRetry(() => readItems(inv.storage, read.request), {
      ...READ_RETRY,
      shouldRetry: ({ error }) => isRetryable(error),
    });
  } catch (error) {
    if (!isRetryable(error)) throw error;
    inv.logger.write({
      severity: 'WARNING',
      event: 'items.read_deferred',
      message: `run ${where.runId}: reading the items of ${describeRead(read.request)} failed: ${describe(error)}; the tick reads them again`,
      ...where,
    });
    return;
  }
  inv.logger.write({
    severity: 'INFO',
    event: 'items.read',
    message: `run ${where.runId}: ${'items' in outcome ? `${outcome.items.length} item(s)` : outcome.error.Error} from ${describeRead(read.request)}`,
    ...where,
    resource: read.request.resource,
    ...('items' in outcome ? { items: outcome.items.length } : { error: outcome.error }),
  });
  const now = () => inv.clock.now().toISOString();
  const transition = await applyToRun(inv, doc.id, async (current) =>
    onItemsRead(await definitionFor(inv, current), current, read, outcome, now()),
  );
  if (transition?.changed) await carryOut(inv, transition);
}

/** Carries out the readItems effects of a committed transition. */
export async function carryOutReads(inv: Invocation, transition: Transition): Promise<void> {
  const reads = transition.effects.filter((e): e is ReadItemsEffect => e.kind === 'readItems');
  await settledAll(reads.map((read) => readMapItems(inv, transition.run, read)));
}

/**
 * The tick's repair of lost reads: every listed document's Maps still waiting on their items,
 * entered more than `graceMs` ago (a younger one's first read may still be under way), are read
 * again. Returns how many reads it asked for; a failure is kept in `failures`.
 */
export async function rereadItems(
  inv: Invocation,
  runs: readonly Run[],
  graceMs: number,
  failures: unknown[],
): Promise<number> {
  const before = inv.clock.now().getTime() - graceMs;
  let asked = 0;
  for (const run of runs) {
    for (const read of pendingReads(run)) {
      const entered = Date.parse(run.frames?.[read.scope]?.enteredTime ?? '');
      if (!(entered <= before)) continue;
      asked++;
      try {
        await readMapItems(inv, run, read);
      } catch (error) {
        failures.push(error);
        inv.logger.write({
          severity: 'WARNING',
          event: 'tick.failed',
          message: `tick: reading the items of ${describeRead(read.request)} for run ${runIdOf(run)} failed: ${describe(error)}`,
          runId: runIdOf(run),
          chain: run.chain,
        });
      }
    }
  }
  return asked;
}
