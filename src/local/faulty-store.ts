import type { ChainDefinition } from '../chain/types.js';
import type { QueueEntry, SlotHold } from '../engine/admission.js';
import type { Run, Step } from '../engine/run.js';
import { StoreTransientError } from '../errors.js';
import type { RunChange, RunListing, RunStore } from '../store/port.js';
import { crashProcess, type Crash } from './crash.js';

/** How often a {@link FaultyRunStore} fails and crashes. */
export interface StoreFaults {
  /** Probability (0..1) that a call throws StoreTransientError, half before and half after it ran. */
  readonly faultRate: number;
  /** Probability (0..1) of a crash at each crash point (before a commit, after an intent). */
  readonly crashRate: number;
  readonly random: () => number;
  readonly crash?: Crash;
}

function intents(run: Run | undefined): number {
  return Object.values(run?.steps ?? {}).filter((step) => step.status === 'INTENDED').length;
}

/**
 * A RunStore that fails like a flaky network: StoreTransientError before the call reaches the
 * store, or after it succeeded (the write happened, the answer was lost); and, at the configured
 * rate, kills the process just before a write or just after one that recorded a launch intent.
 * Local-stack testing only (`DFCHAIN_LOCAL_FAULTS`).
 */
export class FaultyRunStore implements RunStore {
  private readonly crash: Crash;

  constructor(
    private readonly inner: RunStore,
    private readonly faults: StoreFaults,
  ) {
    this.crash = faults.crash ?? crashProcess;
  }

  private roll(rate: number): boolean {
    return rate > 0 && this.faults.random() < rate;
  }

  private async call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const fault = this.roll(this.faults.faultRate);
    const after = fault && this.faults.random() < 0.5;
    if (fault && !after) {
      throw new StoreTransientError(`local fault: store ${operation} failed before it was sent`);
    }
    const result = await call();
    if (after) {
      throw new StoreTransientError(`local fault: store ${operation} ran but its answer was lost`);
    }
    return result;
  }

  /** Stores the run; may crash once a run holding a launch intent is created. */
  create(run: Run, creates: readonly Run[] = []): Promise<{ created: boolean; run: Run }> {
    return this.call(`create ${run.id}`, async () => {
      const result = await this.inner.create(run, creates);
      if (result.created && intents(run) > 0 && this.roll(this.faults.crashRate))
        this.crash('after-intent', run.id);
      return result;
    });
  }

  /** The run, or undefined. */
  get(runId: string): Promise<Run | undefined> {
    return this.call(`get ${runId}`, () => this.inner.get(runId));
  }

  /** Compare-and-set; may crash just before a write is sent, or just after one added an intent. */
  update<T>(
    runId: string,
    change: (run: Run | undefined) => RunChange<T> | Promise<RunChange<T>>,
  ): Promise<T> {
    return this.call(`update ${runId}`, async () => {
      let addedIntent = false;
      const result = await this.inner.update(runId, async (current) => {
        const next = await change(current);
        if (next.run !== undefined && this.roll(this.faults.crashRate))
          this.crash('before-commit', runId);
        addedIntent = next.run !== undefined && intents(next.run) > intents(current);
        return next;
      });
      if (addedIntent && this.roll(this.faults.crashRate)) this.crash('after-intent', runId);
      return result;
    });
  }

  /** Every ended step of the run. */
  history(runId: string): Promise<Step[]> {
    return this.call(`history ${runId}`, () => this.inner.history(runId));
  }

  parts(runId: string): Promise<Run[]> {
    return this.call(`parts ${runId}`, () => this.inner.parts(runId));
  }

  groupParts(group: string): Promise<Run[]> {
    return this.call(`group parts ${group}`, () => this.inner.groupParts(group));
  }

  groupRunning(group: string): Promise<boolean> {
    return this.call(`group running ${group}`, () => this.inner.groupRunning(group));
  }

  /** Stores a definition under its hash. */
  putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    return this.call(`putDefinition ${hash}`, () => this.inner.putDefinition(hash, definition));
  }

  /** The definition stored under `hash`. */
  getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    return this.call(`getDefinition ${hash}`, () => this.inner.getDefinition(hash));
  }

  /** Runs that have not ended. */
  listRunning(): Promise<Run[]> {
    return this.call('listRunning', () => this.inner.listRunning());
  }

  /** Runs that started since a time, newest first. */
  listRuns(listing: RunListing): Promise<Run[]> {
    return this.call('listRuns', () => this.inner.listRuns(listing));
  }

  /** The slots held in a pool. */
  slots(pool: string): Promise<SlotHold[]> {
    return this.call(`slots ${pool}`, () => this.inner.slots(pool));
  }

  /** The oldest waiters of a pool. */
  waiters(pool: string, limit: number): Promise<QueueEntry[]> {
    return this.call(`waiters ${pool}`, () => this.inner.waiters(pool, limit));
  }

  /** Waiters ahead of an entry. */
  placeInLine(entry: QueueEntry): Promise<number> {
    return this.call(`placeInLine ${entry.pool}`, () => this.inner.placeInLine(entry));
  }

  /** The tick's repair of a slot whose holder no longer records it. */
  dropOrphanSlot(hold: SlotHold): Promise<boolean> {
    return this.call(`dropOrphanSlot ${hold.pool}`, () => this.inner.dropOrphanSlot(hold));
  }

  /** Releases connections, without faults. */
  close(): Promise<void> {
    return this.inner.close();
  }
}
