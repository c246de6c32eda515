import { isDataflowStep } from '../engine/step-kind.js';
import { freeIndices, heldSlots, jobsPool, waitingEntries } from '../engine/admission.js';
import type { Run, SlotRef, Step } from '../engine/run.js';
import { launchesOf, type Effect, type Transition } from '../engine/transition.js';
import type { HandlerDeps, Invocation } from './deps.js';

/** The project's active-job budget, or undefined when there is none. */
export function jobBudget(deps: HandlerDeps): number | undefined {
  return deps.maxActiveJobs ? deps.maxActiveJobs : undefined;
}

/** What one write knows of a pool: its free slots, and whether anyone waits. */
interface PoolView {
  waiting: boolean;
  readonly free: number[];
}

async function viewOf(
  inv: Invocation,
  pool: string,
  capacity: number,
  inWrite: readonly Run[],
): Promise<PoolView> {
  const [stored, waiters] = await Promise.all([inv.store.slots(pool), inv.store.waiters(pool, 1)]);
  // This write's own holds and waiters count too: the store has not seen them yet.
  const mine = inWrite.flatMap(heldSlots).filter((hold) => hold.pool === pool);
  const taken = [...stored, ...mine];
  const waiting =
    waiters.length > 0 ||
    inWrite.some((run) => waitingEntries(run).some((entry) => entry.pool === pool));
  return { waiting, free: freeIndices(taken, capacity, capacity) };
}

function withStep(transition: Transition, step: Step, launch: boolean): Transition {
  const run = { ...transition.run, steps: { ...transition.run.steps, [step.jobName]: step } };
  const effects = transition.effects.flatMap((effect): Effect[] => {
    if (effect.kind !== 'launch' || effect.step.jobName !== step.jobName) return [effect];
    return launch ? [{ kind: 'launch', step }] : [];
  });
  return { ...transition, run, effects };
}

function admitted(transition: Transition, step: Step, slot: SlotRef): Transition {
  return withStep(transition, { ...step, slot }, true);
}

function queued(transition: Transition, step: Step, at: string): Transition {
  // Never called: its lease goes, so whoever admits it later launches without a look-up.
  const { lease: _none, ...waiting } = step;
  const pool = jobsPool(step.projectId);
  return withStep(transition, { ...waiting, queued: { pool, at } }, false);
}

/**
 * Gives each new launch intent of `transition` (and of the parts it creates) a slot of its
 * project's active-job budget, in the same write that records the intent; with no slot free,
 * or others already waiting (first come, first served), the intent waits in line instead and
 * is launched when admitted. Runs inside the write's compare-and-set: a slot another writer
 * took meanwhile fails the write, which is computed again on fresh reads.
 */
export async function admitIntents(inv: Invocation, transition: Transition): Promise<Transition> {
  const budget = jobBudget(inv);
  if (budget === undefined || !transition.changed) return transition;
  const parts = [transition, ...(transition.spawned ?? [])];
  const fresh = parts.flatMap((t, i) =>
    launchesOf(t)
      // Only Dataflow jobs count against the project's active-job budget.
      .filter(
        ({ step }) => step.slot === undefined && step.queued === undefined && isDataflowStep(step),
      )
      .map(({ step }) => ({ i, step })),
  );
  if (fresh.length === 0) return transition;
  const now = inv.clock.now().toISOString();
  const views = new Map<string, PoolView>();
  for (const { i, step } of fresh) {
    const pool = jobsPool(step.projectId);
    let view = views.get(pool);
    if (view === undefined) {
      view = await viewOf(
        inv,
        pool,
        budget,
        parts.map((t) => t.run),
      );
      views.set(pool, view);
    }
    const index = view.waiting ? undefined : view.free.shift();
    const t = parts[i]!;
    parts[i] = index === undefined ? queued(t, step, now) : admitted(t, step, { pool, index });
    if (index === undefined) view.waiting = true;
  }
  const [own, ...spawned] = parts;
  return { ...own!, ...(transition.spawned ? { spawned } : {}) };
}
