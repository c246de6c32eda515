import { fileURLToPath } from 'node:url';
import { LOCAL_PROJECT } from '../../src/config.js';
import { startEmulator } from '../../src/local/emulators.js';
import { startFunction } from '../../src/local/function-process.js';
import { pubsubTransport } from '../../src/local/pubsub-transport.js';
import { startSimulator, type SimulatedJob } from '../../src/local/simulator/index.js';
import { LocalStack } from '../../src/local/stack.js';
import type { Transport } from '../../src/local/transport.js';
import { handoffBreakdown, timingLines, type HandoffBreakdown } from './breakdown.js';
import { figure, type Figure } from './figures.js';

const CHAINS = fileURLToPath(new URL('../fixtures/e2e-chains/', import.meta.url));
const FLOOR = fileURLToPath(new URL('./floor/', import.meta.url));
const TIMING = { queuedMs: 50, runMs: 300 };
// Runs start this far apart, so each handoff is measured, not a burst's queue.
const SPACING_MS = 100;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sizes of the handoff benchmark. */
export interface HandoffPlan {
  readonly runs: number;
  readonly lagsMs: readonly number[];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** When the job really ended: the moment the simulator's sink published its log line. */
function ended(job: SimulatedJob): number {
  return job.history.at(-1)?.time ?? NaN;
}

function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error(`not done within ${timeoutMs} ms`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

/** One handoff as seen from outside (`total`) and, from its timing line, inside the function. */
interface Handoff {
  /** Completion published → next job created at the simulator. */
  readonly total: number;
  /** Completion published → the function's handler called (Pub/Sub push, functions-framework). */
  readonly delivery?: number;
  readonly inside?: HandoffBreakdown;
}

/** Each step's handoff of `runs` 3-step runs: completion published → next launch received. */
async function dfchainHandoffs(
  stack: LocalStack,
  lagMs: number,
  runs: number,
  label = `${lagMs}`,
): Promise<Handoff[]> {
  const firstLine = stack.fn.lines.length;
  stack.simulator.configure({ defaults: { ...TIMING, apiLagMs: lagMs } });
  const ids = Array.from({ length: runs }, (_, i) => `handoff-${label}-${i}`);
  for (const runId of ids) {
    await stack.publish({ dfchain: 'start', chain: 'sales', runId, input: { date: '2026-11-21' } });
    await pause(SPACING_MS);
  }
  await Promise.all(ids.map((runId) => stack.waitForRunEnd(runId, 120_000 + 4 * lagMs)));
  // The last delivery's timing line follows its run's end line: let it arrive.
  await pause(200);
  const inside = new Map<string, HandoffBreakdown>();
  for (const timing of timingLines(stack.fn.lines.slice(firstLine))) {
    const breakdown = handoffBreakdown(timing);
    if (breakdown) inside.set(breakdown.launchedJobName, breakdown);
  }
  return ids.flatMap((runId) => {
    const jobs = stack.simulator
      .jobs()
      .filter((job) => job.labels['dfchain-run'] === runId)
      .sort((a, b) => a.createTime - b.createTime);
    return jobs.slice(1).map((job, i): Handoff => {
      const previous = jobs[i]!;
      const breakdown = inside.get(job.name);
      if (breakdown?.endedJobId !== previous.id) return { total: job.createTime - ended(previous) };
      return {
        total: job.createTime - ended(previous),
        delivery: breakdown.receivedAt - ended(previous),
        inside: breakdown,
      };
    });
  });
}

/** The parts of a handoff, p50 and p95 each, from the handoffs the function timed. */
function breakdownFigures(name: string, handoffs: readonly Handoff[]): Figure[] {
  const timed = handoffs.filter((h) => h.inside !== undefined);
  const n = `n=${timed.length} of ${handoffs.length}`;
  const parts: [string, (h: HandoffBreakdown) => number, string][] = [
    ['confirm', (h) => h.confirm, 'jobs.get (confirm the job ended)'],
    ['intent_write', (h) => h.intentWrite, 'Firestore compare-and-set of the launch intent'],
    ['launch', (h) => h.launch, 'flexTemplates.launch'],
    [
      'overhead',
      (h) => h.overhead,
      'beyond the calls: handler → launch answered minus calls; target p50 ≤ 15',
    ],
    [
      'overhead.before_confirm',
      (h) => h.beforeConfirm,
      'of it: handler called → jobs.get sent (decode)',
    ],
    ['overhead.engine', (h) => h.engine, 'of it: engine inside the intent write'],
    ['critical_path', (h) => h.criticalPath, 'handler called → next launch answered'],
    [
      'after_launch',
      (h) => h.afterLaunch,
      'launch answered → delivery done (records the launch; off the path)',
    ],
  ];
  const figures: Figure[] = [];
  const delivery = timed.map((h) => h.delivery!);
  for (const p of [50, 95]) {
    figures.push(
      figure(
        `${name}.delivery.p${p}`,
        percentile(delivery, p),
        'ms',
        `completion published → handler called (Pub/Sub push); ${n}`,
      ),
    );
  }
  for (const [part, value, note] of parts) {
    const samples = timed.map((h) => value(h.inside!));
    for (const p of [50, 95])
      figures.push(figure(`${name}.${part}.p${p}`, percentile(samples, p), 'ms', `${note}; ${n}`));
  }
  return figures;
}

/** The same path with the hello-world floor function: no confirmation, no store. */
async function floorHandoffs(runs: number): Promise<number[]> {
  const pubsub = await startEmulator('pubsub');
  let transport: Transport | undefined;
  const simulator = await startSimulator({
    defaults: { ...TIMING, apiLagMs: 0 },
    sink: async (entry) => {
      await transport?.publish(Buffer.from(JSON.stringify(entry)));
    },
  });
  const fn = await startFunction(FLOOR, {
    DFCHAIN_DATAFLOW_ROOT_URL: simulator.rootUrl,
    GOOGLE_CLOUD_PROJECT: LOCAL_PROJECT,
    METADATA_SERVER_DETECTION: 'none',
  });
  try {
    transport = await pubsubTransport(pubsub.host, LOCAL_PROJECT, 'floor-events', fn.url);
    const url = `${simulator.rootUrl}v1b3/projects/${LOCAL_PROJECT}/locations/europe-west4/flexTemplates:launch`;
    const launch = (jobName: string) =>
      fetch(url, {
        method: 'POST',
        body: JSON.stringify({
          launchParameter: { jobName, containerSpecGcsPath: 'gs://f/t.json' },
        }),
      });
    const next = (job: SimulatedJob) => simulator.jobs().find((j) => j.name === `${job.name}-next`);
    const measured = () => simulator.jobs().filter((job) => /^floor-\d+$/.test(job.name));
    // One warm-up handoff, so the floor is not charged its own cold start.
    await launch('warmup');
    await until(() => simulator.jobs().some((job) => job.name === 'warmup-next'), 60_000);
    for (let i = 0; i < runs * 2; i++) {
      await launch(`floor-${i}`);
      await pause(SPACING_MS);
    }
    await until(() => measured().every((job) => next(job) !== undefined), 60_000);
    return measured().map((job) => next(job)!.createTime - ended(job));
  } finally {
    await transport?.stop();
    await fn.stop();
    await simulator.stop();
    await pubsub.stop();
  }
}

function summary(name: string, samples: readonly number[], note: string): Figure[] {
  return [50, 95, 99].map((p) =>
    figure(`${name}.p${p}`, percentile(samples, p), 'ms', `${note}; n=${samples.length}`),
  );
}

/**
 * Handoff latency on the whole local path (Pub/Sub emulator push → functions-framework →
 * Firestore emulator → simulator) at several API lags, beside the floor on the same path.
 */
export async function handoffFigures(plan: HandoffPlan): Promise<Figure[]> {
  const floor = await floorHandoffs(plan.runs);
  const figures = summary('handoff.floor', floor, 'no-op function, lag 0');
  const stack = await LocalStack.start({
    chainsDir: CHAINS,
    pubsub: true,
    firestore: true,
    // One DEBUG handoff.timing line per delivery: where the handoff's time goes.
    env: { DFCHAIN_TIMING: '1' },
  });
  try {
    await dfchainHandoffs(stack, 0, 1, 'warmup');
    for (const lagMs of plan.lagsMs) {
      const handoffs = await dfchainHandoffs(stack, lagMs, plan.runs);
      const samples = handoffs.map((h) => h.total);
      figures.push(
        ...summary(
          `handoff.lag${lagMs}`,
          samples,
          `dfchain, API lag ${lagMs} ms; target p50 ≤ ${lagMs + 250}`,
        ),
      );
      if (lagMs === 0) {
        const ratio = percentile(samples, 50) / percentile(floor, 50);
        figures.push(figure('handoff.lag0.vs_floor', ratio, '×', 'p50 / floor p50; target ≤ 1.5'));
        figures.push(...breakdownFigures('handoff.lag0', handoffs));
      }
    }
  } finally {
    await stack.stop();
  }
  return figures;
}
