import {
  freeIndices,
  heldSlots,
  isQueued,
  runsPool,
  waitingEntries,
  type QueueEntry,
} from '../engine/admission.js';
import { runIdOf } from '../engine/part-names.js';
import type { Run, SlotRef } from '../engine/run.js';
import { beginQueuedRun } from '../engine/start.js';
import { unchanged, type Transition } from '../engine/transition.js';
import { jobBudget } from './admission.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';

/** Admission rounds one call makes before leaving the rest to the next job end or tick. */
const MAX_ROUNDS = 20;
/** Waiters read per round. */
const MAX_BATCH = 100;

/** A waiter taken out of line: its step gets `slot` and goes to the launch executor. */
function admitStep(run: Run, jobName: string, at: string, slot: SlotRef): Transition {
  const step = run.steps[jobName];
  if (step === undefined || !isQueued(step) || step.queued?.at !== at) return unchanged(run);
  const { queued: _admitted, ...ready } = step;
  const next = { ...ready, slot };
  return {
    run: { ...run, steps: { ...run.steps, [jobName]: next } },
    changed: true,
    effects: [{ kind: 'launch', step: next }],
    events: [],
    archived: [],
  };
}

/**
 * Takes waiter `entry` out of line with a free slot of its pool (`hint` first) in one write of
 * its document, then launches its job or begins its run. False when it is no longer waiting
 * (another admission was first) or no slot is free any more.
 */
async function admitEntry(
  inv: Invocation,
  entry: QueueEntry,
  capacity: number,
  hint: number,
): Promise<boolean> {
  let index: number | undefined = hint;
  const slotFor = async (run: Run): Promise<SlotRef | undefined> => {
    // The hint serves the first try; a write lost to another admission reads the pool again.
    if (index === undefined) {
      const taken = [...(await inv.store.slots(entry.pool)), ...heldSlots(run)];
      index = freeIndices(taken, capacity, 1)[0];
    }
    const slot = index === undefined ? undefined : { pool: entry.pool, index };
    index = undefined;
    return slot;
  };
  const transition = await applyToRun(inv, entry.doc, async (run) => {
    const waiting = entry.jobName
      ? run.steps[entry.jobName]?.queued?.at === entry.at
      : run.queued?.at === entry.at;
    if (!waiting || run.status !== 'RUNNING') return unchanged(run);
    const slot = await slotFor(run);
    if (slot === undefined) return unchanged(run);
    if (entry.jobName !== undefined) return admitStep(run, entry.jobName, entry.at, slot);
    return beginQueuedRun(await definitionFor(inv, run), run, slot, inv.clock.now().toISOString());
  });
  if (!transition?.changed) return false;
  inv.logger.write({
    severity: 'INFO',
    event: 'admission.admitted',
    message: `${entry.jobName ? `job ${entry.jobName} of run ${runIdOf(transition.run)}` : `run ${entry.doc}`} admitted to ${entry.pool} (in line since ${entry.at})`,
    runId: runIdOf(transition.run),
    chain: transition.run.chain,
    pool: entry.pool,
    ...(entry.jobName ? { jobName: entry.jobName } : {}),
  });
  await carryOut(inv, transition);
  return true;
}

/**
 * Gives every free slot of `pool` to its oldest waiters, one write each, and launches or begins
 * them: the tick's repair (a single caller; a job end admits one waiter, see admitOne).
 */
export async function admitWaiting(
  inv: Invocation,
  pool: string,
  capacity: number,
): Promise<number> {
  let admitted = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const free = freeIndices(await inv.store.slots(pool), capacity, capacity);
    if (free.length === 0) return admitted;
    // A bounded read: a tick that admits the first hundred leaves the rest to the next round.
    const entries = await inv.store.waiters(pool, Math.min(free.length, MAX_BATCH));
    if (entries.length === 0) return admitted;
    let progress = false;
    for (const [i, entry] of entries.entries()) {
      if (await admitEntry(inv, entry, capacity, free[i]!)) {
        admitted++;
        progress = true;
      }
    }
    // Every entry was taken by another admission: that one goes on with the line.
    if (!progress) return admitted;
  }
  return admitted;
}

/** Tries to admit one waiter before leaving the slot to the next job end or the tick. */
const ADMIT_TRIES = 3;

/**
 * Gives one free slot of `pool` to one waiter: slot `index` (the one the caller's own write
 * freed), or the lowest free one. Deliveries that freed slots at the same time each take the
 * waiter at their slot's rank among the free slots, so they admit different waiters instead of
 * all racing for the oldest (measured: ~10 conflicts and ~30 reads per admission when they
 * raced, with 25 ends at once). Returns how many it admitted (0 or 1).
 */
async function admitOne(
  inv: Invocation,
  pool: string,
  capacity: number,
  index?: number,
): Promise<number> {
  for (let attempt = 0; attempt < ADMIT_TRIES; attempt++) {
    const free = freeIndices(await inv.store.slots(pool), capacity, capacity);
    const slot = index === undefined ? free[0] : free.includes(index) ? index : undefined;
    // Taken already: by a fresh intent or another admission, which is what the slot was for.
    if (slot === undefined) return 0;
    const rank = free.indexOf(slot);
    const entries = await inv.store.waiters(pool, rank + 1);
    const entry = entries[Math.min(rank, entries.length - 1)];
    if (entry === undefined) return 0;
    if (await admitEntry(inv, entry, capacity, slot)) return 1;
  }
  return 0;
}

/** The capacity of a run pool: the chain's MaxConcurrentRuns in the run's own definition. */
async function runCapacity(inv: Invocation, run: Run): Promise<number | undefined> {
  return (await definitionFor(inv, run)).MaxConcurrentRuns;
}

/** One admission a committed transition asks for: into the slot it freed, or any free one. */
interface Admission {
  readonly pool: string;
  readonly capacity: number;
  readonly index?: number;
}

/**
 * The admissions a committed transition asks for: one per slot it freed (a job's end, a run's
 * end), and one per pool whose line it joined (every slot may have come free meanwhile).
 */
async function admissionsOf(inv: Invocation, transition: Transition): Promise<Admission[]> {
  const admissions: Admission[] = [];
  const budget = jobBudget(inv);
  const run = transition.run;
  if (budget !== undefined) {
    for (const step of transition.archived)
      if (step.slot) admissions.push({ ...step.slot, capacity: budget });
    const joined = new Set(
      waitingEntries(run).flatMap((entry) => (entry.jobName === undefined ? [] : [entry.pool])),
    );
    for (const pool of joined) admissions.push({ pool, capacity: budget });
  }
  const ended = transition.events.some((e) => /^run\.(succeeded|failed|cancelled)$/.test(e.event));
  if ((run.slot && ended) || run.queued) {
    const capacity = await runCapacity(inv, run);
    const index = run.slot && ended ? run.slot.index : undefined;
    if (capacity !== undefined)
      admissions.push({
        pool: runsPool(run.chain),
        capacity,
        ...(index === undefined ? {} : { index }),
      });
  }
  return admissions;
}

/**
 * After a committed transition: admits a waiter into each slot it freed, and tries the line of
 * every pool it joined. A failure is logged, not thrown: the transition is committed, and the tick
 * admits whoever still waits.
 */
export async function admitAfter(inv: Invocation, transition: Transition): Promise<void> {
  if (!transition.changed) return;
  for (const { pool, capacity, index } of await admissionsOf(inv, transition)) {
    try {
      await admitOne(inv, pool, capacity, index);
    } catch (error) {
      inv.logger.write({
        severity: 'WARNING',
        event: 'admission.failed',
        message: `admitting the waiters of ${pool} failed: ${error instanceof Error ? error.message : String(error)}; the next job end or tick admits them`,
        runId: runIdOf(transition.run),
        chain: transition.run.chain,
        pool,
      });
    }
  }
}
