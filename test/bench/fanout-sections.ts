import { engineMapRun } from './engine-map.js';
import {
  mapChain,
  mapScenario,
  parallelScenario,
  scenarioFigures,
  withFirestoreEmulator,
} from './fanout.js';
import type { Figure } from './figures.js';
import { casRateFigures, largestWriteFigures } from './one-document.js';

/** Sizes of the Map fan-out section. */
export interface MapFanoutPlan {
  /** Writers of the one-document calibration, and how long each count runs. */
  readonly casWriters: readonly number[];
  readonly casMs: number;
  /** Map runs: items, deliveries in flight, and how long to give each before giving up. */
  readonly maps: readonly { items: number; inFlight: number; budgetMs: number }[];
  /** Items of the Map whose largest engine state is written through the adapter (0: none). */
  readonly largestItems: number;
}

/**
 * Maps on the Firestore emulator through the real handler: what one run document sustains,
 * each Map run, and whether the largest state the engine keeps fits one document.
 */
export function mapFanoutFigures(plan: MapFanoutPlan): Promise<Figure[]> {
  return withFirestoreEmulator(async (db) => {
    const figures = await casRateFigures(db, plan.casWriters, plan.casMs);
    const scenarios = plan.maps.map((map) =>
      mapScenario(map.items, 100, map.budgetMs, map.inFlight),
    );
    figures.push(...(await scenarioFigures(db, scenarios)));
    if (plan.largestItems > 0) {
      const run = engineMapRun(mapChain(100), plan.largestItems, {
        byteSamples: 200,
        keepLargest: true,
      });
      if (run.largestRun)
        figures.push(
          ...(await largestWriteFigures(db, run.largestRun, `fanout.map.${plan.largestItems}`)),
        );
    }
    return figures;
  });
}

/** Sizes of the Parallel fan-out section. */
export interface ParallelFanoutPlan {
  readonly branches: number;
  readonly runs: readonly { inFlight: number; budgetMs: number }[];
}

/** A Parallel whose branch jobs all end within one second, on the Firestore emulator. */
export function parallelFanoutFigures(plan: ParallelFanoutPlan): Promise<Figure[]> {
  return withFirestoreEmulator((db) =>
    scenarioFigures(
      db,
      plan.runs.map((run) => parallelScenario(plan.branches, run.budgetMs, run.inFlight)),
    ),
  );
}
