import {
  abortPart,
  endedOf,
  isOrphan,
  itemSpawns,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
  waitsOnParts,
} from '../engine/part.js';
import { groupOf, partDocId, spawnStillWanted } from '../engine/part-names.js';
import type { Run } from '../engine/run.js';
import type { AbortItemsEffect, SpawnEffect, Transition } from '../engine/transition.js';
import { StoreTransientError } from '../errors.js';
import { MAX_CONFLICTS } from '../store/optimistic.js';
import { admitIntents } from './admission.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { executeLaunches } from './launch.js';
import { applyToRun, leased, logTransition } from './record.js';
import { redrivePart } from './redrive.js';
import { settledAll } from './settled.js';
import { rescheduleTimers } from './side-effects.js';

/** Most parts one write creates with the transition that starts them (a batch holds 500 writes). */
export const MAX_PARTS_PER_WRITE = 200;

/**
 * `transition` with the parts it starts created in its own write (`spawned`): its spawns
 * (a Map's first items, a tolerated failure's successor) and, when it ends a Map item
 * successfully, the next item of that item's lane, read from the Map's document. So an item
 * starts exactly once, and no crash between two writes can stall a lane or lose a start.
 * Spawns beyond MAX_PARTS_PER_WRITE stay effects, carried out after the write (spawnParts).
 */
export async function withParts(
  inv: Invocation,
  transition: Transition,
  endsItem: boolean,
): Promise<Transition> {
  const run = transition.run;
  const spawns = transition.effects.filter((e): e is SpawnEffect => e.kind === 'spawn');
  const atOnce = spawns.length > 0 && spawns.length <= MAX_PARTS_PER_WRITE;
  if (!atOnce && !(endsItem && run.part)) return transition;
  const definition = await definitionFor(inv, run);
  const now = inv.clock.now().toISOString();
  const start = (mapDoc: Run, spawn: SpawnEffect) =>
    leased(inv, startPart(definition, mapDoc, spawn, now));
  const spawned: Transition[] = atOnce ? spawns.map((spawn) => start(run, spawn)) : [];
  // Each Map's document is read once for every start this write makes under it.
  const maps = new Map<string, Run | undefined>([[run.id, run]]);
  const mapOf = async (id: string) => {
    if (!maps.has(id)) maps.set(id, await inv.store.get(id));
    return maps.get(id);
  };
  if (endsItem && run.part) {
    const mapDoc = await mapOf(run.part.parentDoc);
    const next = successorOf(definition, mapDoc, run.part);
    if (next !== undefined && mapDoc !== undefined) spawned.push(start(mapDoc, next));
  }
  // An item that succeeds at once (no job in it) starts its lane's next one in the same write.
  for (let i = 0; i < spawned.length && spawned.length < MAX_PARTS_PER_WRITE; i++) {
    const part = spawned[i]!.run;
    if (part.status !== 'SUCCEEDED' || part.part === undefined) continue;
    const mapDoc = await mapOf(part.part.parentDoc);
    const next = successorOf(definition, mapDoc, part.part);
    if (next !== undefined && mapDoc !== undefined) spawned.push(start(mapDoc, next));
  }
  if (spawned.length === 0) return transition;
  const effects = atOnce
    ? transition.effects.filter((e) => e.kind !== 'spawn')
    : transition.effects;
  return { ...transition, effects, spawned: [...(transition.spawned ?? []), ...spawned] };
}

/**
 * Stores a Map item's part with its first transition, and returns that transition (undefined
 * when the part exists already: a repeated spawn, the tick's repair, which then only has its
 * pending launches, timers and end seen to).
 */
async function createPart(
  inv: Invocation,
  mapDoc: Run,
  spawn: SpawnEffect,
): Promise<Transition | undefined> {
  const definition = await definitionFor(inv, mapDoc);
  let run: Run | undefined;
  for (let attempt = 0; attempt < MAX_CONFLICTS && run === undefined; attempt++) {
    const now = inv.clock.now().toISOString();
    const first = leased(inv, startPart(definition, mapDoc, spawn, now));
    // A part that ends at once (no job in it) starts its lane's next item with its own create.
    const mine = await admitIntents(
      inv,
      await withParts(inv, first, first.run.status === 'SUCCEEDED'),
    );
    const creates = (mine.spawned ?? []).map((part) => part.run);
    const stored = await inv.store.create(mine.run, creates);
    if (stored.created) {
      logTransition(inv, mine);
      return { ...mine, run: stored.run };
    }
    // Not created and not stored: a budget slot it claimed was taken meanwhile; decide again.
    run = await inv.store.get(mine.run.id);
  }
  if (run === undefined) {
    throw new StoreTransientError(
      `Map item ${spawn.part.scope} of run ${spawn.part.root}: ${MAX_CONFLICTS} other launches took the budget slots it claimed first; the delivery will be retried`,
    );
  }
  await rescheduleTimers(inv, run);
  await executeLaunches(inv, run);
  await itemEnded(inv, run, true);
  return undefined;
}

/**
 * Carries out the first transitions of parts just created under the Map `mapDocId`. Parts
 * that ended at once go first (a failure the Map catches stops its siblings before they
 * launch). Then the Map is read once more, after every create, so a stop from now on finds
 * each part; a part the Map no longer waits for (its stop came first) is stopped, unlaunched.
 */
async function startCreated(
  inv: Invocation,
  mapDocId: string,
  created: readonly Transition[],
  endedAtBirth: boolean,
): Promise<void> {
  for (const t of created) {
    if (t.run.status === 'RUNNING') continue;
    await carryOut(inv, t);
    // Its end was its create: no write ended it, so none started its successor.
    if (endedAtBirth) await itemEnded(inv, t.run, true);
  }
  const running = created.filter((t) => t.run.status === 'RUNNING');
  if (running.length === 0) return;
  const map = await inv.store.get(mapDocId);
  await settledAll(
    running.map((t) =>
      t.run.part !== undefined && isOrphan(map, t.run.part)
        ? stopPart(inv, t.run.id)
        : carryOut(inv, t),
    ),
  );
}

/** Creates the parts of `spawns` and carries out their first transitions. */
export async function spawnParts(
  inv: Invocation,
  mapDoc: Run,
  spawns: readonly SpawnEffect[],
): Promise<void> {
  if (spawns.length === 0) return;
  // Parts that were stored start even when another's create failed; the delivery fails after.
  const results = await Promise.allSettled(spawns.map((spawn) => createPart(inv, mapDoc, spawn)));
  const stored = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  await startCreated(inv, mapDoc.id, stored, true);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason as Error;
}

/** Stops a part its Map no longer waits for; a part not stored (never spawned) needs nothing. */
export async function stopPart(inv: Invocation, doc: string): Promise<void> {
  const now = inv.clock.now().toISOString();
  const transition = await applyToRun(inv, doc, async (run) =>
    abortPart(await definitionFor(inv, run), run, now),
  );
  if (transition?.changed) await carryOut(inv, transition);
}

/** Stops every running item of a Map entry (found by its group). */
async function stopGroup(inv: Invocation, group: string): Promise<void> {
  const parts = await inv.store.groupParts(group);
  const running = parts.filter((part) => part.status === 'RUNNING');
  await settledAll(running.map((part) => stopPart(inv, part.id)));
}

/**
 * What an ended part asks of its Map, again on every redelivery (each step is idempotent): a
 * failure is reported (the Map counts it once), a lane's last item checks whether the Map can
 * join, and, with `ensureSuccessor` (a part whose end no update wrote: it ended at once, or a
 * repair), the lane's next item is created unless it exists.
 */
export async function itemEnded(
  inv: Invocation,
  part: Run,
  ensureSuccessor = false,
): Promise<void> {
  const ended = endedOf(part);
  const where = part.part;
  if (where === undefined || ended === undefined) return;
  const now = () => inv.clock.now().toISOString();
  if ('error' in ended) {
    const transition = await applyToRun(inv, where.parentDoc, async (run) =>
      onItemFailed(await definitionFor(inv, run), run, where, ended, now()),
    );
    if (transition !== undefined) await carryOut(inv, transition);
  } else if (ensureSuccessor) {
    const mapDoc = await inv.store.get(where.parentDoc);
    const spawn = successorOf(await definitionFor(inv, part), mapDoc, where);
    // Looked up first: an existing successor is in good hands, and visiting it would walk the lane.
    const missing =
      spawn !== undefined &&
      (await inv.store.get(partDocId(spawn.part.root, spawn.part.key))) === undefined;
    if (missing && mapDoc !== undefined) await spawnParts(inv, mapDoc, [spawn]);
  }
  if (where.last !== true || (await inv.store.groupRunning(where.group))) return;
  const parts = await inv.store.groupParts(where.group);
  const joined = await applyToRun(inv, where.parentDoc, async (run) =>
    onMapJoined(await definitionFor(inv, run), run, where, parts, now()),
  );
  if (joined?.changed) await carryOut(inv, joined);
}

/**
 * The part effects of a committed transition: parts to create (spawns, and the lane's next
 * item the write created with it), entries whose items stop, then what the document, if it is
 * an ended part, asks of its Map.
 */
export async function carryOutParts(inv: Invocation, transition: Transition): Promise<void> {
  const run = transition.run;
  const spawns = transition.effects.filter((e): e is SpawnEffect => e.kind === 'spawn');
  await spawnParts(inv, run, spawns);
  const spawned = transition.spawned ?? [];
  for (const part of spawned) logTransition(inv, part);
  const byMap = new Map<string, Transition[]>();
  for (const part of spawned) {
    const mapDocId = part.run.part?.parentDoc ?? run.id;
    byMap.set(mapDocId, [...(byMap.get(mapDocId) ?? []), part]);
  }
  for (const [mapDocId, parts] of byMap) await startCreated(inv, mapDocId, parts, true);
  const stops = transition.effects.filter((e): e is AbortItemsEffect => e.kind === 'abortItems');
  await settledAll(stops.map((stop) => stopGroup(inv, stop.group)));
  await itemEnded(inv, run);
}

/**
 * The tick's repair of one Map entry none of whose items runs any more (it is about to join,
 * or a crash stalled it): each lane's head is created if it never was, and each lane's latest
 * item asks again what its end asks (report, successor, join). Returns the items it visited.
 */
async function repairGroup(
  inv: Invocation,
  mapDoc: Run,
  scope: string,
  group: string,
): Promise<number> {
  const frame = mapDoc.frames?.[scope];
  const children = frame?.children;
  if (children === undefined) return 0;
  const width = children.maxConcurrency || children.total;
  const latest = new Map<number, Run>();
  for (const part of await inv.store.groupParts(group)) {
    const index = part.part?.index ?? 0;
    const lane = index % width;
    if ((latest.get(lane)?.part?.index ?? -1) < index) latest.set(lane, part);
  }
  const heads = Array.from({ length: Math.min(width, children.total) }, (_, lane) => lane).filter(
    (lane) => !latest.has(lane),
  );
  const definition = await definitionFor(inv, mapDoc);
  await spawnParts(inv, mapDoc, itemSpawns(definition, mapDoc, scope, heads));
  for (const part of latest.values()) {
    // Stopped while its Map still waits for it: only a stop that crossed a redrive of the
    // Map does that (a stop read the Map before the redrive). Resume it as the redrive would.
    if (part.status === 'CANCELLED' && part.part && spawnStillWanted(frame, part.part)) {
      const resumed = await redrivePart(inv, part, { count: mapDoc.redriveCount ?? 0 });
      for (const transition of resumed) await carryOut(inv, transition);
    } else await itemEnded(inv, part, true);
  }
  return heads.length + latest.size;
}

/**
 * The tick's repair of the Map item parts among the listed documents: a running part whose
 * Map no longer waits for it is stopped (checked again on a fresh read); a Map entry with no
 * item listed as running is repaired (repairGroup). One failure does not stop the others: it
 * is logged and kept in `failures`. Returns how many parts it visited.
 */
export async function repairParts(
  inv: Invocation,
  runs: readonly Run[],
  docs: (id: string) => Promise<Run | undefined>,
  failures: unknown[],
): Promise<number> {
  let repaired = 0;
  const guarded = async (doc: string, repair: () => Promise<number>): Promise<void> => {
    try {
      repaired += await repair();
    } catch (error) {
      failures.push(error);
      inv.logger.write({
        severity: 'WARNING',
        event: 'tick.failed',
        message: `tick: repairing the Map item parts of ${doc} failed: ${error instanceof Error ? error.message : String(error)}`,
        runId: doc,
      });
    }
  };
  const busy = new Set<string>();
  for (const run of runs) {
    const where = run.part;
    if (where === undefined || run.status !== 'RUNNING') continue;
    busy.add(where.group);
    await guarded(run.id, async () => {
      const orphan =
        isOrphan(await docs(where.parentDoc), where) &&
        isOrphan(await inv.store.get(where.parentDoc), where);
      if (!orphan) return 0;
      await stopPart(inv, run.id);
      return 1;
    });
  }
  for (const run of runs) {
    if (!waitsOnParts(run)) continue;
    for (const [scope, frame] of Object.entries(run.frames ?? {})) {
      if (frame.children?.parts !== true || frame.wait !== 'children') continue;
      const group = groupOf(run.id, scope, frame);
      if (!busy.has(group)) await guarded(run.id, () => repairGroup(inv, run, scope, group));
    }
  }
  return repaired;
}
