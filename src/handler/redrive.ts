import { freeIndices, runsPool } from '../engine/admission.js';
import {
  cancelledForRedrive,
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

/** The ended parts a redrive of `doc` resumes: the first unsuccessful child of each lane. */
async function partsToRedrive(inv: Invocation, doc: Run): Promise<readonly Run[]> {
  const stopped = doc.stopped?.children;
  if (stopped === undefined) return [];
  return laneWork(stopped, await stoppedParts(inv, doc)).redrive;
}

/**
 * Marks CANCELLED every FAILED part a redrive of `doc` resumes, at any depth, before `doc`
 * runs again: from then on a tick repairing `doc`'s Map resumes such a part rather than
 * reporting its old failure again (see cancelledForRedrive).
 */
async function prepareParts(inv: Invocation, doc: Run): Promise<void> {
  for (const part of await partsToRedrive(inv, doc)) {
    await prepareParts(inv, part);
    if (part.status === 'FAILED')
      await applyToRun(inv, part.id, (stored) => cancelledForRedrive(stored));
  }
}

/**
 * Redrives the unsuccessful parts under `doc` (as it was before its own redrive, which drops
 * the frame it stopped in), each before its own parts, and returns their transitions in that
 * order, to be carried out in it. A part runs again only once its parent runs: a tick never
 * sees a running part under an ended parent, which it would stop as an orphan, and a stop
 * that read the parent before the parent's redrive could land after the part's launch.
 */
async function redriveParts(inv: Invocation, doc: Run, mark: RedriveMark): Promise<Transition[]> {
  const done: Transition[] = [];
  for (const part of await partsToRedrive(inv, doc))
    done.push(...(await resumePart(inv, part, mark)));
  return done;
}

/** Redrives one prepared part, then the parts under it; returns the transitions made. */
async function resumePart(inv: Invocation, part: Run, mark: RedriveMark): Promise<Transition[]> {
  if (redriveProblem(part) !== undefined) return [];
  const transition = await applyToRun(inv, part.id, async (stored) =>
    redriveDoc(
      await definitionFor(inv, stored),
      stored,
      await stoppedParts(inv, stored),
      inv.clock.now().toISOString(),
      { count: mark.count },
    ),
  );
  const mine = transition?.changed ? [transition] : [];
  return [...mine, ...(await redriveParts(inv, part, mark))];
}

/**
 * Redrives one ended part whose parent runs again, then the unsuccessful parts under it;
 * returns the transitions to carry out, in order (none when the part cannot be redriven: its
 * Map then sees its failure again and fails as before).
 */
export async function redrivePart(
  inv: Invocation,
  part: Run,
  mark: RedriveMark,
): Promise<Transition[]> {
  if (redriveProblem(part) !== undefined) return [];
  await prepareParts(inv, part);
  return resumePart(inv, part, mark);
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
  await prepareParts(inv, run);
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
  // A redelivery racing the first delivery finds the run redriven: it helps with the parts.
  // A stale command (the run ended again since) must not touch them.
  const stored = transition?.run;
  if (stored?.status !== 'RUNNING' || stored.redriveCount !== mark.count) return;
  // Only now that the run runs. A crash before this is healed by the tick's repair of the
  // run's Maps, which resumes each CANCELLED part the run waits for (the redelivery finds the
  // run redriven by this message and stops there).
  for (const part of await redriveParts(inv, run, mark)) await carryOut(inv, part);
}
