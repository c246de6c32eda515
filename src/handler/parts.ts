import {
  abortPart,
  endedOf,
  isOrphan,
  onItemEnded,
  pendingSpawns,
  startPart,
  waitsOnParts,
} from '../engine/part.js';
import { partDocId } from '../engine/part-names.js';
import type { Run } from '../engine/run.js';
import type { AbortPartEffect, SpawnEffect, Transition } from '../engine/transition.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { executeLaunches } from './launch.js';
import { applyToRun, leased, logTransition } from './record.js';
import { settledAll } from './settled.js';
import { rescheduleTimers } from './side-effects.js';

/**
 * Stores a Map item's part with its first transition, and returns that transition (undefined
 * when the part exists already: a repeated spawn, the tick's repair, which then only has its
 * pending launches, timers and report seen to).
 */
async function createPart(
  inv: Invocation,
  mapDoc: Run,
  spawn: SpawnEffect,
): Promise<Transition | undefined> {
  const now = inv.clock.now().toISOString();
  const mine = leased(inv, startPart(await definitionFor(inv, mapDoc), mapDoc, spawn, now));
  const { created, run } = await inv.store.create(mine.run);
  if (created) {
    logTransition(inv, mine);
    return { ...mine, run };
  }
  await rescheduleTimers(inv, run);
  await executeLaunches(inv, run);
  await reportEnd(inv, run);
  return undefined;
}

/**
 * Creates the parts of `spawns` and carries out their first transitions. Parts that ended at
 * once report first: a failure the Map catches stops its siblings before they launch. Then the
 * Map is read once more, after every create, so a stop from now on finds each part; a part
 * the Map no longer waits for (its stop came before the part existed) is stopped, unlaunched.
 */
export async function spawnParts(
  inv: Invocation,
  mapDoc: Run,
  spawns: readonly SpawnEffect[],
): Promise<void> {
  if (spawns.length === 0) return;
  const created = (await settledAll(spawns.map((spawn) => createPart(inv, mapDoc, spawn)))).filter(
    (t): t is Transition => t !== undefined,
  );
  for (const t of created) if (t.run.status !== 'RUNNING') await carryOut(inv, t);
  const running = created.filter((t) => t.run.status === 'RUNNING');
  if (running.length === 0) return;
  const map = await inv.store.get(mapDoc.id);
  await settledAll(
    running.map((t) =>
      t.run.part !== undefined && isOrphan(map, t.run.part)
        ? stopPart(inv, t.run.id)
        : carryOut(inv, t),
    ),
  );
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
  const spawns = transition.effects.filter((e): e is SpawnEffect => e.kind === 'spawn');
  await spawnParts(inv, run, spawns);
  const stops = transition.effects.filter((e): e is AbortPartEffect => e.kind === 'abortPart');
  await settledAll(stops.map((stop) => stopPart(inv, stop.doc)));
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
  // Most documents (the parts themselves) start no items: no definition to read for them.
  if (!waitsOnParts(run)) return repaired;
  const spawns = pendingSpawns(await definitionFor(inv, run), run);
  for (const spawn of spawns) {
    const part = await docs(partDocId(spawn.part.root, spawn.part.key));
    if (part === undefined) {
      await spawnParts(inv, run, [spawn]);
      repaired++;
    } else if (endedOf(part) !== undefined) {
      await reportEnd(inv, part);
      repaired++;
    }
  }
  return repaired;
}
