import type { RunCost, StepCost } from '../cost/view.js';
import type { FrameWait, RunError, RunStatus, StepStatus, TimerKind } from '../engine/run.js';
import type { Json, JsonObject } from '../json.js';
import type { QueuedView, QuotaWaitView } from './status-admission.js';
import type { ScheduleView } from './status-extras.js';

/** One job of a run, as `dfchain status --json` shows it. */
export interface StepView {
  readonly state: string;
  /** Scope path, for a state inside a Parallel branch or Map item only. */
  readonly scope?: string;
  readonly attempt: number;
  readonly status: StepStatus;
  readonly jobName: string;
  readonly jobId?: string;
  readonly location: string;
  readonly intendedAt: string;
  readonly launchedAt?: string;
  readonly endedAt?: string;
  readonly jobState?: string;
  readonly error?: RunError;
  /** The run stopped waiting for this job (timeout, failed sibling): it is being cancelled. */
  readonly abandoned?: true;
  /** In flight only: the launch waits for a slot of its project's active-job budget. */
  readonly queued?: QueuedView;
  /** In flight only: the launch was refused for quota (429) and waits for its retry timer. */
  readonly quotaWait?: QuotaWaitView;
  /** Ended only, when its metrics were read: what the job used (docs/cost.md). */
  readonly usage?: StepCost['usage'];
  /** With `usage`: the estimated cost in USD at the step's region and kind. */
  readonly cost?: number;
  /** Launched with FlexRS (priced at FlexRS rates). */
  readonly flexrs?: true;
  /** The job's page in the Dataflow console, once its id is known. */
  readonly consoleUrl?: string;
  /** Seconds from the recorded launch to the recorded end (ended steps). */
  readonly durationSeconds?: number;
}

/** Where one running scope stands. */
export interface ScopeView {
  /** Scope path: `''` for the run itself, `Fan[1]`, `Fan[1]/Each[3]`. */
  readonly scope: string;
  readonly state: string;
  readonly wait: FrameWait;
  readonly attempt: number;
  readonly enteredTime: string;
  /** The job the state waits for (wait `job`). */
  readonly jobName?: string;
  /** Branches or items of a Parallel or Map (wait `children`). */
  readonly children?: {
    readonly total: number;
    readonly started: number;
    readonly running: number;
    readonly failed: number;
  };
  /** What a Map's ItemReader reads (wait `items`): `gs://bucket/prefix` or the manifest. */
  readonly reading?: string;
}

/** A pending timer of a running run. */
export interface TimerView {
  readonly name: string;
  readonly kind: TimerKind;
  /** Scope path, when not the top level. */
  readonly scope?: string;
  readonly state: string;
  readonly attempt: number;
  readonly dueAt: string;
}

/** The one JSON object `dfchain status RUN --json` prints (ARCHITECTURE.md §2.1). */
export interface RunView {
  readonly id: string;
  readonly chain: string;
  readonly status: RunStatus;
  readonly input: JsonObject;
  readonly output?: Json;
  readonly error?: RunError;
  readonly startTime: string;
  readonly endTime?: string;
  /** How many times the run was redriven (`$$.Execution.RedriveCount`), when at least once. */
  readonly redriveCount?: number;
  /** A scheduled or backfilled run: the cron tick it stands for (`$$.Execution.ScheduledTime`). */
  readonly scheduledTime?: string;
  /** The chain's Schedule (from the run's own definition) and its next fire times. */
  readonly schedule?: ScheduleView;
  /** A run waiting for a slot of its chain's MaxConcurrentRuns: it has not begun (status RUNNING). */
  readonly queued?: QueuedView;
  /** Ended steps oldest first, then the steps in flight in the order they were intended. */
  readonly steps: readonly StepView[];
  /**
   * Once a step recorded usage: the run's total usage and estimated cost, summed over its
   * ended steps (Map items' included), and the price table used (docs/cost.md).
   */
  readonly total?: RunCost;
  /** Running runs only: each running scope, parents before children. */
  readonly scopes?: readonly ScopeView[];
  /** Running runs only: pending timers, soonest first. */
  readonly timers?: readonly TimerView[];
}
