import type { Firestore } from '@google-cloud/firestore';
import type { ChainDefinition } from '../../src/chain/types.js';
import type { QueueEntry, SlotHold } from '../../src/engine/admission.js';
import type { Run } from '../../src/engine/run.js';
import { COLLECTIONS, FirestoreRunStore } from '../../src/store/firestore.js';
import type { VersionedRunTable } from '../../src/store/port.js';
import { deliveryKind } from './deliveries.js';

/** What the counting store saw, shared by every instance of one bench. */
export interface FirestoreCounts {
  /** Reads of a run document (a stale cache or a lost compare-and-set costs one). */
  reads: number;
  /** Conditional commits that landed (create, or batch update of the run with its history). */
  commits: number;
  /** Conditional commits refused because another writer changed the run first. */
  conflicts: number;
  /** Conflicts by the kind of delivery that met them (see deliveryKind). */
  conflictsBy: Record<string, number>;
  /** Commits Firestore refused outright (the run document over its size limit, …). */
  refused: number;
  /** Documents written by commits that landed: the run document plus one per archived step. */
  documentsWritten: number;
  /** Definition documents created and read. */
  definitionWrites: number;
  definitionReads: number;
  /** Largest run document that landed: bytes of its `run` string, and Firestore's size of it. */
  maxRunFieldBytes: number;
  maxDocumentBytes: number;
  /** Largest `run` string Firestore refused; 0 when none was. */
  refusedRunFieldBytes: number;
  /** Message of the first refusal. */
  firstRefusal?: string;
  /** Queries of a pool's slots, of its oldest waiters, and counts of a waiter's place in line. */
  slotQueries: number;
  waiterQueries: number;
  placeInLineQueries: number;
}

/** Fresh counters. */
export function firestoreCounts(): FirestoreCounts {
  return {
    reads: 0,
    commits: 0,
    conflicts: 0,
    conflictsBy: {},
    refused: 0,
    documentsWritten: 0,
    definitionWrites: 0,
    definitionReads: 0,
    maxRunFieldBytes: 0,
    maxDocumentBytes: 0,
    refusedRunFieldBytes: 0,
    slotQueries: 0,
    waiterQueries: 0,
    placeInLineQueries: 0,
  };
}

/** Firestore's limit on one string property (what the emulator enforces: 1 MiB − 89). */
export const STRING_PROPERTY_LIMIT = 1_048_487;
/** Firestore's limit on one document (storage size). */
export const DOCUMENT_LIMIT = 1_048_576;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Sizes of the run document the adapter writes (src/store/firestore.ts toDocument: chain,
 * status, startTime and the run as one JSON string), by Firestore's storage size rules: each
 * path segment + 1 and 16 for the name, each field name + 1, each string + 1, 32 per document.
 */
export function runDocumentBytes(run: Run): { runField: number; document: number } {
  const runField = utf8(JSON.stringify(run));
  const name = utf8(COLLECTIONS.runs) + 1 + utf8(run.id) + 1 + 16;
  const fields: [string, number][] = [
    ['chain', utf8(run.chain)],
    ['status', utf8(run.status)],
    ['startTime', utf8(run.startTime)],
    ['run', runField],
  ];
  const body = fields.reduce((sum, [field, bytes]) => sum + utf8(field) + 1 + bytes + 1, 0);
  return { runField, document: name + body + 32 };
}

/**
 * The real FirestoreRunStore with its primitive operations counted: each instance is one
 * function instance (its own cache of run versions), all counting into shared counters.
 */
export class CountingFirestoreRunStore extends FirestoreRunStore {
  constructor(
    db: Firestore,
    private readonly counts: FirestoreCounts,
  ) {
    super(db);
    const inner = this.table;
    const landed = (run: Run, documents: number): void => {
      counts.commits++;
      counts.documentsWritten += documents;
      const size = runDocumentBytes(run);
      counts.maxRunFieldBytes = Math.max(counts.maxRunFieldBytes, size.runField);
      counts.maxDocumentBytes = Math.max(counts.maxDocumentBytes, size.document);
    };
    const refused = (run: Run, error: unknown): never => {
      counts.refused++;
      const bytes = runDocumentBytes(run).runField;
      counts.refusedRunFieldBytes = Math.max(counts.refusedRunFieldBytes, bytes);
      counts.firstRefusal ??= error instanceof Error ? error.message : String(error);
      throw error;
    };
    const conflict = (): void => {
      counts.conflicts++;
      const kind = deliveryKind();
      counts.conflictsBy[kind] = (counts.conflictsBy[kind] ?? 0) + 1;
    };
    const table: VersionedRunTable = {
      read: (runId) => {
        counts.reads++;
        return inner.read(runId);
      },
      insert: async (run, creates, ops) => {
        const version = await inner
          .insert(run, creates, ops)
          .catch((error: unknown) => refused(run, error));
        if (version === undefined) conflict();
        else landed(run, 1 + creates.length);
        return version;
      },
      replace: async (run, version, archive, creates, ops) => {
        const next = await inner
          .replace(run, version, archive, creates, ops)
          .catch((error: unknown) => refused(run, error));
        if (next === undefined) conflict();
        else landed(run, 1 + archive.length + creates.length);
        return next;
      },
    };
    // The adapter's table is a field set by its constructor: swapped for the counting one.
    Object.defineProperty(this, 'table', { value: table });
  }

  override async putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    this.counts.definitionWrites++;
    return super.putDefinition(hash, definition);
  }

  override async getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    this.counts.definitionReads++;
    return super.getDefinition(hash);
  }

  override async slots(pool: string): Promise<SlotHold[]> {
    this.counts.slotQueries++;
    return super.slots(pool);
  }

  override async waiters(pool: string, limit: number): Promise<QueueEntry[]> {
    this.counts.waiterQueries++;
    return super.waiters(pool, limit);
  }

  override async placeInLine(entry: QueueEntry): Promise<number> {
    this.counts.placeInLineQueries++;
    return super.placeInLine(entry);
  }
}
