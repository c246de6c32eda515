import type {
  ExecutionBehaviour,
  JobBehaviour,
  JobOutcome,
} from '../../../src/local/simulator/index.js';
import type { Dice } from './scale.js';

/** The chains of test/fixtures/reliability-chains. */
export const CHAINS = ['rel4', 'relfan', 'relmix'] as const;
/** A reliability chain's name. */
export type ChainName = (typeof CHAINS)[number];

/** The states of test/fixtures/reliability-chains/rel4.json, by their `dfchain-state` label. */
export const STATES = ['extract', 'clean', 'join', 'publish'] as const;
/** A state of the rel4 chain. */
export type StateLabel = (typeof STATES)[number];

/** The items relfan's Map (`Parts`) iterates over: the run input's `parts`. */
export const FAN_PARTS = ['a', 'b', 'c'] as const;

/**
 * The jobs of test/fixtures/reliability-chains/relfan.json, by job key (see {@link jobKeyOf}):
 * branch 0's Task, one job per Map item of branch 1 (they share the state label `part`), and the
 * join after the Parallel.
 */
export const FAN_JOBS = ['solo', ...FAN_PARTS.map((part) => `part:${part}`), 'join'] as const;

/** The `dfchain-state` labels of each chain's jobs, in launch order. */
export const STATE_LABELS: Readonly<Record<ChainName, readonly string[]>> = {
  rel4: STATES,
  relfan: ['solo', 'part', 'join'],
  // A Cloud Run execution's key is `convert:<file>` (see mix-plans.ts), the Flex Template's `load`.
  relmix: ['convert', 'load'],
};

/**
 * What names one job of a run in a plan: its `dfchain-state` label, and for a Map item the item
 * it processes (`part:b`): the Map's jobs share their state label, and the item is in the launch
 * request's `parameters.part`.
 */
export function jobKeyOf(labels: Readonly<Record<string, string>>, parameters: unknown): string {
  const state = labels['dfchain-state'] ?? '?';
  const part =
    parameters !== null && typeof parameters === 'object'
      ? (parameters as Record<string, unknown>)['part']
      : undefined;
  return typeof part === 'string' ? `${state}:${part}` : state;
}

/** The state label of a job key: `part` for `part:b`. */
export function stateOfKey(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/** The error name a run fails with when its job ends with each outcome. */
export const ERROR_OF: Record<Exclude<JobOutcome, 'DONE'>, string> = {
  FAILED: 'Dataflow.JobFailed',
  CANCELLED: 'Dataflow.JobCancelled',
  LAUNCH_FAILED: 'Dataflow.JobFailed',
};

/** What one run should do: which job fails (if any), and so how the run ends. */
export interface RunPlan {
  readonly runId: string;
  readonly chain: ChainName;
  /** The start command's input. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Per job key ({@link jobKeyOf}): how the job behaves in the simulator. */
  readonly jobs: Readonly<Record<string, Partial<JobBehaviour>>>;
  /** `SUCCEEDED`, or `FAILED:<error name>`. */
  readonly expected: string;
  /** The job keys that must be launched, once each. */
  readonly launched: readonly string[];
  /**
   * Job keys that may be launched, at most once each: a failed branch abandons the other
   * branch's jobs, and whether those were launched (then cancelled) before it is a race.
   */
  readonly mayLaunch: readonly string[];
  /**
   * Job keys of `launched` that a redrive launches once more (they failed or were stopped
   * before it): each is launched exactly twice, under two names. Absent: none.
   */
  readonly relaunched?: readonly string[];
  /** A relmix run's files, Cloud Run executions and callbacks (mix-plans.ts). Absent: none. */
  readonly mix?: MixPlan;
}

/** What a relmix run adds to its plan: the world outside dfchain it meets. */
export interface MixPlan {
  /** Bucket and object names the run's ItemReader lists (put before the run starts). */
  readonly bucket: string;
  readonly objects: readonly string[];
  /** Per execution key (`convert:<file>`): how the Cloud Run execution behaves. */
  readonly executions: Readonly<Record<string, Partial<ExecutionBehaviour>>>;
  /** Whether the run reaches its callback step (SignOff). */
  readonly signsOff: boolean;
  /** The SUCCEEDED callbacks the workload sends per message: each this long after it. */
  readonly callbackDelaysMs: readonly number[];
  /** A heartbeat goes out before the first callback. */
  readonly heartbeat: boolean;
}

/** How many times the plan launches `key`: once if in `launched`, once more if `relaunched`. */
export function launchesOf(plan: RunPlan, key: string): number {
  if (!plan.launched.includes(key)) return 0;
  return plan.relaunched?.includes(key) ? 2 : 1;
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

/** Draws one job's behaviour: `failAt` matched its index, it ends with `outcome`. */
function behaviours(
  keys: readonly string[],
  failAt: number,
  outcome: Exclude<JobOutcome, 'DONE'>,
  dice: Dice,
  options: PlanOptions,
): Record<string, Partial<JobBehaviour>> {
  const jobs: Record<string, Partial<JobBehaviour>> = {};
  keys.forEach((key, index) => {
    jobs[key] = {
      outcome: index === failAt ? outcome : 'DONE',
      queuedMs: dice.int(...options.queuedMs),
      runMs: dice.int(...options.runMs),
      apiLagMs: dice.int(...options.apiLagMs),
    };
  });
  return jobs;
}

/** `count` rel4 run plans, some failing at a random step with a random failure outcome. */
export function planRuns(count: number, dice: Dice, options: PlanOptions): RunPlan[] {
  const plans: RunPlan[] = [];
  for (let i = 0; i < count; i++) {
    const failAt = dice.chance(options.failShare) ? dice.int(0, STATES.length - 1) : -1;
    const outcome = dice.pick(['FAILED', 'CANCELLED', 'LAUNCH_FAILED'] as const);
    const runId = `${options.prefix}-${String(i).padStart(4, '0')}`;
    plans.push({
      runId,
      chain: 'rel4',
      input: { n: runId },
      jobs: behaviours(STATES, failAt, outcome, dice, options),
      expected: failAt < 0 ? 'SUCCEEDED' : `FAILED:${ERROR_OF[outcome]}`,
      launched: failAt < 0 ? STATES : STATES.slice(0, failAt + 1),
      mayLaunch: [],
    });
  }
  return plans;
}

/** relfan's Parallel branch a job key belongs to: 0 for the Task, 1 for the Map's items. */
const branchOf = (key: string): number => (key === 'solo' ? 0 : 1);

/**
 * `count` relfan run plans, some failing at one random job: the branch Task, one Map item, or
 * the join. A failed branch job fails the Parallel and the run with its error; the other
 * branch's jobs (planned to run longer) may or may not have been launched by then (then
 * cancelled), the join never is.
 */
export function planFanRuns(count: number, dice: Dice, options: PlanOptions): RunPlan[] {
  const plans: RunPlan[] = [];
  const joinAt = FAN_JOBS.indexOf('join');
  for (let i = 0; i < count; i++) {
    const failAt = dice.chance(options.failShare) ? dice.int(0, FAN_JOBS.length - 1) : -1;
    const outcome = dice.pick(['FAILED', 'CANCELLED', 'LAUNCH_FAILED'] as const);
    const runId = `${options.prefix}-fan-${String(i).padStart(4, '0')}`;
    const inBranch = failAt >= 0 && failAt < joinAt;
    const failing = FAN_JOBS[failAt] ?? '';
    const jobs = behaviours(FAN_JOBS, failAt, outcome, dice, options);
    if (inBranch) {
      // The other branch's jobs run up to three times longer, so that they are often still
      // running when the failure is handled and dfchain has to cancel them.
      const longest = options.runMs[1];
      for (const key of FAN_JOBS.filter((k) => k !== 'join' && branchOf(k) !== branchOf(failing))) {
        jobs[key] = { ...jobs[key], runMs: dice.int(longest, 3 * longest) };
      }
    }
    plans.push({
      runId,
      chain: 'relfan',
      input: { n: runId, parts: FAN_PARTS },
      jobs,
      expected: failAt < 0 ? 'SUCCEEDED' : `FAILED:${ERROR_OF[outcome]}`,
      launched: inBranch ? [failing] : FAN_JOBS,
      mayLaunch: inBranch ? FAN_JOBS.filter((key) => key !== failing && key !== 'join') : [],
    });
  }
  return plans;
}

/**
 * `count` plans, a third of them (rounded down) relfan runs: the rel4 plans are drawn first,
 * exactly as {@link planRuns} draws them, then the relfan ones; interleaved, every third a
 * relfan run.
 */
export function planMixed(count: number, dice: Dice, options: PlanOptions): RunPlan[] {
  const fans = Math.floor(count / 3);
  const rel4 = planRuns(count - fans, dice, options);
  const fan = planFanRuns(fans, dice, options);
  const mixed: RunPlan[] = [];
  while (rel4.length > 0 || fan.length > 0) {
    mixed.push(...rel4.splice(0, 2), ...fan.splice(0, 1));
  }
  return mixed;
}
