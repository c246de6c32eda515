import { resolve } from 'node:path';
import { admissionFigures } from './admission.js';
import { benchReport, formatTable, writeReport, type Figure } from './figures.js';
import { coldStartFigures } from './cold-start.js';
import { engineMapFigures } from './engine-map.js';
import { mapFanoutFigures, parallelFanoutFigures } from './fanout-sections.js';
import { decodeFigures, foreignFigures } from './foreign.js';
import { handoffFigures } from './handoff.js';
import { scaleFigures } from './scale.js';
import { simulatorTransitionFigures } from './simulator.js';
import { storeContentionFigures } from './store-contention.js';
import { fakeTransitionFigures } from './transitions.js';

/** How much work each benchmark does; `--quick` cuts every count. */
function plan(quick: boolean, prefetch: boolean) {
  return {
    fake: { runs: quick ? 500 : 4_000, warmupRuns: quick ? 100 : 500, concurrency: 80 },
    simulator: { runs: quick ? 40 : 200, warmupRuns: quick ? 10 : 20, concurrency: 20 },
    foreignEvents: quick ? 4_000 : 20_000,
    coldStart: { spawns: quick ? 5 : 15, prefetch },
    handoff: { runs: quick ? 5 : 20, lagsMs: quick ? [0, 2_000] : [0, 2_000, 10_000] },
    decodeMs: quick ? 200 : 1_000,
    scale: {
      sizes: [10, 1_000, 10_000],
      validateRuns: quick ? 1 : 3,
      repeat: { minMs: quick ? 50 : 250, minIterations: 20, maxIterations: 200_000 },
    },
    // Maps and a Parallel through the real handler and FirestoreRunStore on the emulator, 100
    // deliveries in flight; runs that cannot finish are cut off at their budget and reported.
    fanoutMap: {
      casWriters: [1, 10, 100],
      casMs: quick ? 2_000 : 5_000,
      maps: quick
        ? [
            { items: 50, inFlight: 10, budgetMs: 60_000 },
            { items: 200, inFlight: 100, budgetMs: 45_000 },
          ]
        : [
            { items: 100, inFlight: 10, budgetMs: 180_000 },
            { items: 1_000, inFlight: 100, budgetMs: 180_000 },
            { items: 10_000, inFlight: 100, budgetMs: 120_000 },
          ],
      largestItems: quick ? 0 : 10_000,
    },
    fanoutParallel: {
      branches: 100,
      runs: quick
        ? [{ inFlight: 100, budgetMs: 45_000 }]
        : [
            { inFlight: 100, budgetMs: 180_000 },
            { inFlight: 10, budgetMs: 240_000 },
          ],
    },
    // Issue 12: runs queued against DFCHAIN_MAX_ACTIVE_JOBS=25 on the emulator, jobs of 50–200 ms.
    admission: {
      runs: quick ? 200 : 1_000,
      budget: 25,
      startsInFlight: 10,
      endsInFlight: 25,
      jobMs: [50, 200] as const,
      budgetMs: quick ? 120_000 : 600_000,
    },
    engineMap: {
      sizes: quick ? [10, 100, 1_000] : [10, 100, 1_000, 10_000],
      maxConcurrencies: [100, undefined],
      minMs: quick ? 50 : 250,
      byteSamples: 100,
    },
  };
}

/** Section titles `--only=a,b` selects (by substring); every section when absent. */
let only: readonly string[] | undefined;

async function section(
  title: string,
  figures: Figure[],
  work: () => Promise<Figure[]> | Figure[],
): Promise<void> {
  if (only && !only.some((part) => title.includes(part))) return;
  const start = performance.now();
  process.stderr.write(`bench: ${title}…`);
  figures.push(...(await work()));
  process.stderr.write(` ${Math.round(performance.now() - start)} ms\n`);
}

/** Runs every benchmark, prints the table and the JSON, and writes `.bench/results.json`. */
export async function main(argv = process.argv.slice(2), cwd = process.cwd()): Promise<void> {
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((arg) => arg.startsWith('--only='));
  only = onlyArg?.slice('--only='.length).split(',').filter(Boolean);
  // Nothing here runs on Google Cloud: spare the clients their metadata-server probe.
  process.env['METADATA_SERVER_DETECTION'] ??= 'none';
  const sizes = plan(quick, argv.includes('--prefetch'));
  const started = performance.now();
  const figures: Figure[] = [];
  await section('decode', figures, () => decodeFigures(sizes.decodeMs));
  await section('transitions (fake Dataflow)', figures, () => fakeTransitionFigures(sizes.fake));
  await section('transitions (simulator)', figures, () =>
    simulatorTransitionFigures(sizes.simulator),
  );
  await section('foreign events', figures, () => foreignFigures(sizes.foreignEvents));
  await section('scale', figures, () => scaleFigures(sizes.scale));
  await section('store contention (Firestore emulator)', figures, () =>
    storeContentionFigures([1, 3, 10]),
  );
  await section('fanout map (Firestore emulator)', figures, () =>
    mapFanoutFigures(sizes.fanoutMap),
  );
  await section('fanout parallel (Firestore emulator)', figures, () =>
    parallelFanoutFigures(sizes.fanoutParallel),
  );
  await section('admission (Firestore emulator)', figures, () => admissionFigures(sizes.admission));
  await section('engine Map sizes', figures, () => engineMapFigures(sizes.engineMap));
  await section('cold start', figures, () => coldStartFigures(sizes.coldStart));
  await section('handoff latency (emulators)', figures, () => handoffFigures(sizes.handoff));
  const report = benchReport(figures, quick, performance.now() - started);
  const file = writeReport(report, resolve(cwd, '.bench'));
  process.stdout.write(`${formatTable(figures)}\n\n${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${file} in ${(report.durationMs / 1000).toFixed(1)} s\n`);
}

await main();
