import { AsyncLocalStorage } from 'node:async_hooks';
import type { Firestore } from '@google-cloud/firestore';
import type { AdmissionOps, QueueEntry, SlotHold } from '../../src/engine/admission.js';
import type { VersionedRunTable } from '../../src/store/port.js';
import { CountingFirestoreRunStore, type FirestoreCounts } from './counting-firestore.js';

/**
 * Where a store operation happened: a start delivery, a job-end delivery recording its end, or
 * that delivery admitting waiters afterwards (everything after its first slot query: a one-Task
 * run's end launches nothing, so only admitWaiting queries the slots there).
 */
export type Phase = 'start' | 'end' | 'admit';

/** Firestore operations of one phase. */
export interface Tally {
  reads: number;
  slotQueries: number;
  waiterQueries: number;
  placeInLineQueries: number;
  commits: number;
  conflicts: number;
  /** Run and history documents written by commits that landed. */
  runDocs: number;
  /** Slot and queue documents created or deleted by commits that landed. */
  admissionDocs: number;
}

/** A commit that took a waiter out of line: its step got a slot in the same write. */
export interface Admission {
  readonly jobName: string;
  readonly index: number;
  readonly at: number;
  readonly phase: Phase;
}

/** Slot claims and releases of one slot index, in commit order. */
interface SlotHistory {
  readonly claims: {
    readonly jobName: string;
    readonly at: number;
    readonly admitted: boolean;
    readonly phase: Phase;
  }[];
  readonly releases: { readonly jobName: string; readonly at: number }[];
}

/** What every store instance of one bench saw of the admission of jobs (shared). */
export class AdmissionTrace {
  readonly tallies: Record<Phase, Tally> = { start: tally(), end: tally(), admit: tally() };
  readonly admissions: Admission[] = [];
  /** Each job-end delivery's admitting work, in the order they finished. */
  readonly perDelivery: DeliveryAdmitting[] = [];
  private readonly slots = new Map<number, SlotHistory>();

  /** Records a commit that landed: its slot claims, releases and admissions, at `at`. */
  landed(ops: AdmissionOps, at: number, phase: Phase): void {
    const dequeued = new Set(ops.dequeue.map((entry) => `${entry.doc}/${entry.jobName ?? ''}`));
    for (const hold of ops.release) this.history(hold.index).releases.push(this.hold(hold, at));
    for (const hold of ops.claim) {
      // A claim in the write that leaves the line is an admission; one without is a fresh start.
      const admitted = dequeued.has(`${hold.doc}/${hold.jobName ?? ''}`);
      this.history(hold.index).claims.push({ ...this.hold(hold, at), admitted, phase });
      if (!admitted) continue;
      this.admissions.push({ ...this.hold(hold, at), index: hold.index, phase });
      const mine = context.getStore();
      if (mine?.admitting) mine.mine.admissions++;
    }
  }

  /**
   * Each admission with the release that freed its slot. Claims and releases of one index
   * alternate (a claim is a create(), a release its delete), so the k-th claim follows the
   * (k−1)-th release: matched by count, not by when the client saw each answer.
   */
  pairs(): { admission: Admission; release: { jobName: string; at: number } }[] {
    const pairs: { admission: Admission; release: { jobName: string; at: number } }[] = [];
    for (const [index, { claims, releases }] of this.slots) {
      claims.forEach((claim, k) => {
        const release = releases[k - 1];
        if (!claim.admitted || release === undefined) return;
        pairs.push({ admission: { ...claim, index }, release });
      });
    }
    return pairs;
  }

  /** The highest slot index any write claimed; -1 when none did. */
  maxIndex(): number {
    return Math.max(-1, ...this.slots.keys());
  }

  private history(index: number): SlotHistory {
    let history = this.slots.get(index);
    if (history === undefined) {
      history = { claims: [], releases: [] };
      this.slots.set(index, history);
    }
    return history;
  }

  private hold(hold: SlotHold, at: number): { jobName: string; at: number } {
    return { jobName: hold.jobName ?? '', at };
  }
}

function tally(): Tally {
  return {
    reads: 0,
    slotQueries: 0,
    waiterQueries: 0,
    placeInLineQueries: 0,
    commits: 0,
    conflicts: 0,
    runDocs: 0,
    admissionDocs: 0,
  };
}

/** What one job-end delivery did while admitting: run reads, lost writes, admissions won. */
export interface DeliveryAdmitting {
  reads: number;
  conflicts: number;
  admissions: number;
}

/** The delivery a store call runs in: its kind, whether it has begun admitting, its tally. */
interface DeliveryContext {
  readonly kind: string;
  admitting: boolean;
  readonly mine: DeliveryAdmitting;
}

const context = new AsyncLocalStorage<DeliveryContext>();

/**
 * Runs one delivery of `kind` (`start`, `jobEnded`) so its store calls are told apart by phase;
 * a job-end delivery's admitting work is added to `trace.perDelivery` when it is done.
 */
export async function inDelivery<T>(
  trace: AdmissionTrace,
  kind: string,
  work: () => Promise<T>,
): Promise<T> {
  const delivery: DeliveryContext = {
    kind,
    admitting: false,
    mine: { reads: 0, conflicts: 0, admissions: 0 },
  };
  try {
    return await context.run(delivery, work);
  } finally {
    if (kind !== 'start') trace.perDelivery.push(delivery.mine);
  }
}

function phaseNow(): Phase {
  const delivery = context.getStore();
  if (delivery === undefined || delivery.kind === 'start') return 'start';
  return delivery.admitting ? 'admit' : 'end';
}

function opCount(ops: AdmissionOps): number {
  return ops.claim.length + ops.release.length + ops.enqueue.length + ops.dequeue.length;
}

/**
 * CountingFirestoreRunStore that also records, for the admission bench, when each slot was
 * claimed and released (the commit's answer) and which phase each operation belongs to.
 */
export class TracedFirestoreRunStore extends CountingFirestoreRunStore {
  constructor(
    db: Firestore,
    counts: FirestoreCounts,
    private readonly trace: AdmissionTrace,
  ) {
    super(db, counts);
    const inner = this.table;
    const of = (): Tally => trace.tallies[phaseNow()];
    const after = (version: unknown, ops: AdmissionOps, runDocs: number): unknown => {
      const tallied = of();
      if (version === undefined) {
        tallied.conflicts++;
        const delivery = context.getStore();
        if (delivery?.admitting) delivery.mine.conflicts++;
        return version;
      }
      tallied.commits++;
      tallied.runDocs += runDocs;
      tallied.admissionDocs += opCount(ops);
      trace.landed(ops, performance.now(), phaseNow());
      return version;
    };
    const table: VersionedRunTable = {
      read: (runId) => {
        of().reads++;
        const delivery = context.getStore();
        if (delivery?.admitting) delivery.mine.reads++;
        return inner.read(runId);
      },
      insert: async (run, creates, ops) =>
        after(await inner.insert(run, creates, ops), ops, 1 + creates.length),
      replace: async (run, version, archive, creates, ops) =>
        after(
          await inner.replace(run, version, archive, creates, ops),
          ops,
          1 + archive.length + creates.length,
        ),
    };
    // Same swap as the counting store's: the adapter reads its table from this field.
    Object.defineProperty(this, 'table', { value: table });
  }

  override async slots(pool: string): Promise<SlotHold[]> {
    const delivery = context.getStore();
    if (delivery && delivery.kind !== 'start') delivery.admitting = true;
    this.trace.tallies[phaseNow()].slotQueries++;
    return super.slots(pool);
  }

  override async waiters(pool: string, limit: number): Promise<QueueEntry[]> {
    this.trace.tallies[phaseNow()].waiterQueries++;
    return super.waiters(pool, limit);
  }

  override async placeInLine(entry: QueueEntry): Promise<number> {
    this.trace.tallies[phaseNow()].placeInLineQueries++;
    return super.placeInLine(entry);
  }
}
