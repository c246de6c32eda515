import { gunzipSync, gzipSync } from 'node:zlib';
import {
  FieldPath,
  type DocumentSnapshot,
  type Firestore,
  type Timestamp,
  type WriteBatch,
} from '@google-cloud/firestore';
import type { ChainDefinition } from '../chain/types.js';
import {
  lineKey,
  noOps,
  type AdmissionOps,
  type QueueEntry,
  type SlotHold,
} from '../engine/admission.js';
import { isUnsettled, type Run, type Step } from '../engine/run.js';
import { StorePermanentError, StoreTransientError } from '../errors.js';
import { OptimisticRunStore } from './optimistic.js';
import type { RunListing, VersionedRunTable } from './port.js';

/** Firestore collections dfchain owns. */
export const COLLECTIONS = {
  runs: 'dfchainRuns',
  definitions: 'dfchainDefinitions',
  // One document per pool (`jobs.{project}`, `runs.{chain}`), with subcollections SLOTS and
  // QUEUE: a query of either reads one pool's documents in id order without a composite index.
  admission: 'dfchainAdmission',
} as const;

const SLOTS = 'slots';
const QUEUE = 'queue';

/** listRuns reads pages of limit × LIST_MARGIN documents, within [LIST_PAGE_MIN, LIST_PAGE_MAX]. */
const LIST_MARGIN = 4;
const LIST_PAGE_MIN = 20;
const LIST_PAGE_MAX = 1000;

/** Subcollection of a run document holding its ended steps, one document each. */
const HISTORY = 'steps';

// gRPC codes: INVALID_ARGUMENT for a document Firestore will never take (over 1 MiB),
// ALREADY_EXISTS from create(), FAILED_PRECONDITION from a stale lastUpdateTime.
const INVALID_ARGUMENT = 3;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const NOT_FOUND = 5;

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Run documents keep their user-controlled JSON (input, requests, output) as one serialized
 * string: Firestore reserves map keys such as `__x__` and treats dots in update paths
 * specially, and a run input may contain either. Status and chain stay queryable fields.
 */
function toDocument(run: Run): Record<string, string> {
  return {
    chain: run.chain,
    // The run a document belongs to: its own id, or a Map item part's run (parts() queries it).
    root: run.part?.root ?? run.id,
    // A Map item's entry: groupParts() and groupRunning() query it.
    ...(run.part ? { group: run.part.group } : {}),
    status: run.status,
    startTime: run.startTime,
    // Queryable: an ended run whose abandoned jobs the tick must still cancel or record.
    unsettled: String(isUnsettled(run)),
    run: JSON.stringify(run),
  };
}

function slotFields(hold: SlotHold): Record<string, string | number> {
  return { doc: hold.doc, jobName: hold.jobName ?? '', index: hold.index };
}

function holdOf(pool: string, snapshot: DocumentSnapshot): SlotHold {
  const jobName = String(snapshot.get('jobName') ?? '');
  return {
    pool,
    index: Number(snapshot.id),
    doc: String(snapshot.get('doc')),
    ...(jobName ? { jobName } : {}),
  };
}

function entryFields(entry: QueueEntry): Record<string, string> {
  return { at: entry.at, doc: entry.doc, jobName: entry.jobName ?? '' };
}

function entryOf(pool: string, snapshot: DocumentSnapshot): QueueEntry {
  const jobName = String(snapshot.get('jobName') ?? '');
  return {
    pool,
    at: String(snapshot.get('at')),
    doc: String(snapshot.get('doc')),
    ...(jobName ? { jobName } : {}),
  };
}

/** The run a document of the runs collection holds. */
export function fromSnapshot(snapshot: Pick<DocumentSnapshot, 'get'>): Run {
  return JSON.parse(String(snapshot.get('run'))) as Run;
}

function failure(operation: string, error: unknown): StoreTransientError | StorePermanentError {
  const detail = error instanceof Error ? error.message : String(error);
  if (grpcCode(error) === INVALID_ARGUMENT) {
    return new StorePermanentError(
      `Firestore ${operation} refused the document: ${detail}; a run's input and a chain must each fit in a 1 MiB document`,
      { cause: error },
    );
  }
  return new StoreTransientError(
    `Firestore ${operation} failed: ${detail}; the delivery will be retried (check FIRESTORE_EMULATOR_HOST or the function's roles/datastore.user)`,
    { cause: error },
  );
}

/**
 * Runs in Firestore, one document per run, written with preconditions instead of transactions:
 * server transactions lock the document, so duplicate deliveries would queue behind each other;
 * a compare-and-set on `updateTime` lets the loser re-read and see the winner's result at once.
 */
export class FirestoreRunStore extends OptimisticRunStore {
  protected readonly table: VersionedRunTable = {
    read: async (runId) => {
      const snapshot = await this.guard('read', () => this.runDoc(runId).get());
      return snapshot.exists
        ? { run: fromSnapshot(snapshot), version: snapshot.updateTime }
        : undefined;
    },
    insert: (run, creates, ops) =>
      this.conditional(
        'create',
        async () => {
          if (creates.length === 0 && noOps(ops))
            return (await this.runDoc(run.id).create(toDocument(run))).writeTime;
          // The parts a run or part starts, and its slots and places in line, come with it or not at all.
          const batch = this.db.batch();
          batch.create(this.runDoc(run.id), toDocument(run));
          for (const created of creates) batch.create(this.runDoc(created.id), toDocument(created));
          this.admissionWrites(batch, ops);
          return (await batch.commit())[0]?.writeTime;
        },
        [ALREADY_EXISTS],
      ),
    replace: (run, version, archive, creates, ops) =>
      this.conditional(
        'update',
        async () => {
          // One batch: the history, the created parts and the run change together or not at all.
          const batch = this.db.batch();
          batch.update(this.runDoc(run.id), toDocument(run), {
            lastUpdateTime: version as Timestamp,
          });
          const history = this.runDoc(run.id).collection(HISTORY);
          for (const step of archive) {
            const doc = history.doc(step.jobName);
            batch.set(doc, { endedAt: step.endedAt ?? '', step: JSON.stringify(step) });
          }
          for (const created of creates) batch.create(this.runDoc(created.id), toDocument(created));
          this.admissionWrites(batch, ops);
          // The run document's write comes first; its time is the document's new updateTime.
          return (await batch.commit())[0]?.writeTime;
        },
        [FAILED_PRECONDITION, ALREADY_EXISTS],
      ),
  };

  /** Hashes this instance already stored: starts of the same chain then cost no write. */
  private readonly storedDefinitions = new Set<string>();

  constructor(private readonly db: Firestore) {
    super();
  }

  private runDoc(runId: string) {
    return this.db.collection(COLLECTIONS.runs).doc(runId);
  }

  private poolDoc(pool: string) {
    return this.db.collection(COLLECTIONS.admission).doc(pool);
  }

  private slotDoc(hold: { pool: string; index: number }) {
    return this.poolDoc(hold.pool).collection(SLOTS).doc(String(hold.index));
  }

  private entryDoc(entry: QueueEntry) {
    return this.poolDoc(entry.pool).collection(QUEUE).doc(lineKey(entry));
  }

  /**
   * Slot claims are create()s, so two writers can never hold one slot: the loser's whole write
   * fails with ALREADY_EXISTS and is retried on a fresh read. Releases need no precondition:
   * only the write that ends the holder's record releases it, and that write happens once.
   */
  private admissionWrites(batch: WriteBatch, ops: AdmissionOps): void {
    for (const hold of ops.release) batch.delete(this.slotDoc(hold));
    for (const hold of ops.claim) batch.create(this.slotDoc(hold), slotFields(hold));
    for (const entry of ops.dequeue) batch.delete(this.entryDoc(entry));
    for (const entry of ops.enqueue) batch.set(this.entryDoc(entry), entryFields(entry));
  }

  private async guard<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw failure(operation, error);
    }
  }

  /** What `write` returns; undefined when a precondition (a code of `lost`) says another writer won. */
  private async conditional<T>(
    operation: string,
    write: () => Promise<T>,
    lost: readonly number[],
  ): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      const code = grpcCode(error);
      if (code !== undefined && lost.includes(code)) return undefined;
      throw failure(operation, error);
    }
  }

  async history(runId: string): Promise<Step[]> {
    const query = this.runDoc(runId).collection(HISTORY).orderBy('endedAt');
    const snapshot = await this.guard('read history', () => query.get());
    return snapshot.docs.map((doc) => JSON.parse(String(doc.get('step'))) as Step);
  }

  async parts(runId: string): Promise<Run[]> {
    const query = this.db.collection(COLLECTIONS.runs).where('root', '==', runId);
    const snapshot = await this.guard('read parts', () => query.get());
    return snapshot.docs.filter((doc) => doc.id !== runId).map(fromSnapshot);
  }

  async groupParts(group: string): Promise<Run[]> {
    const query = this.db.collection(COLLECTIONS.runs).where('group', '==', group);
    const snapshot = await this.guard('read the parts of a Map', () => query.get());
    return snapshot.docs.map(fromSnapshot);
  }

  async groupRunning(group: string): Promise<boolean> {
    const query = this.db
      .collection(COLLECTIONS.runs)
      .where('group', '==', group)
      .where('status', '==', 'RUNNING')
      .limit(1);
    const snapshot = await this.guard('look for running parts of a Map', () => query.get());
    return !snapshot.empty;
  }

  async putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    if (this.storedDefinitions.has(hash)) return;
    const doc = this.db.collection(COLLECTIONS.definitions).doc(hash);
    await this.conditional(
      'create definition',
      // Compressed: a long chain's JSON is repetitive, and a document holds at most 1 MiB.
      () => doc.create({ gzip: gzipSync(JSON.stringify(definition)) }),
      [ALREADY_EXISTS],
    );
    this.storedDefinitions.add(hash);
  }

  async getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    const snapshot = await this.guard('read definition', () =>
      this.db.collection(COLLECTIONS.definitions).doc(hash).get(),
    );
    return snapshot.exists
      ? (JSON.parse(gunzipSync(snapshot.get('gzip') as Buffer).toString('utf8')) as ChainDefinition)
      : undefined;
  }

  async listRunning(): Promise<Run[]> {
    const runs = this.db.collection(COLLECTIONS.runs);
    const [running, unsettled] = await Promise.all([
      this.guard('list running runs', () => runs.where('status', '==', 'RUNNING').get()),
      this.guard('list unsettled runs', () => runs.where('unsettled', '==', 'true').get()),
    ]);
    const byId = new Map<string, Run>();
    for (const doc of [...running.docs, ...unsettled.docs]) byId.set(doc.id, fromSnapshot(doc));
    return [...byId.values()];
  }

  /**
   * One range query on the single field `startTime`, paged: Firestore indexes single fields
   * itself, while an equality on chain or status plus the order on startTime would need a
   * composite index that deploy would have to create. So `match` (chain, status) and the
   * exclusion of parts (whose `root` is another document's id) are applied here, in memory, and
   * pages are read until `limit` runs passed them or the range is exhausted. Pages are larger
   * than `limit` because parts and filtered-out runs share the range.
   */
  async listRuns({ since, limit, match }: RunListing): Promise<Run[]> {
    if (limit <= 0) return [];
    const page = Math.min(Math.max(limit * LIST_MARGIN, LIST_PAGE_MIN), LIST_PAGE_MAX);
    const base = this.db
      .collection(COLLECTIONS.runs)
      .where('startTime', '>=', since)
      .orderBy('startTime', 'desc')
      .limit(page);
    const found: Run[] = [];
    let after: DocumentSnapshot | undefined;
    for (;;) {
      const query = after ? base.startAfter(after) : base;
      const snapshot = await this.guard('list runs', () => query.get());
      for (const doc of snapshot.docs) {
        if (doc.get('root') !== doc.id) continue;
        const run = fromSnapshot(doc);
        if (match && !match(run)) continue;
        found.push(run);
        if (found.length === limit) return found;
      }
      if (snapshot.size < page) return found;
      after = snapshot.docs[snapshot.size - 1];
    }
  }

  async slots(pool: string): Promise<SlotHold[]> {
    const snapshot = await this.guard('read the slots of a pool', () =>
      this.poolDoc(pool).collection(SLOTS).get(),
    );
    return snapshot.docs.map((doc) => holdOf(pool, doc));
  }

  async waiters(pool: string, limit: number): Promise<QueueEntry[]> {
    const query = this.poolDoc(pool).collection(QUEUE).orderBy(FieldPath.documentId()).limit(limit);
    const snapshot = await this.guard('read the queue of a pool', () => query.get());
    return snapshot.docs.map((doc) => entryOf(pool, doc));
  }

  async placeInLine(entry: QueueEntry): Promise<number> {
    const query = this.poolDoc(entry.pool)
      .collection(QUEUE)
      .where(FieldPath.documentId(), '<', lineKey(entry))
      .count();
    const snapshot = await this.guard('count a queue', () => query.get());
    return snapshot.data().count;
  }

  async dropOrphanSlot(hold: SlotHold): Promise<boolean> {
    const doc = this.slotDoc(hold);
    const snapshot = await this.guard('read a slot', () => doc.get());
    if (!snapshot.exists) return false;
    const stored = holdOf(hold.pool, snapshot);
    if (stored.doc !== hold.doc || stored.jobName !== hold.jobName) return false;
    // Deleted only if nobody wrote it since it was read: a slot released and claimed again stays.
    const deleted = await this.conditional(
      'drop a slot',
      () => doc.delete({ lastUpdateTime: snapshot.updateTime! }),
      [FAILED_PRECONDITION, NOT_FOUND],
    );
    return deleted !== undefined;
  }

  close(): Promise<void> {
    return this.db.terminate();
  }
}
