import type { ChainDefinition } from '../chain/types.js';
import type { AdmissionOps, QueueEntry, SlotHold } from '../engine/admission.js';
import type { Run, Step } from '../engine/run.js';

/** A change to a run: the next run to write (none: leave it) and what the caller gets back. */
export interface RunChange<T> {
  readonly run?: Run;
  /** Steps that ended, appended to the run's history in the same atomic write. */
  readonly archive?: readonly Step[];
  /**
   * Documents created in the same atomic write, each only if no document has its id (else the
   * write is lost as to a concurrent writer): a Map item's successor starts with its
   * predecessor's end, exactly once.
   */
  readonly creates?: readonly Run[];
  readonly result: T;
}

/** Which runs {@link RunStore.listRuns} returns. */
export interface RunListing {
  /** ISO time (as Date.toISOString writes it): runs that started at or after it. */
  readonly since: string;
  /** At most this many runs. */
  readonly limit: number;
  /** Only runs for which this is true, counted against `limit` (all when absent). */
  readonly match?: (run: Run) => boolean;
}

/**
 * Where runs live. `update` is a compare-and-set: it reads the run, asks `change` for the next
 * version, and writes it only if nobody wrote in between, calling `change` again otherwise. So
 * `change` must be pure: it may run more than once.
 */
export interface RunStore {
  /**
   * Stores `run` unless its id exists, with `creates` (parts it starts) in the same write;
   * returns the stored run and whether this call created it.
   */
  create(run: Run, creates?: readonly Run[]): Promise<{ created: boolean; run: Run }>;
  /** The run, or undefined. */
  get(runId: string): Promise<Run | undefined>;
  /** Applies `change` to the current run (undefined when missing) with optimistic concurrency. */
  update<T>(
    runId: string,
    change: (run: Run | undefined) => RunChange<T> | Promise<RunChange<T>>,
  ): Promise<T>;
  /** Every ended step of the run's own document, oldest first (its parts keep theirs: Run.ended). */
  history(runId: string): Promise<Step[]>;
  /** The Map item parts of the run (documents `{runId}.{key}`), in no particular order. */
  parts(runId: string): Promise<Run[]>;
  /** The parts of one Map entry (Part.group), in no particular order. */
  groupParts(group: string): Promise<Run[]>;
  /** True when a part of that Map entry still runs (one indexed read, not the whole group). */
  groupRunning(group: string): Promise<boolean>;
  /** Stores a chain definition under its content hash (no-op if present). */
  putDefinition(hash: string, definition: ChainDefinition): Promise<void>;
  /** The definition stored under `hash`, or undefined. */
  getDefinition(hash: string): Promise<ChainDefinition | undefined>;
  /** Runs that have not ended, and ended runs with jobs still in flight, for reconciliation. */
  listRunning(): Promise<Run[]>;
  /**
   * Runs (never their parts: a Map item's or Parallel branch's document) that started at or after
   * `since` and pass `match`, newest first (ties: id descending), at most `limit`.
   */
  listRuns(listing: RunListing): Promise<Run[]>;
  /**
   * The slots of `pool` held now. Slot and queue documents are written by `create` and `update`
   * in the same atomic write as their holder (see admissionOps), never on their own.
   */
  slots(pool: string): Promise<SlotHold[]>;
  /** The `limit` oldest waiters of `pool`, oldest first. */
  waiters(pool: string, limit: number): Promise<QueueEntry[]>;
  /** How many waiters of its pool are ahead of `entry`. */
  placeInLine(entry: QueueEntry): Promise<number>;
  /**
   * The tick's repair: deletes the slot document of `hold` if it still names that holder (one
   * whose holder no longer records it). True when it was deleted.
   */
  dropOrphanSlot(hold: SlotHold): Promise<boolean>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** A run as stored, with the opaque version a conditional write compares against. */
export interface VersionedRun {
  readonly run: Run;
  readonly version: unknown;
}

/** The few primitive operations an adapter supplies; the compare-and-set logic is shared. */
export interface VersionedRunTable {
  read(runId: string): Promise<VersionedRun | undefined>;
  /**
   * The new version, or undefined when a run with that id (or one of `creates`) already exists,
   * or a slot `ops` claims is taken; `ops` are written atomically with the run.
   */
  insert(run: Run, creates: readonly Run[], ops: AdmissionOps): Promise<unknown>;
  /**
   * The new version, or undefined when the stored version is no longer `version`, one of
   * `creates` exists or a slot `ops` claims is taken; `archive`, `creates` and `ops` are
   * written atomically with the run.
   */
  replace(
    run: Run,
    version: unknown,
    archive: readonly Step[],
    creates: readonly Run[],
    ops: AdmissionOps,
  ): Promise<unknown>;
}
