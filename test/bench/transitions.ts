import type { IncomingEvent } from '../../src/events/signal.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import { threeSteps } from '../fixtures/chains.js';
import { completionEntry, pubsubEvent, startCommand, taskJobName } from './events.js';
import { BENCH_PROJECT, CountingRunStore, FakeDataflow, benchDeps, fakeJobId } from './fakes.js';
import { figure, type Figure } from './figures.js';
import { measure, runPool } from './measure.js';
import {
  CHAIN,
  INPUT,
  TASKS,
  TRANSITIONS_PER_RUN,
  callFigures,
  succeededRuns,
  type TransitionPlan,
} from './run-stats.js';

/** The start event and every completion event of a run, built before the clock starts. */
function runEvents(runId: string): IncomingEvent[] {
  const completions = TASKS.map((task, i) => {
    const jobName = taskJobName(CHAIN, runId, task);
    const job = { jobId: fakeJobId(jobName), jobName, projectId: BENCH_PROJECT, ...task };
    return pubsubEvent(completionEntry(job), `${runId}-c${i}`);
  });
  return [pubsubEvent(startCommand(CHAIN, runId, INPUT), `${runId}-s`), ...completions];
}

async function driveFake(runs: number, concurrency: number, tag: string) {
  const dataflow = new FakeDataflow();
  const store = new CountingRunStore();
  const deps = benchDeps({ [CHAIN]: threeSteps }, dataflow, store);
  const ids = Array.from({ length: runs }, (_, i) => `${tag}-${i}`);
  const events = ids.map(runEvents);
  const sample = await measure(() =>
    runPool(runs, concurrency, async (i) => {
      for (const event of events[i]!) await handleEvent(deps, event);
    }),
  );
  return { sample, dataflow, store, succeeded: await succeededRuns(store, ids) };
}

/**
 * Linear transitions through handleEvent with a zero-latency fake Dataflow and the in-memory
 * store: CPU and wall time per transition, and the calls each transition makes.
 */
export async function fakeTransitionFigures(plan: TransitionPlan): Promise<Figure[]> {
  await driveFake(plan.warmupRuns, plan.concurrency, 'warm');
  const { sample, dataflow, store, succeeded } = await driveFake(
    plan.runs,
    plan.concurrency,
    'bench',
  );
  if (succeeded !== plan.runs)
    throw new Error(`bench transition.fake: only ${succeeded} of ${plan.runs} runs succeeded`);
  const transitions = plan.runs * TRANSITIONS_PER_RUN;
  const note = `${plan.runs} runs x ${TRANSITIONS_PER_RUN} transitions, ${plan.concurrency} in flight`;
  return [
    figure('transition.fake.cpu', (sample.cpuMs * 1000) / transitions, 'µs/transition', note),
    figure('transition.fake.rate', transitions / (sample.wallMs / 1000), 'transitions/s', note),
    ...callFigures('calls.fake', transitions, dataflow.calls, store),
  ];
}
