import type { Run } from '../../../src/engine/run.js';
import { PART_SEPARATOR } from '../../../src/engine/part-names.js';
import { CRASH_MARK } from '../../../src/local/crash.js';
import type { SimulatedJob } from '../../../src/local/simulator/index.js';
import type { LocalStack } from '../../../src/local/stack.js';
import { executionKeyOf } from './mix-plans.js';
import { measureMix, type MixOutcome } from './mix-outcome.js';
import { CHAINS, STATE_LABELS, jobKeyOf, launchesOf, stateOfKey, type RunPlan } from './plans.js';
import { RELIABILITY_BUDGET } from './stack.js';
import type { Workload } from './workload.js';

/** Lines that mean the function let an error escape: never expected, whatever the faults. */
const UNHANDLED = /Unhandled|uncaughtException|UnhandledPromiseRejection/;

/** Dataflow's terminal job states (ARCHITECTURE.md §4). */
const TERMINAL = new Set(
  ['DONE', 'FAILED', 'CANCELLED', 'UPDATED', 'DRAINED'].map((s) => `JOB_STATE_${s}`),
);

/** True when someone asked the API to cancel the job (`jobs.update`). */
const cancelAsked = (job: SimulatedJob): boolean =>
  job.history.some((change) => change.state === 'JOB_STATE_CANCELLING');

/** One row of the launches table: a state of one chain. */
export interface LaunchRow {
  /** `extract` for rel4's states, `relfan part` for relfan's. */
  readonly state: string;
  /** Launches expected: a number, or `min–max` when a failed branch abandons jobs. */
  readonly expected: string | number;
  readonly actual: number;
  /** Runs that launched one job of this state (same job key) more often than planned (twice+, or three times+ for a key a redrive relaunches). */
  readonly dup: number;
}

/** What a scenario's runs did, measured from the store, the simulator and the function's output. */
export interface Outcome {
  readonly runs: number;
  /** Per run: expected and actual terminal state (`RUNNING`/`MISSING` when stuck). */
  readonly states: readonly {
    runId: string;
    expected: string;
    actual: string;
    /** Right terminal state, and every job launched as planned (none twice). */
    right: boolean;
    /** What was wrong with its launches, when anything. */
    launchProblem?: string;
  }[];
  /** Per chain and state label: launches expected, jobs created, runs that launched a job twice+. */
  readonly launches: readonly LaunchRow[];
  /**
   * The join after relfan's Parallel: runs that must launch it, those that launched it exactly
   * once, and runs that launched it though a branch failed.
   */
  readonly joins: { readonly expected: number; readonly once: number; readonly unexpected: number };
  /**
   * Jobs of a failed branch's sibling: launched; launched only after the run ended; still running
   * when it ended, and of those the ones cancelled through the API; still active now with no
   * cancel asked for.
   */
  readonly abandoned: {
    readonly launched: number;
    /** Created after the run had ended (its intent was executed after the branch failed). */
    readonly late: number;
    /** Still running (really, not as the API showed it) when the run ended. */
    readonly running: number;
    /** Of `running`, those cancelled through the API (`jobs.update`). */
    readonly cancelled: number;
    readonly active: number;
  };
  readonly stuck: readonly string[];
  readonly unhandled: readonly string[];
  /** Crash lines by point, and the runs that lived through at least one. */
  readonly crashes: Readonly<Record<string, number>>;
  readonly crashedRuns: ReadonlySet<string>;
  /** Process exits the test did not cause. */
  readonly unexpectedExits: number;
  /**
   * The active-job budget: the most jobs the simulator ever had active at once, and the
   * launches its quota (set to the budget) refused: any refusal is a launch beyond the budget.
   */
  readonly budget: { readonly limit: number; readonly peak: number; readonly refusals: number };
  /** relmix runs' executions, callbacks and SignOff messages, when given the workload. */
  readonly mix?: MixOutcome;
}

function actualOf(run: Run | undefined): string {
  if (run === undefined) return 'MISSING';
  if (run.status !== 'FAILED') return run.status;
  return `FAILED:${run.error?.Error ?? '?'}`;
}

/** The job key of a simulated job (see {@link jobKeyOf}). */
function keyOf(job: SimulatedJob): string {
  return jobKeyOf(job.labels, job.request.launchParameter?.['parameters']);
}

/** Job counts per key for one run, and what is wrong with them against its plan. */
function launchProblem(plan: RunPlan, counts: ReadonlyMap<string, number>): string | undefined {
  const problems: string[] = [];
  for (const key of plan.launched) {
    const n = counts.get(key) ?? 0;
    const want = launchesOf(plan, key);
    if (n !== want)
      problems.push(`${key} launched ${n}x, expected ${want === 1 ? 'once' : 'twice'}`);
  }
  const allowed = new Set([...plan.launched, ...plan.mayLaunch]);
  for (const [key, n] of counts) {
    if (!allowed.has(key)) problems.push(`${key} launched ${n}x, expected never`);
    else if (n > 1 && !plan.launched.includes(key))
      problems.push(`${key} launched ${n}x, expected at most once`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * Compares the runs' final records and the simulator's jobs and Cloud Run executions against the
 * plans; with the workload, relmix runs' callbacks too.
 */
export function measure(
  stack: LocalStack,
  plans: readonly RunPlan[],
  finals: ReadonlyMap<string, Run | undefined>,
  workload?: Workload,
): Outcome {
  const jobsOfRun = new Map<string, SimulatedJob[]>();
  for (const job of stack.simulator.jobs()) {
    const runId = job.labels['dfchain-run'] ?? '';
    jobsOfRun.set(runId, [...(jobsOfRun.get(runId) ?? []), job]);
  }
  const countsOf = new Map<string, Map<string, number>>();
  for (const plan of plans) {
    const counts = new Map<string, number>();
    for (const job of jobsOfRun.get(plan.runId) ?? []) {
      counts.set(keyOf(job), (counts.get(keyOf(job)) ?? 0) + 1);
    }
    countsOf.set(plan.runId, counts);
  }
  // A Cloud Run execution counts as a launch of its key (`convert:<file>`), like a job.
  for (const execution of stack.simulator.executions()) {
    const counts = countsOf.get(execution.env['DFCHAIN_RUN'] ?? '');
    const key = executionKeyOf(execution.env);
    counts?.set(key, (counts.get(key) ?? 0) + 1);
  }
  const counts = (plan: RunPlan) => countsOf.get(plan.runId) ?? new Map<string, number>();

  const states = plans.map((plan) => {
    const actual = actualOf(finals.get(plan.runId));
    const problem = launchProblem(plan, counts(plan));
    return {
      runId: plan.runId,
      expected: plan.expected,
      actual,
      right: actual === plan.expected && problem === undefined,
      ...(problem === undefined ? {} : { launchProblem: problem }),
    };
  });

  const launches = CHAINS.flatMap((chain) => {
    const ofChain = plans.filter((plan) => plan.chain === chain);
    if (ofChain.length === 0) return [];
    return STATE_LABELS[chain].map((state): LaunchRow => {
      const keys = (list: readonly string[]) => list.filter((key) => stateOfKey(key) === state);
      const min = ofChain.reduce(
        (sum, plan) => sum + keys(plan.launched).reduce((s, key) => s + launchesOf(plan, key), 0),
        0,
      );
      const max = min + ofChain.reduce((sum, plan) => sum + keys(plan.mayLaunch).length, 0);
      const ofState = (plan: RunPlan) =>
        [...counts(plan)].filter(([key]) => stateOfKey(key) === state);
      return {
        state: chain === 'rel4' ? state : `${chain} ${state}`,
        expected: min === max ? min : `${min}–${max}`,
        actual: ofChain.reduce(
          (sum, plan) => sum + ofState(plan).reduce((s, [, n]) => s + n, 0),
          0,
        ),
        dup: ofChain.filter((plan) =>
          ofState(plan).some(([key, n]) => n > Math.max(1, launchesOf(plan, key))),
        ).length,
      };
    });
  });

  const fans = plans.filter((plan) => plan.chain === 'relfan');
  const joining = fans.filter((plan) => plan.launched.includes('join'));
  const joins = {
    expected: joining.length,
    once: joining.filter((plan) => counts(plan).get('join') === launchesOf(plan, 'join')).length,
    unexpected: fans.filter(
      (plan) => !plan.launched.includes('join') && (counts(plan).get('join') ?? 0) > 0,
    ).length,
  };
  const siblings = fans.flatMap((plan) =>
    (jobsOfRun.get(plan.runId) ?? []).filter((job) => plan.mayLaunch.includes(keyOf(job))),
  );
  const endOf = (job: SimulatedJob): number =>
    Date.parse(finals.get(job.labels['dfchain-run'] ?? '')?.endTime ?? '') || Infinity;
  /** When the job really ended (not when the API showed it), or Infinity. */
  const jobEnd = (job: SimulatedJob): number =>
    job.history.find((change) => TERMINAL.has(change.state))?.time ?? Infinity;
  const running = siblings.filter(
    (job) => job.createTime <= endOf(job) && jobEnd(job) > endOf(job),
  );
  const abandoned = {
    launched: siblings.length,
    late: siblings.filter((job) => job.createTime > endOf(job)).length,
    running: running.length,
    cancelled: running.filter(cancelAsked).length,
    active: siblings.filter(
      (job) => !cancelAsked(job) && !TERMINAL.has(job.history.at(-1)?.state ?? ''),
    ).length,
  };

  const crashes: Record<string, number> = {};
  const crashedRuns = new Set<string>();
  for (const line of stack.fn.lines) {
    if (!line.text.startsWith(`${CRASH_MARK} `)) continue;
    const [, point = '?', runId = '-'] = line.text.split(' ');
    crashes[point] = (crashes[point] ?? 0) + 1;
    // A crash while a Map item's part was written names the part (`{runId}.{key}`): its run's.
    if (runId !== '-') crashedRuns.add(runId.split(PART_SEPARATOR)[0] ?? runId);
  }
  const crashCount = Object.values(crashes).reduce((a, b) => a + b, 0);
  const mixed = plans.some((plan) => plan.mix !== undefined);
  const kills = stack.fn.exits.filter((exit) => exit.signal === 'SIGKILL').length;
  return {
    runs: plans.length,
    states,
    launches,
    joins,
    abandoned,
    stuck: states
      .filter((s) => s.actual === 'RUNNING' || s.actual === 'MISSING')
      .map((s) => s.runId),
    unhandled: stack.fn.lines.filter((line) => UNHANDLED.test(line.text)).map((line) => line.text),
    crashes,
    crashedRuns,
    unexpectedExits: stack.fn.exits.length - kills + Math.max(0, kills - crashCount),
    budget: {
      limit: RELIABILITY_BUDGET,
      peak: stack.simulator.quota.peakActive,
      refusals: stack.simulator.quota.refusals,
    },
    ...(workload && mixed ? { mix: measureMix(stack, plans, finals, workload, crashedRuns) } : {}),
  };
}
