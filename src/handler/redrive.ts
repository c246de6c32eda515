import { freeIndices, runsPool } from '../engine/admission.js';
import {
  laneWork,
  redriveDoc,
  redriveProblem,
  stoppedGroup,
  type RedriveMark,
} from '../engine/redrive.js';
import type { Run, SlotRef } from '../engine/run.js';
import type { Transition } from '../engine/transition.js';
import type { RedriveSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';

/** The stored children of the Parallel or Map `doc` stopped in (none for any other state). */
async function stoppedParts(inv: Invocation, doc: Run): Promise<readonly Run[]> {
  const group = stoppedGroup(doc);
  return group === undefined ? [] : inv.store.groupParts(group);
}

/**
 * Redrives the unsuccessful parts under `doc`, deepest first, and returns their transitions,
 * to be carried out once the run runs again (until then the tick counts them orphans and
 * stops them, launches unsent; a redelivered command redrives them once more, under new names).
 */
async function redriveParts(inv: Invocation, doc: Run, mark: RedriveMark): Promise<Transition[]> {
  const stopped = doc.stopped?.children;
  if (stopped === undefined) return [];
  const work = laneWork(stopped, await stoppedParts(inv, doc));
  const done: Transition[] = [];
  for (const part of work.redrive) done.push(...(await redrivePart(inv, part, mark)));
  return done;
}

/**
 * Redrives one ended part and, first, the unsuccessful parts under it; returns the
 * transitions to carry out (none when the part cannot be redriven: its Map then sees its
 * failure again and fails as before).
 */
export async function redrivePart(
  inv: Invocation,
  part: Run,
  mark: RedriveMark,
): Promise<Transition[]> {
  if (redriveProblem(part) !== undefined) return [];
  const done = await redriveParts(inv, part, mark);
  const transition = await applyToRun(inv, part.id, async (stored) =>
    redriveDoc(
      await definitionFor(inv, stored),
      stored,
      await stoppedParts(inv, stored),
      inv.clock.now().toISOString(),
      { count: mark.count },
    ),
  );
  return transition?.changed ? [...done, transition] : done;
}

/**
 * The slot of its chain's MaxConcurrentRuns a redriven run takes, or why it cannot run now:
 * a run ended gave its slot back, and a redrive does not jump the runs waiting in line.
 */
async function runSlot(
  inv: Invocation,
  run: Run,
  limit: number | undefined,
): Promise<{ slot?: SlotRef } | { refused: string }> {
  if (!limit || run.queued !== undefined) return {};
  const pool = runsPool(run.chain);
  const [held, waiters] = await Promise.all([inv.store.slots(pool), inv.store.waiters(pool, 1)]);
  const index = waiters.length === 0 ? freeIndices(held, limit, 1)[0] : undefined;
  if (index !== undefined) return { slot: { pool, index } };
  return {
    refused: `run ${run.id}: chain ${run.chain} already runs its MaxConcurrentRuns (${limit}) runs${waiters.length > 0 ? ' and others wait in line' : ''}; redrive it again when one has ended`,
  };
}

/** Logs a redrive command that finds nothing to redrive, and acknowledges it. */
function ignore(inv: Invocation, signal: RedriveSignal, reason: string): void {
  inv.logger.write({
    severity: 'WARNING',
    event: 'message.ignored',
    message: `redrive: ${reason}`,
    reason,
    category: 'foreign',
    runId: signal.runId,
  });
}

/**
 * Handles the `redrive` command: resumes a FAILED or CANCELLED run from the states that did
 * not succeed, keeping every completed job (as Step Functions' RedriveExecution does: inside a
 * Parallel or Map only the branches and items that failed or were stopped run again). Its
 * redelivery (same message id) changes nothing; a run that cannot be redriven is logged and
 * the command acknowledged.
 */
export async function handleRedrive(
  inv: Invocation,
  signal: RedriveSignal,
  messageId: string,
): Promise<void> {
  const run = await inv.store.get(signal.runId);
  if (run === undefined || run.part !== undefined) {
    ignore(inv, signal, `no run ${signal.runId} is stored`);
    return;
  }
  if (messageId !== '' && run.redrivenBy === messageId) return;
  const problem = redriveProblem(run);
  if (problem !== undefined) {
    ignore(inv, signal, problem);
    return;
  }
  const admission = await runSlot(inv, run, (await definitionFor(inv, run)).MaxConcurrentRuns);
  if ('refused' in admission) {
    ignore(inv, signal, admission.refused);
    return;
  }
  const mark: RedriveMark = {
    count: (run.redriveCount ?? 0) + 1,
    ...(messageId !== '' ? { by: messageId } : {}),
    ...admission,
  };
  const parts = await redriveParts(inv, run, mark);
  const transition = await applyToRun(inv, signal.runId, async (stored) =>
    redriveDoc(
      await definitionFor(inv, stored),
      stored,
      await stoppedParts(inv, stored),
      inv.clock.now().toISOString(),
      mark,
    ),
  );
  if (transition?.changed) await carryOut(inv, transition);
  for (const part of parts) await carryOut(inv, part);
}
