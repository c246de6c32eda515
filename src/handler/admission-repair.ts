import { isDataflowStep } from '../engine/step-kind.js';
import {
  freeIndices,
  heldSlots,
  jobsPool,
  runsPool,
  waitingEntries,
  type SlotHold,
} from '../engine/admission.js';
import type { Run } from '../engine/run.js';
import { unchanged } from '../engine/transition.js';
import { jobBudget } from './admission.js';
import { admitWaiting } from './admit-waiting.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { applyToRun } from './record.js';

/** A pool's capacity once its budget is off: the line empties, at most this many per tick. */
const UNBOUNDED = 1_000;

/** What the tick's repair of the budgets did. */
export interface AdmissionRepair {
  /** Waiters admitted (their admission after a job end was lost or failed). */
  admitted: number;
  /** Slot documents no holder records any more, deleted. */
  dropped: number;
  /** Launched steps that held no slot (launched while the budget was off), given one. */
  adopted: number;
}

/** True when `run` (the holder's document, read fresh) still records `hold`. */
function records(run: Run | undefined, hold: SlotHold): boolean {
  if (run === undefined) return false;
  const slot =
    hold.jobName === undefined
      ? run.status === 'RUNNING'
        ? run.slot
        : undefined
      : run.steps[hold.jobName]?.slot;
  return slot?.pool === hold.pool && slot.index === hold.index;
}

async function dropOrphans(
  inv: Invocation,
  pool: string,
  listed: Map<string, Run>,
): Promise<number> {
  let dropped = 0;
  for (const hold of await inv.store.slots(pool)) {
    if (records(listed.get(hold.doc), hold)) continue;
    // Listed runs may be stale: only a fresh read may condemn a slot.
    if (records(await inv.store.get(hold.doc), hold)) continue;
    if (await inv.store.dropOrphanSlot(hold)) {
      dropped++;
      inv.logger.write({
        severity: 'WARNING',
        event: 'admission.orphan_slot',
        message: `tick: slot ${hold.index} of ${pool} was held for ${hold.doc}${hold.jobName ? ` job ${hold.jobName}` : ''}, which no longer records it; released`,
        runId: hold.doc,
        pool,
      });
    }
  }
  return dropped;
}

/** Gives a slot to each launched step of `runs` that holds none, while slots are free. */
async function adoptUnslotted(
  inv: Invocation,
  runs: readonly Run[],
  budget: number,
): Promise<number> {
  let adopted = 0;
  for (const run of runs) {
    for (const step of Object.values(run.steps)) {
      // Only Dataflow jobs count against the project's active-job budget.
      if (step.status !== 'LAUNCHED' || step.slot !== undefined || !isDataflowStep(step)) continue;
      const pool = jobsPool(step.projectId);
      const transition = await applyToRun(inv, run.id, async (current) => {
        const now = current.steps[step.jobName];
        if (now?.status !== 'LAUNCHED' || now.slot !== undefined) return unchanged(current);
        const taken = [...(await inv.store.slots(pool)), ...heldSlots(current)];
        const index = freeIndices(taken, budget, 1)[0];
        if (index === undefined) return unchanged(current);
        const slotted = { ...now, slot: { pool, index } };
        return {
          run: { ...current, steps: { ...current.steps, [step.jobName]: slotted } },
          changed: true,
          effects: [],
          events: [],
          archived: [],
        };
      });
      if (transition?.changed) adopted++;
    }
  }
  return adopted;
}

/**
 * The tick's repair of the budgets, against the listed running runs: waiters whose admission
 * was lost are admitted, slot documents nobody records are released, and jobs launched while
 * the budget was off take a slot. (A slot whose job ended unseen is released by the tick's
 * reconciliation of that job against `jobs.list?filter=ACTIVE`, which records its end.)
 */
export async function repairAdmission(
  inv: Invocation,
  runs: readonly Run[],
): Promise<AdmissionRepair> {
  const repair: AdmissionRepair = { admitted: 0, dropped: 0, adopted: 0 };
  const budget = jobBudget(inv);
  const pools = new Map<string, number>();
  if (budget !== undefined) pools.set(jobsPool(inv.projectId), budget);
  for (const run of runs) {
    for (const hold of [...heldSlots(run), ...waitingEntries(run)]) {
      // With the budget turned off, launches still in line are let go, as many as wait.
      if (hold.jobName !== undefined) pools.set(hold.pool, budget ?? UNBOUNDED);
    }
    if (run.slot !== undefined || run.queued !== undefined) {
      const capacity = (await definitionFor(inv, run)).MaxConcurrentRuns;
      if (capacity !== undefined) pools.set(runsPool(run.chain), capacity);
    }
  }
  const listed = new Map(runs.map((run) => [run.id, run]));
  for (const [pool, capacity] of pools) {
    repair.dropped += await dropOrphans(inv, pool, listed);
    repair.admitted += await admitWaiting(inv, pool, capacity);
  }
  if (budget !== undefined) repair.adopted = await adoptUnslotted(inv, runs, budget);
  return repair;
}
