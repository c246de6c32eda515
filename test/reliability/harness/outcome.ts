import type { Run } from '../../../src/engine/run.js';
import { CRASH_MARK } from '../../../src/local/crash.js';
import type { LocalStack } from '../../../src/local/stack.js';
import { STATES, type RunPlan } from './plans.js';

/** Lines that mean the function let an error escape: never expected, whatever the faults. */
const UNHANDLED = /Unhandled|uncaughtException|UnhandledPromiseRejection/;

/** What a scenario's runs did, measured from the store, the simulator and the function's output. */
export interface Outcome {
  readonly runs: number;
  /** Per run: expected and actual terminal state (`RUNNING`/`MISSING` when stuck). */
  readonly states: readonly { runId: string; expected: string; actual: string; right: boolean }[];
  /** Per state label: launches expected, jobs created, and (run, state) pairs launched twice or more. */
  readonly launches: readonly { state: string; expected: number; actual: number; dup: number }[];
  readonly stuck: readonly string[];
  readonly unhandled: readonly string[];
  /** Crash lines by point, and the runs that lived through at least one. */
  readonly crashes: Readonly<Record<string, number>>;
  readonly crashedRuns: ReadonlySet<string>;
  /** Process exits the test did not cause. */
  readonly unexpectedExits: number;
}

function actualOf(run: Run | undefined): string {
  if (run === undefined) return 'MISSING';
  if (run.status !== 'FAILED') return run.status;
  return `FAILED:${run.error?.Error ?? '?'}`;
}

/** Compares the runs' final records and the simulator's jobs against the plans. */
export function measure(
  stack: LocalStack,
  plans: readonly RunPlan[],
  finals: ReadonlyMap<string, Run | undefined>,
): Outcome {
  const jobs = new Map<string, number>();
  for (const job of stack.simulator.jobs()) {
    const key = `${job.labels['dfchain-run'] ?? ''}/${job.labels['dfchain-state'] ?? ''}`;
    jobs.set(key, (jobs.get(key) ?? 0) + 1);
  }
  const states = plans.map((plan) => {
    const actual = actualOf(finals.get(plan.runId));
    const launchedRight = STATES.every(
      (state) =>
        (jobs.get(`${plan.runId}/${state}`) ?? 0) === (plan.launched.includes(state) ? 1 : 0),
    );
    return {
      runId: plan.runId,
      expected: plan.expected,
      actual,
      right: actual === plan.expected && launchedRight,
    };
  });
  const launches = STATES.map((state) => {
    const counts = plans.map((plan) => jobs.get(`${plan.runId}/${state}`) ?? 0);
    return {
      state,
      expected: plans.filter((plan) => plan.launched.includes(state)).length,
      actual: counts.reduce((a, b) => a + b, 0),
      dup: counts.filter((count) => count > 1).length,
    };
  });
  const crashes: Record<string, number> = {};
  const crashedRuns = new Set<string>();
  for (const line of stack.fn.lines) {
    if (!line.text.startsWith(`${CRASH_MARK} `)) continue;
    const [, point = '?', runId = '-'] = line.text.split(' ');
    crashes[point] = (crashes[point] ?? 0) + 1;
    if (runId !== '-') crashedRuns.add(runId);
  }
  const crashCount = Object.values(crashes).reduce((a, b) => a + b, 0);
  const kills = stack.fn.exits.filter((exit) => exit.signal === 'SIGKILL').length;
  return {
    runs: plans.length,
    states,
    launches,
    stuck: states
      .filter((s) => s.actual === 'RUNNING' || s.actual === 'MISSING')
      .map((s) => s.runId),
    unhandled: stack.fn.lines.filter((line) => UNHANDLED.test(line.text)).map((line) => line.text),
    crashes,
    crashedRuns,
    unexpectedExits: stack.fn.exits.length - kills + Math.max(0, kills - crashCount),
  };
}
