import {
  abortPart,
  endedOf,
  isOrphan,
  onItemEnded,
  pendingSpawns,
  startPart,
} from '../engine/part.js';
import { partDocId } from '../engine/part-names.js';
import type { Run } from '../engine/run.js';
import type { SpawnEffect, Transition } from '../engine/transition.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { executeLaunches } from './launch.js';
import { applyToRun, leased, logTransition } from './record.js';
import { rescheduleTimers } from './side-effects.js';

async function settledAll(calls: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason as Error;
}

/**
 * Creates a Map item's part and carries out its first transition. A part that exists already
 * (a repeated spawn, the tick's repair) only has its pending launches and timers seen to.
 */
export async function spawnPart(inv: Invocation, mapDoc: Run, spawn: SpawnEffect): Promise<void> {
  const now = inv.clock.now().toISOString();
  const mine = leased(inv, startPart(await definitionFor(inv, mapDoc), mapDoc, spawn, now));
  const { created, run } = await inv.store.create(mine.run);
  if (created) {
    logTransition(inv, mine);
    await carryOut(inv, { ...mine, run });
    return;
  }
  await rescheduleTimers(inv, run);
  await executeLaunches(inv, run);
  await reportEnd(inv, run);
}

/** Stops a part its Map no longer waits for; a part not stored (never spawned) needs nothing. */
async function stopPart(inv: Invocation, doc: string): Promise<void> {
  const now = inv.clock.now().toISOString();
  const transition = await applyToRun(inv, doc, async (run) =>
    abortPart(await definitionFor(inv, run), run, now),
  );
  if (transition?.changed) await carryOut(inv, transition);
}

/**
 * Reports an ended part to its Map's document, which counts it once; the Map's transition
 * (the next item, the join, the run's end) is carried out in turn.
 */
export async function reportEnd(inv: Invocation, part: Run): Promise<void> {
  const ended = endedOf(part);
  if (part.part === undefined || ended === undefined) return;
  const where = part.part;
  const now = inv.clock.now().toISOString();
  const transition = await applyToRun(inv, where.parentDoc, async (run) =>
    onItemEnded(await definitionFor(inv, run), run, where, ended, now),
  );
  if (transition?.changed) await carryOut(inv, transition);
}

/**
 * The part effects of a committed transition: parts to create and parts to stop, then, when
 * the document is a part that has ended, its report to the Map (again on every redelivery:
 * the Map counts it once).
 */
export async function carryOutParts(inv: Invocation, transition: Transition): Promise<void> {
  const run = transition.run;
  await settledAll(
    transition.effects.map((effect) => {
      if (effect.kind === 'spawn') return spawnPart(inv, run, effect);
      if (effect.kind === 'abortPart') return stopPart(inv, effect.doc);
      return Promise.resolve();
    }),
  );
  await reportEnd(inv, run);
}

/**
 * The tick's repair of a document's parts: a part a crash kept from being created is created,
 * an ended one a crash kept from reporting reports, and a part whose Map stopped waiting for
 * it is stopped. Returns how many it repaired.
 */
export async function repairParts(
  inv: Invocation,
  run: Run,
  docs: (id: string) => Promise<Run | undefined>,
): Promise<number> {
  let repaired = 0;
  if (run.part !== undefined && run.status === 'RUNNING') {
    // Checked again on a fresh read: a listing may predate the Map's latest write.
    const where = run.part;
    if (
      isOrphan(await docs(where.parentDoc), where) &&
      isOrphan(await inv.store.get(where.parentDoc), where)
    ) {
      await stopPart(inv, run.id);
      repaired++;
    }
  }
  const spawns = pendingSpawns(await definitionFor(inv, run), run);
  for (const spawn of spawns) {
    const part = await docs(partDocId(spawn.part.root, spawn.part.key));
    if (part === undefined) {
      await spawnPart(inv, run, spawn);
      repaired++;
    } else if (endedOf(part) !== undefined) {
      await reportEnd(inv, part);
      repaired++;
    }
  }
  return repaired;
}
