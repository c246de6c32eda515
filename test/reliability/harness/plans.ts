import type { JobBehaviour, JobOutcome } from '../../../src/local/simulator/index.js';
import type { Dice } from './scale.js';

/** The states of test/fixtures/reliability-chains/rel4.json, by their `dfchain-state` label. */
export const STATES = ['extract', 'clean', 'join', 'publish'] as const;
/** A state of the rel4 chain. */
export type StateLabel = (typeof STATES)[number];

/** The error name a run fails with when its job ends with each outcome. */
const ERROR_OF: Record<Exclude<JobOutcome, 'DONE'>, string> = {
  FAILED: 'Dataflow.JobFailed',
  CANCELLED: 'Dataflow.JobCancelled',
  LAUNCH_FAILED: 'Dataflow.JobFailed',
};

/** What one run should do: which job fails (if any), and so how the run ends. */
export interface RunPlan {
  readonly runId: string;
  /** Per state: how its job behaves in the simulator. */
  readonly jobs: Readonly<Record<StateLabel, Partial<JobBehaviour>>>;
  /** `SUCCEEDED`, or `FAILED:<error name>`. */
  readonly expected: string;
  /** The states that must be launched, once each. */
  readonly launched: readonly StateLabel[];
}

/** Knobs of {@link planRuns}. */
export interface PlanOptions {
  readonly prefix: string;
  /** Share of runs planned to fail at a random step. */
  readonly failShare: number;
  /** Job durations and API lag, drawn per job. */
  readonly queuedMs: readonly [number, number];
  readonly runMs: readonly [number, number];
  readonly apiLagMs: readonly [number, number];
}

/** `count` run plans, some failing at a random step with a random failure outcome. */
export function planRuns(count: number, dice: Dice, options: PlanOptions): RunPlan[] {
  const plans: RunPlan[] = [];
  for (let i = 0; i < count; i++) {
    const failAt = dice.chance(options.failShare) ? dice.int(0, STATES.length - 1) : -1;
    const outcome = dice.pick(['FAILED', 'CANCELLED', 'LAUNCH_FAILED'] as const);
    const jobs = {} as Record<StateLabel, Partial<JobBehaviour>>;
    STATES.forEach((state, index) => {
      jobs[state] = {
        outcome: index === failAt ? outcome : 'DONE',
        queuedMs: dice.int(...options.queuedMs),
        runMs: dice.int(...options.runMs),
        apiLagMs: dice.int(...options.apiLagMs),
      };
    });
    plans.push({
      runId: `${options.prefix}-${String(i).padStart(4, '0')}`,
      jobs,
      expected: failAt < 0 ? 'SUCCEEDED' : `FAILED:${ERROR_OF[outcome]}`,
      launched: failAt < 0 ? STATES : STATES.slice(0, failAt + 1),
    });
  }
  return plans;
}
