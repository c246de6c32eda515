import type { ChainDefinition } from '../chain/types.js';
import {
  admissionOps,
  type AdmissionOps,
  type QueueEntry,
  type SlotHold,
} from '../engine/admission.js';
import type { Run, Step } from '../engine/run.js';
import { StoreTransientError } from '../errors.js';
import type { RunChange, RunListing, RunStore, VersionedRun, VersionedRunTable } from './port.js';

/** Conflicts per update before giving up; each one means another writer made progress. */
export const MAX_CONFLICTS = 20;

/** Runs remembered per instance; a warm instance usually handles a run's next event too. */
export const CACHE_SIZE = 1000;

/** The last version of each run this instance read or wrote, least recently used dropped first. */
class RunCache {
  private readonly entries = new Map<string, VersionedRun>();

  constructor(private readonly size: number) {}

  get(runId: string): VersionedRun | undefined {
    const entry = this.entries.get(runId);
    if (entry) {
      this.entries.delete(runId);
      this.entries.set(runId, entry);
    }
    return entry;
  }

  set(runId: string, entry: VersionedRun | undefined): void {
    this.entries.delete(runId);
    if (entry === undefined) return;
    this.entries.set(runId, entry);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The slot and queue documents a write of `run` over `before`, creating `creates`, changes. */
function opsOf(before: Run | undefined, run: Run, creates: readonly Run[]): AdmissionOps {
  const all = [admissionOps(before, run), ...creates.map((c) => admissionOps(undefined, c))];
  return {
    claim: all.flatMap((ops) => ops.claim),
    release: all.flatMap((ops) => ops.release),
    enqueue: all.flatMap((ops) => ops.enqueue),
    dequeue: all.flatMap((ops) => ops.dequeue),
  };
}

/**
 * The compare-and-set logic of a RunStore over a {@link VersionedRunTable}. An update starts from
 * the version this instance last saw, so the usual transition costs one conditional write and
 * no read; a stale version only costs the failed write and a fresh read. A change computed on a
 * remembered version is never trusted to be a no-op: that answer is checked on a fresh read.
 */
export abstract class OptimisticRunStore implements RunStore {
  private readonly cache = new RunCache(CACHE_SIZE);

  protected abstract readonly table: VersionedRunTable;

  private async read(runId: string): Promise<VersionedRun | undefined> {
    const current = await this.table.read(runId);
    this.cache.set(runId, current);
    return current;
  }

  async create(run: Run, creates: readonly Run[] = []): Promise<{ created: boolean; run: Run }> {
    const version = await this.table.insert(run, creates, opsOf(undefined, run, creates));
    if (version !== undefined) {
      this.cache.set(run.id, { run, version });
      return { created: true, run };
    }
    const existing = await this.read(run.id);
    return { created: false, run: existing?.run ?? run };
  }

  async get(runId: string): Promise<Run | undefined> {
    return (await this.read(runId))?.run;
  }

  async update<T>(
    runId: string,
    change: (run: Run | undefined) => RunChange<T> | Promise<RunChange<T>>,
  ): Promise<T> {
    let current = this.cache.get(runId);
    let fresh = current === undefined;
    if (fresh) current = await this.read(runId);
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const { run, result, archive = [], creates = [] } = await change(current?.run);
      if (run !== undefined) {
        const version = current
          ? await this.table.replace(
              run,
              current.version,
              archive,
              creates,
              opsOf(current.run, run, creates),
            )
          : await this.table.insert(run, [], opsOf(undefined, run, []));
        if (version !== undefined) {
          this.cache.set(runId, { run, version });
          return result;
        }
      } else if (fresh) {
        return result;
      }
      current = await this.read(runId);
      fresh = true;
    }
    throw new StoreTransientError(
      `run ${runId}: ${MAX_CONFLICTS} concurrent writers in a row won the race; the delivery will be retried`,
    );
  }

  abstract history(runId: string): Promise<Step[]>;
  abstract parts(runId: string): Promise<Run[]>;
  abstract groupParts(group: string): Promise<Run[]>;
  abstract groupRunning(group: string): Promise<boolean>;
  abstract putDefinition(hash: string, definition: ChainDefinition): Promise<void>;
  abstract getDefinition(hash: string): Promise<ChainDefinition | undefined>;
  abstract listRunning(): Promise<Run[]>;
  abstract listRuns(listing: RunListing): Promise<Run[]>;
  abstract slots(pool: string): Promise<SlotHold[]>;
  abstract waiters(pool: string, limit: number): Promise<QueueEntry[]>;
  abstract placeInLine(entry: QueueEntry): Promise<number>;
  abstract dropOrphanSlot(hold: SlotHold): Promise<boolean>;
  abstract close(): Promise<void>;
}
