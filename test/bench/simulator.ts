import { createDataflowPort } from '../../src/dataflow/googleapis.js';
import type { DataflowPort } from '../../src/dataflow/port.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import { startSimulator } from '../../src/local/simulator/index.js';
import { threeSteps } from '../fixtures/chains.js';
import { pubsubEvent, startCommand } from './events.js';
import { CountingRunStore, benchDeps, discardLogger } from './fakes.js';
import { figure, type Figure } from './figures.js';
import { measure, runPool } from './measure.js';
import {
  CHAIN,
  INPUT,
  TRANSITIONS_PER_RUN,
  callFigures,
  succeededRuns,
  type TransitionPlan,
} from './run-stats.js';

/** Runs through the simulator: completion events come from its sink, as from Cloud Logging. */
async function driveSimulator(
  dataflow: DataflowPort,
  store: CountingRunStore,
  runs: number,
  concurrency: number,
  tag: string,
  connect: (sink: (entry: object) => Promise<void>) => void,
): Promise<{ failures: unknown[] }> {
  const waiting = new Map<string, () => void>();
  const deps = benchDeps(
    { [CHAIN]: threeSteps },
    dataflow,
    store,
    discardLogger((runId) => {
      waiting.get(runId)?.();
    }),
  );
  const failures: unknown[] = [];
  let delivered = 0;
  connect(async (entry) => {
    try {
      await handleEvent(deps, pubsubEvent(entry, `${tag}-sink-${delivered++}`));
    } catch (error) {
      failures.push(error);
    }
  });
  await runPool(runs, concurrency, async (i) => {
    const runId = `${tag}-${i}`;
    const ended = new Promise<void>((resolve) => waiting.set(runId, resolve));
    await handleEvent(deps, pubsubEvent(startCommand(CHAIN, runId, INPUT), `${runId}-s`));
    await ended;
    waiting.delete(runId);
  });
  return { failures };
}

/**
 * The same linear transitions through the googleapis client and the real simulator over HTTP:
 * shows what the HTTP round trips add. The simulator runs in this process, so its CPU counts.
 */
export async function simulatorTransitionFigures(plan: TransitionPlan): Promise<Figure[]> {
  const simulator = await startSimulator({ defaults: { queuedMs: 0, runMs: 0 } });
  try {
    const dataflow = createDataflowPort({ rootUrl: simulator.rootUrl, timeoutMs: 10_000 });
    const connect = (sink: (entry: object) => Promise<void>): void => simulator.configure({ sink });
    await driveSimulator(
      dataflow,
      new CountingRunStore(),
      plan.warmupRuns,
      plan.concurrency,
      'warm',
      connect,
    );
    const before = { ...simulator.calls };
    const store = new CountingRunStore();
    let failures: unknown[] = [];
    const sample = await measure(async () => {
      ({ failures } = await driveSimulator(
        dataflow,
        store,
        plan.runs,
        plan.concurrency,
        'bench',
        connect,
      ));
    });
    const ids = Array.from({ length: plan.runs }, (_, i) => `bench-${i}`);
    const succeeded = await succeededRuns(store, ids);
    if (succeeded !== plan.runs || failures.length > 0 || simulator.sinkErrors.length > 0) {
      throw new Error(
        `bench transition.sim: ${succeeded} of ${plan.runs} runs succeeded, ${failures.length} deliveries failed (first: ${String(failures[0])})`,
      );
    }
    const calls = {
      get: simulator.calls.get - before.get,
      list: simulator.calls.list - before.list,
      launch: simulator.calls.launch - before.launch,
    };
    const transitions = plan.runs * TRANSITIONS_PER_RUN;
    const note = `${plan.runs} runs x ${TRANSITIONS_PER_RUN}, ${plan.concurrency} in flight, HTTP to simulator`;
    return [
      figure(
        'transition.sim.cpu',
        (sample.cpuMs * 1000) / transitions,
        'µs/transition',
        `${note}; client + in-process simulator`,
      ),
      figure('transition.sim.rate', transitions / (sample.wallMs / 1000), 'transitions/s', note),
      ...callFigures('calls.sim', transitions, calls, store),
    ];
  } finally {
    await simulator.stop();
  }
}
