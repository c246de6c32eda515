import type { ChainDefinition } from '../chain/types.js';
import {
  lineKey,
  slotKey,
  type AdmissionOps,
  type QueueEntry,
  type SlotHold,
} from '../engine/admission.js';
import { isUnsettled, type Run, type Step } from '../engine/run.js';
import { OptimisticRunStore } from './optimistic.js';
import type { RunListing, VersionedRunTable } from './port.js';

/** Descending order of two strings, as Firestore orders them (code units, not locale). */
function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** In-process runs for `DFCHAIN_STORE=memory`, tests and benchmarks; lost when the process ends. */
export class MemoryRunStore extends OptimisticRunStore {
  private readonly runs = new Map<string, { run: Run; version: number }>();
  private readonly histories = new Map<string, Step[]>();
  private readonly definitions = new Map<string, ChainDefinition>();
  /** Held slots by slotKey, and each pool's queue by lineKey: what Firestore keeps as documents. */
  private readonly held = new Map<string, SlotHold>();
  private readonly queues = new Map<string, Map<string, QueueEntry>>();
  /** Round trips a remote store would make: reads and conditional writes of run documents. */
  readonly trips = { reads: 0, writes: 0 };

  protected readonly table: VersionedRunTable = {
    read: (runId) => {
      this.trips.reads++;
      const stored = this.runs.get(runId);
      return Promise.resolve(
        stored && { run: structuredClone(stored.run), version: stored.version },
      );
    },
    insert: (run, creates, ops) => Promise.resolve(this.write(run, undefined, [], creates, ops)),
    replace: (run, version, archive, creates, ops) =>
      Promise.resolve(this.write(run, version, archive, creates, ops)),
  };

  private write(
    run: Run,
    version: unknown,
    archive: readonly Step[],
    creates: readonly Run[],
    ops: AdmissionOps,
  ): number | undefined {
    this.trips.writes++;
    const current = this.runs.get(run.id);
    if (current?.version !== version) return undefined;
    if (creates.some((created) => this.runs.has(created.id))) return undefined;
    // Released first: one write may give a slot back and take it again (claimed with create()).
    const releasing = new Set(ops.release.map(slotKey));
    if (ops.claim.some((hold) => this.held.has(slotKey(hold)) && !releasing.has(slotKey(hold))))
      return undefined;
    this.applyOps(ops);
    for (const created of creates)
      this.runs.set(created.id, { run: structuredClone(created), version: 1 });
    // Stryker disable next-line ArithmeticOperator: versions are opaque tokens only compared for equality; counting down (-1, -2, ...) gives distinct versions too
    const next = (current?.version ?? 0) + 1;
    this.runs.set(run.id, { run: structuredClone(run), version: next });
    // Stryker disable next-line ConditionalExpression,EqualityOperator: `=> true` / `>= 0` only store an empty history, which history() answers as [] anyway; `=> false` is killed by the history tests
    if (archive.length > 0) {
      const history = this.histories.get(run.id) ?? [];
      this.histories.set(run.id, [...history, ...structuredClone(archive)]);
    }
    return next;
  }

  private applyOps(ops: AdmissionOps): void {
    for (const hold of ops.release) this.held.delete(slotKey(hold));
    for (const hold of ops.claim) this.held.set(slotKey(hold), { ...hold });
    for (const entry of ops.dequeue) this.queues.get(entry.pool)?.delete(lineKey(entry));
    for (const entry of ops.enqueue) {
      const queue = this.queues.get(entry.pool) ?? new Map<string, QueueEntry>();
      queue.set(lineKey(entry), { ...entry });
      this.queues.set(entry.pool, queue);
    }
  }

  slots(pool: string): Promise<SlotHold[]> {
    const held = [...this.held.values()].filter((hold) => hold.pool === pool);
    return Promise.resolve(structuredClone(held));
  }

  waiters(pool: string, limit: number): Promise<QueueEntry[]> {
    const queue = [...(this.queues.get(pool)?.entries() ?? [])];
    queue.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Promise.resolve(structuredClone(queue.slice(0, limit).map(([, entry]) => entry)));
  }

  placeInLine(entry: QueueEntry): Promise<number> {
    const key = lineKey(entry);
    const keys = [...(this.queues.get(entry.pool)?.keys() ?? [])];
    return Promise.resolve(keys.filter((other) => other < key).length);
  }

  dropOrphanSlot(hold: SlotHold): Promise<boolean> {
    const stored = this.held.get(slotKey(hold));
    const same = stored?.doc === hold.doc && stored.jobName === hold.jobName;
    if (same) this.held.delete(slotKey(hold));
    return Promise.resolve(same);
  }

  history(runId: string): Promise<Step[]> {
    return Promise.resolve(structuredClone(this.histories.get(runId) ?? []));
  }

  parts(runId: string): Promise<Run[]> {
    const parts = [...this.runs.values()].filter(({ run }) => run.part?.root === runId);
    return Promise.resolve(structuredClone(parts.map(({ run }) => run)));
  }

  groupParts(group: string): Promise<Run[]> {
    const parts = [...this.runs.values()].filter(({ run }) => run.part?.group === group);
    return Promise.resolve(structuredClone(parts.map(({ run }) => run)));
  }

  groupRunning(group: string): Promise<boolean> {
    const runs = [...this.runs.values()];
    return Promise.resolve(
      runs.some(({ run }) => run.part?.group === group && run.status === 'RUNNING'),
    );
  }

  putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    if (!this.definitions.has(hash)) this.definitions.set(hash, structuredClone(definition));
    return Promise.resolve();
  }

  getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    return Promise.resolve(this.definitions.get(hash));
  }

  listRunning(): Promise<Run[]> {
    const runs = [...this.runs.values()].map((stored) => stored.run);
    const visited = runs.filter((run) => run.status === 'RUNNING' || isUnsettled(run));
    return Promise.resolve(structuredClone(visited));
  }

  listRuns({ since, limit, match }: RunListing): Promise<Run[]> {
    const runs = [...this.runs.values()]
      .map((stored) => stored.run)
      .filter((run) => run.part === undefined && run.startTime >= since)
      .sort((a, b) => compareDesc(a.startTime, b.startTime) || compareDesc(a.id, b.id))
      .filter((run) => match?.(run) ?? true);
    return Promise.resolve(structuredClone(runs.slice(0, limit)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
