import type { Firestore } from '@google-cloud/firestore';
import type { Config } from '../config.js';
import type { RunStore } from '../store/port.js';
import { CLI_DEADLINE_MS } from './failure.js';

/**
 * The one line a command that reads runs (`status`, `runs`) prints with DFCHAIN_STORE=memory:
 * that store is a Map inside the function's process, so no other process can read its runs.
 */
export function memoryStoreLine(command: string): string {
  return `dfchain ${command}: DFCHAIN_STORE=memory keeps runs inside the function's own process, where this command cannot read them: run the local stack with the Firestore emulator (npm start -- --keep) and set FIRESTORE_EMULATOR_HOST to the host it prints, or unset DFCHAIN_STORE to read Firestore`;
}

/** The line `dfchain status` prints with DFCHAIN_STORE=memory. */
export const MEMORY_STORE_LINE = memoryStoreLine('status');

/**
 * The refusal of `command` (default status) when `env` names the memory store (checked before
 * anything else: no other setting helps).
 */
export function memoryStoreRefusal(
  env: NodeJS.ProcessEnv = process.env,
  command = 'status',
): string | undefined {
  return env['DFCHAIN_STORE'] === 'memory' ? memoryStoreLine(command) : undefined;
}

// Firestore's read RPCs default to 300 s each, retried on UNAVAILABLE: a command gives each
// call the CLI's deadline instead (withDeadline bounds the whole, Firestore's own retries
// included). Method names are those of google.firestore.v1.Firestore.
const READ_METHODS = ['BatchGetDocuments', 'RunQuery', 'RunAggregationQuery', 'ListDocuments'];

/** The Firestore client the CLI reads with (honours FIRESTORE_EMULATOR_HOST): short per-call timeouts. */
export async function cliFirestoreClient(config: Config): Promise<Firestore> {
  const { Firestore } = await import('@google-cloud/firestore');
  const methods = Object.fromEntries(
    READ_METHODS.map((name) => [name, { timeout_millis: CLI_DEADLINE_MS }]),
  );
  return new Firestore({
    projectId: config.projectId,
    databaseId: config.firestoreDatabase,
    clientConfig: { interfaces: { 'google.firestore.v1.Firestore': { methods } } },
  });
}

/** The run store `dfchain status` and `dfchain runs` read: Firestore (honours FIRESTORE_EMULATOR_HOST), with short per-call timeouts. */
export async function cliFirestore(config: Config): Promise<RunStore> {
  const { FirestoreRunStore } = await import('../store/firestore.js');
  return new FirestoreRunStore(await cliFirestoreClient(config));
}
