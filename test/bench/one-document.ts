import { loadavg } from 'node:os';
import type { Firestore } from '@google-cloud/firestore';
import type { Run } from '../../src/engine/run.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import { emptyRun } from '../fixtures/runs.js';
import { DOCUMENT_LIMIT, runDocumentBytes } from './counting-firestore.js';
import { figure, type Figure } from './figures.js';

const load1 = (): string => `load1 ${loadavg()[0]!.toFixed(1)}`;

/**
 * What one run document sustains: `writers` function instances (one FirestoreRunStore each)
 * updating the same run of about `docBytes` bytes as fast as they can for `ms`, through the
 * adapter's compare-and-set. Updates that land per second, and change computations per second
 * (each conflict costs one more, plus a read).
 */
export async function casRateFigures(
  db: Firestore,
  writerCounts: readonly number[],
  ms: number,
  docBytes = 80_000,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  const pad = 'x'.repeat(docBytes);
  for (const writers of writerCounts) {
    const stores = Array.from({ length: writers }, () => new FirestoreRunStore(db));
    const id = `cas-rate-${writers}-${Date.now().toString(36)}`;
    await stores[0]!.create({ ...emptyRun(id), input: { pad } });
    let landed = 0;
    let changes = 0;
    let gaveUp = 0;
    const start = performance.now();
    const until = start + ms;
    await Promise.all(
      stores.map(async (store) => {
        while (performance.now() < until) {
          try {
            await store.update(id, (run) => {
              changes++;
              return { run: { ...run!, endTime: String(changes) }, result: undefined };
            });
            landed++;
          } catch {
            gaveUp++;
          }
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    figures.push(
      figure(
        `fanout.one_document.${writers}_writers`,
        landed / seconds,
        'updates/s',
        `${writers} instances updating one ${Math.round(docBytes / 1000)} kB run for ${ms / 1000} s: ${(changes / seconds).toFixed(0)} change computations/s, ${gaveUp} updates gave up after 20 conflicts; ${load1()}`,
      ),
    );
  }
  return figures;
}

/** Stores `run` (the engine's largest state of a big Map) through the real adapter: accepted? */
export async function largestWriteFigures(
  db: Firestore,
  run: Run,
  name: string,
): Promise<Figure[]> {
  const store = new FirestoreRunStore(db);
  const id = `${run.id}-largest-${Date.now().toString(36)}`;
  const sized = { ...run, id };
  const bytes = runDocumentBytes(sized);
  let outcome = 'accepted';
  let createMs = Number.NaN;
  let updateMs = Number.NaN;
  try {
    const start = performance.now();
    await store.create(sized);
    createMs = performance.now() - start;
    const again = performance.now();
    await store.update(id, (current) => ({
      run: { ...current!, endTime: 'x' },
      result: undefined,
    }));
    updateMs = performance.now() - again;
  } catch (error) {
    outcome = `refused: ${error instanceof Error ? error.message.slice(0, 160) : String(error)}`;
  }
  return [
    figure(
      `${name}.largest_write`,
      bytes.document / 1024,
      'KiB',
      `the engine's largest run state of this Map (${bytes.runField} B of JSON, document ${bytes.document} B of ${DOCUMENT_LIMIT}) written through FirestoreRunStore: ${outcome}; create ${createMs.toFixed(0)} ms, compare-and-set update ${updateMs.toFixed(0)} ms; ${load1()}`,
    ),
  ];
}
