import { threeSteps } from '../fixtures/chains.js';
import { linearTasks } from './events.js';
import type { CountingRunStore, DataflowCalls } from './fakes.js';
import { figure, type Figure } from './figures.js';

/** The chain every transition benchmark runs: three Tasks in a line. */
export const CHAIN = 'daily';
/** The input of every benchmark run. */
export const INPUT = { date: '2026-11-21' };
/** The Tasks of {@link CHAIN}, in order. */
export const TASKS = linearTasks(threeSteps);
/** start + one completion per Task. */
export const TRANSITIONS_PER_RUN = 1 + TASKS.length;

/** Sizes of one transition benchmark. */
export interface TransitionPlan {
  readonly runs: number;
  readonly warmupRuns: number;
  readonly concurrency: number;
}

/** How many of the runs `ids` ended SUCCEEDED (read past the counters). */
export async function succeededRuns(
  store: CountingRunStore,
  ids: readonly string[],
): Promise<number> {
  const runs = await Promise.all(ids.map((id) => store.inner.get(id)));
  return runs.filter((run) => run?.status === 'SUCCEEDED').length;
}

/** Dataflow and store calls per transition, named under `prefix`. */
export function callFigures(
  prefix: string,
  transitions: number,
  dataflow: DataflowCalls,
  store: CountingRunStore,
): Figure[] {
  const per = (count: number): number => count / transitions;
  const s = store.calls;
  const { reads, writes } = store.inner.trips;
  // Firestore's adapter writes a chain's definition once per instance, not once per start.
  const definitionTrips = Math.min(s.putDefinition, 1) + s.getDefinition;
  const storeTrips = reads + writes + definitionTrips;
  return [
    figure(`${prefix}.dataflow.get`, per(dataflow.get), 'calls/transition', 'jobs.get (confirm)'),
    figure(`${prefix}.dataflow.list`, per(dataflow.list), 'calls/transition', 'jobs.list'),
    figure(`${prefix}.dataflow.launch`, per(dataflow.launch), 'calls/transition', 'launch'),
    figure(
      `${prefix}.store.round_trips`,
      per(storeTrips),
      'calls/transition',
      `run reads ${per(reads)}, conditional writes ${per(writes)}, definition ${per(definitionTrips)}`,
    ),
    figure(
      `${prefix}.store.update_attempts`,
      per(s.updateAttempts),
      'rounds/transition',
      'compare-and-set rounds of update (a conflict adds one)',
    ),
  ];
}
