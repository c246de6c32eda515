import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '../../src/local/emulators.js';
import { freePort } from '../../src/local/ports.js';
import { stopProcessGroup } from '../../src/local/process-group.js';
import { startSimulator, type Simulator } from '../../src/local/simulator/index.js';
import { PACKAGE_ROOT } from '../../src/local/stack.js';
import { completionEntry, pubsubEvent, startCommand } from './events.js';
import { figure, type Figure } from './figures.js';
import { median } from './measure.js';

const FLOOR = fileURLToPath(new URL('./floor/', import.meta.url));
const CHAINS = fileURLToPath(new URL('../fixtures/e2e-chains/', import.meta.url));
const FF_MAIN = join(
  dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')),
  'main.js',
);

/** A foreign job's completion: it touches no store and no Dataflow, so no client is loaded. */
export const FOREIGN_EVENT = pubsubEvent(
  completionEntry({
    jobId: '2026-11-22_01_00_00-1',
    jobName: 'someone-else-job',
    projectId: 'dfchain-local',
    location: 'europe-west4',
  }),
  'cold-1',
);

/** A start: it needs both lazily loaded clients (Firestore, then Dataflow for the launch). */
export const startEvent = (runId: string) =>
  pubsubEvent(startCommand('sales', runId, { date: '2026-11-22' }), `cold-${runId}`);

/** One spawn: spawn → listening, then first event sent → answered. */
interface ColdSample {
  readonly readyMs: number;
  readonly firstEventMs: number;
}

const total = (sample: ColdSample) => sample.readyMs + sample.firstEventMs;

/** True when 127.0.0.1:`port` accepts a TCP connection. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Spawns functions-framework serving `source` and times its readiness and its first event. */
export async function coldStart(
  source: string,
  env: NodeJS.ProcessEnv,
  event: object,
): Promise<ColdSample> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      FF_MAIN,
      '--target=dfchain',
      '--signature-type=cloudevent',
      `--port=${port}`,
      `--source=${source}`,
    ],
    {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
    },
  );
  try {
    // Listening: the port accepts a connection (an HTTP probe would make it log an error).
    while (!(await accepts(port))) {
      if (child.exitCode !== null) throw new Error('functions-framework exited');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ready = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', source: 'bench', ...event }),
    });
    if (!response.ok) throw new Error(`first event answered ${response.status}`);
    return { readyMs: ready - started, firstEventMs: performance.now() - ready };
  } finally {
    await stopProcessGroup(child);
  }
}

/**
 * A source that serves the built dfchain and, once it is registered, starts loading the lazily
 * loaded clients in the background without waiting for them: the variant the bench weighs
 * against the lazy default.
 */
function prefetchingSource(folder: string): string {
  const dist = (file: string) => pathToFileURL(join(PACKAGE_ROOT, 'dist', file)).href;
  const firestore = pathToFileURL(
    createRequire(join(PACKAGE_ROOT, 'package.json')).resolve('@google-cloud/firestore'),
  ).href;
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), '{"type":"module","main":"index.js"}\n');
  writeFileSync(
    join(folder, 'index.js'),
    [
      `await import(${JSON.stringify(dist('index.js'))});`,
      ...[firestore, dist('store/firestore.js'), dist('dataflow/googleapis.js')].map(
        (module) => `import(${JSON.stringify(module)}).catch(() => undefined);`,
      ),
      '',
    ].join('\n'),
  );
  return folder;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Median and p95 of each part of a variant's spawns. */
function coldFigures(name: string, samples: readonly ColdSample[], note: string): Figure[] {
  const n = `n=${samples.length} spawns`;
  const parts: [string, (s: ColdSample) => number, string][] = [
    ['', total, `spawn → first event answered; ${note}`],
    ['.ready', (s) => s.readyMs, 'spawn → listening'],
    ['.first_event', (s) => s.firstEventMs, 'first event sent → answered'],
  ];
  return parts.flatMap(([part, value, what]) => {
    const values = samples.map(value);
    return [
      figure(`${name}${part}.median`, median(values), 'ms', `${what}; ${n}`),
      figure(`${name}${part}.p95`, percentile(values, 95), 'ms', `${what}; ${n}`),
    ];
  });
}

/** Sizes of the cold-start benchmark. */
export interface ColdStartPlan {
  /** Spawns per variant (the figures are medians over them). */
  readonly spawns: number;
  /** Also weigh loading the clients in the background at cold start against loading them lazily. */
  readonly prefetch: boolean;
}

/**
 * Cold start of dfchain against a hello-world function, both under functions-framework, over
 * `spawns` spawns each (interleaved, so load drifts hit every variant alike): with a foreign
 * first event (nothing loaded lazily is needed), and with a `start` as first event (Firestore
 * emulator and simulator: both clients needed).
 */
export async function coldStartFigures(plan: ColdStartPlan): Promise<Figure[]> {
  const base = {
    DFCHAIN_DATAFLOW_ROOT_URL: 'http://127.0.0.1:9/',
    GOOGLE_CLOUD_PROJECT: 'dfchain-local',
    // The cloud default: the Firestore client is loaded, though a foreign event never uses it.
    DFCHAIN_STORE: 'firestore',
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
  };
  const foreignEnv = { ...base, DFCHAIN_CHAINS_DIR: join(PACKAGE_ROOT, 'dag') };
  let firestore: Emulator | undefined;
  let simulator: Simulator | undefined;
  const folder = mkdtempSync(join(tmpdir(), 'dfchain-prefetch-'));
  try {
    firestore = await startEmulator('firestore');
    simulator = await startSimulator({ defaults: { queuedMs: 60_000, runMs: 60_000 } });
    const startEnv = {
      ...base,
      DFCHAIN_CHAINS_DIR: CHAINS,
      DFCHAIN_DATAFLOW_ROOT_URL: simulator.rootUrl,
      FIRESTORE_EMULATOR_HOST: firestore.host,
    };
    const prefetching = plan.prefetch ? prefetchingSource(folder) : undefined;
    const variants: [string, string, NodeJS.ProcessEnv, (i: number) => object, string][] = [
      ['cold_start.floor', FLOOR, {}, () => FOREIGN_EVENT, 'hello-world function'],
      ['cold_start.dfchain', PACKAGE_ROOT, foreignEnv, () => FOREIGN_EVENT, 'foreign event'],
      [
        'cold_start.dfchain_start',
        PACKAGE_ROOT,
        startEnv,
        (i) => startEvent(`cold-lazy-${i}`),
        'start command (Firestore emulator + simulator)',
      ],
    ];
    if (prefetching) {
      variants.push(
        [
          'cold_start.prefetch',
          prefetching,
          foreignEnv,
          () => FOREIGN_EVENT,
          'foreign event, clients loaded in the background at cold start',
        ],
        [
          'cold_start.prefetch_start',
          prefetching,
          startEnv,
          (i) => startEvent(`cold-prefetch-${i}`),
          'start command, clients loaded in the background at cold start',
        ],
      );
    }
    const samples = variants.map((): ColdSample[] => []);
    for (let i = 0; i < plan.spawns; i++) {
      for (const [v, [name, source, env, event]] of variants.entries()) {
        const first = event(i);
        samples[v]!.push(await coldStart(source, env, first));
        // A start that was refused answers fast too: count only starts that launched their job.
        const runId = (first as { id?: string }).id?.replace(/^cold-/, '');
        if (
          name.endsWith('_start') &&
          !simulator.jobs().some((j) => j.labels['dfchain-run'] === runId)
        )
          throw new Error(`${name}: the first event (start ${runId}) launched no job`);
      }
    }
    const figures = variants.flatMap(([name, , , , note], v) =>
      coldFigures(name, samples[v]!, note),
    );
    const medianTotal = (v: number) => median(samples[v]!.map(total));
    figures.push(
      figure(
        'cold_start.ratio',
        medianTotal(1) / medianTotal(0),
        '×',
        'dfchain / floor medians; target ≤ 1.5',
      ),
    );
    return figures;
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await simulator?.stop();
    await firestore?.stop();
  }
}
