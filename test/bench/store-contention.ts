import { Firestore } from '@google-cloud/firestore';
import { startEmulator } from '../../src/local/emulators.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import { emptyRun } from '../fixtures/runs.js';
import { figure, type Figure } from './figures.js';
import { measure } from './measure.js';

const PROJECT = 'dfchain-bench';

/**
 * Why the Firestore adapter writes with preconditions rather than transactions: `writers`
 * concurrent changes to one run document (duplicate deliveries), through `runTransaction` and
 * through the adapter's compare-and-set, on the Firestore emulator.
 */
export async function storeContentionFigures(writerCounts: readonly number[]): Promise<Figure[]> {
  const emulator = await startEmulator('firestore');
  const db = new Firestore({ projectId: PROJECT, host: emulator.host, ssl: false });
  const figures: Figure[] = [];
  try {
    for (const writers of writerCounts) {
      const doc = db.collection('contention').doc(`txn-${writers}`);
      await doc.set({ n: 0 });
      const txn = await measure(async () => {
        await Promise.all(
          Array.from({ length: writers }, () =>
            db.runTransaction(async (tx) => {
              const snapshot = await tx.get(doc);
              tx.update(doc, { n: Number(snapshot.get('n')) + 1 });
            }),
          ),
        );
      });
      // One store per writer: each delivery would be its own function instance.
      const stores = Array.from({ length: writers }, () => new FirestoreRunStore(db));
      const runId = `cas-${writers}`;
      await stores[0]!.create(emptyRun(runId));
      const cas = await measure(async () => {
        await Promise.all(
          stores.map((store, i) =>
            store.update(runId, (run) => ({
              run: { ...run!, endTime: `${run!.endTime ?? ''}${i}` },
              result: undefined,
            })),
          ),
        );
      });
      const note = `${writers} concurrent writers on one document, Firestore emulator`;
      figures.push(
        figure(
          `store.contention.${writers}.transaction`,
          txn.wallMs,
          'ms',
          `runTransaction; ${note}`,
        ),
        figure(
          `store.contention.${writers}.compare_and_set`,
          cas.wallMs,
          'ms',
          `dfchain's adapter; ${note}`,
        ),
      );
    }
  } finally {
    await db.terminate();
    await emulator.stop();
  }
  return figures;
}
