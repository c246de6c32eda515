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
 * Gives the free slots of `pool` to its oldest waiters, one write each, and launches or begins
 * them; called after every write that frees a slot or puts someone in line, and by the tick.
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
    const entries = await inv.store.waiters(pool, free.length);
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

/** The capacity of a run pool: the chain's MaxConcurrentRuns in the run's own definition. */
async function runCapacity(inv: Invocation, run: Run): Promise<number | undefined> {
  return (await definitionFor(inv, run)).MaxConcurrentRuns;
}

/**
 * The pools a committed transition may let someone into (it freed a slot) or whose line it
 * joined (its own admission must then be tried, in case every slot came free meanwhile).
 */
async function poolsOf(inv: Invocation, transition: Transition): Promise<Map<string, number>> {
  const pools = new Map<string, number>();
  const budget = jobBudget(inv);
  if (budget !== undefined) {
    for (const step of transition.archived) if (step.slot) pools.set(step.slot.pool, budget);
    for (const entry of waitingEntries(transition.run))
      if (entry.jobName !== undefined) pools.set(entry.pool, budget);
  }
  const run = transition.run;
  const ended = transition.events.some((e) => /^run\.(succeeded|failed|cancelled)$/.test(e.event));
  if ((run.slot && ended) || run.queued) {
    const capacity = await runCapacity(inv, run);
    if (capacity !== undefined) pools.set(runsPool(run.chain), capacity);
  }
  return pools;
}

/**
 * After a committed transition: admits the waiters of every pool it freed a slot of or joined
 * the line of. A failure is logged, not thrown: the transition is committed, and the tick
 * admits whoever still waits.
 */
export async function admitAfter(inv: Invocation, transition: Transition): Promise<void> {
  if (!transition.changed) return;
  for (const [pool, capacity] of await poolsOf(inv, transition)) {
    try {
      await admitWaiting(inv, pool, capacity);
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
