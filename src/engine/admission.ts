import type { QueuedAt, Run, SlotRef, Step } from './run.js';

export type { QueuedAt, SlotRef } from './run.js';

/** Who holds or waits for a slot: a run (MaxConcurrentRuns) or one of its steps (a job). */
export interface Holder {
  /** Id of the document (run or part) that records the hold. */
  readonly doc: string;
  /** The step's job name; absent for a run's own slot. */
  readonly jobName?: string;
}

/** A held slot, as the store keeps it. */
export interface SlotHold extends SlotRef, Holder {}

/** A waiter in a pool's queue, as the store keeps it. */
export interface QueueEntry extends QueuedAt, Holder {}

/** What a write of a run changes in the pools, derived from the run before and after it. */
export interface AdmissionOps {
  readonly claim: readonly SlotHold[];
  readonly release: readonly SlotHold[];
  readonly enqueue: readonly QueueEntry[];
  readonly dequeue: readonly QueueEntry[];
}

/** The pool of a project's active jobs (DFCHAIN_MAX_ACTIVE_JOBS). */
export function jobsPool(projectId: string): string {
  return `jobs.${projectId}`;
}

/** The pool of a chain's started runs (its MaxConcurrentRuns). */
export function runsPool(chain: string): string {
  return `runs.${chain}`;
}

/** The slots `run` holds: its own while it runs, and each in-flight step's until its end is recorded. */
export function heldSlots(run: Run): SlotHold[] {
  const own = run.slot && run.status === 'RUNNING' ? [{ ...run.slot, doc: run.id }] : [];
  const steps = Object.values(run.steps).flatMap((step) =>
    step.slot ? [{ ...step.slot, doc: run.id, jobName: step.jobName }] : [],
  );
  return [...own, ...steps];
}

/** True while `step` waits in its pool's queue (an intent no one may launch until admitted). */
export function isQueued(step: Step): boolean {
  return step.status === 'INTENDED' && step.queued !== undefined && step.abandoned !== true;
}

/** The queue places `run` takes: its own while it waits to begin, and each waiting intent's. */
export function waitingEntries(run: Run): QueueEntry[] {
  const own = run.queued && run.status === 'RUNNING' ? [{ ...run.queued, doc: run.id }] : [];
  const steps = Object.values(run.steps).flatMap((step) =>
    step.queued && isQueued(step) ? [{ ...step.queued, doc: run.id, jobName: step.jobName }] : [],
  );
  return [...own, ...steps];
}

/** The key of a slot document: one per pool and index. */
export function slotKey(slot: SlotRef): string {
  return `${slot.pool}#${slot.index}`;
}

/** The id of a queue entry's document inside its pool: sorts oldest first. */
export function lineKey(entry: QueueEntry): string {
  return `${entry.at}~${entry.doc}~${entry.jobName ?? '-'}`;
}

function holdKey(hold: SlotHold): string {
  return `${slotKey(hold)}@${hold.doc}/${hold.jobName ?? ''}`;
}

function minus<T>(items: readonly T[], others: readonly T[], key: (item: T) => string): T[] {
  const known = new Set(others.map(key));
  return items.filter((item) => !known.has(key(item)));
}

/** The slot and queue documents a write of `after` (over `before`, if stored) adds and removes. */
export function admissionOps(before: Run | undefined, after: Run): AdmissionOps {
  const held = before ? heldSlots(before) : [];
  const holds = heldSlots(after);
  const waiting = before ? waitingEntries(before) : [];
  const waits = waitingEntries(after);
  const entry = (e: QueueEntry) => `${e.pool}/${lineKey(e)}`;
  return {
    claim: minus(holds, held, holdKey),
    release: minus(held, holds, holdKey),
    enqueue: minus(waits, waiting, entry),
    dequeue: minus(waiting, waits, entry),
  };
}

/** True when the ops change nothing. */
export function noOps(ops: AdmissionOps): boolean {
  return ops.claim.length + ops.release.length + ops.enqueue.length + ops.dequeue.length === 0;
}

/** The lowest indices below `capacity` no hold in `held` takes, at most `count` of them. */
export function freeIndices(held: readonly SlotRef[], capacity: number, count: number): number[] {
  const taken = new Set(held.map((slot) => slot.index));
  const free: number[] = [];
  for (let index = 0; index < capacity && free.length < count; index++) {
    if (!taken.has(index)) free.push(index);
  }
  return free;
}

/**
 * True while an intent waits for something other than a lease: a slot (in line) or the retry
 * timer of a launch refused for quota. Neither the launch executor nor the tick takes it over;
 * its admission or its timer hands it back.
 */
export function isParked(step: Step): boolean {
  return step.status === 'INTENDED' && (step.queued !== undefined || step.quotaWait !== undefined);
}
