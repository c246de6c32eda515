import { gunzipSync, gzipSync } from 'node:zlib';
import type { DocumentSnapshot, Firestore, Timestamp } from '@google-cloud/firestore';
import type { ChainDefinition } from '../chain/types.js';
import { isUnsettled, type Run, type Step } from '../engine/run.js';
import { StorePermanentError, StoreTransientError } from '../errors.js';
import { OptimisticRunStore } from './optimistic.js';
import type { VersionedRunTable } from './port.js';

/** Firestore collections dfchain owns. */
export const COLLECTIONS = { runs: 'dfchainRuns', definitions: 'dfchainDefinitions' } as const;

/** Subcollection of a run document holding its ended steps, one document each. */
const HISTORY = 'steps';

// gRPC codes: INVALID_ARGUMENT for a document Firestore will never take (over 1 MiB),
// ALREADY_EXISTS from create(), FAILED_PRECONDITION from a stale lastUpdateTime.
const INVALID_ARGUMENT = 3;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;

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

function fromSnapshot(snapshot: DocumentSnapshot): Run {
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
    insert: (run, creates = []) =>
      this.conditional(
        'create',
        async () => {
          if (creates.length === 0)
            return (await this.runDoc(run.id).create(toDocument(run))).writeTime;
          // The parts a run or part starts are created with it, or none is.
          const batch = this.db.batch();
          batch.create(this.runDoc(run.id), toDocument(run));
          for (const created of creates) batch.create(this.runDoc(created.id), toDocument(created));
          return (await batch.commit())[0]?.writeTime;
        },
        [ALREADY_EXISTS],
      ),
    replace: (run, version, archive, creates = []) =>
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

  close(): Promise<void> {
    return this.db.terminate();
  }
}
