import type { ResourceUsage, UsageTotals } from '../cost/usage.js';
import type { TemplateLaunch } from '../dataflow/job.js';
import type { PublishRequest } from './publish-request.js';
import type { RunJobStepRequest } from './run-job-request.js';
import type { Json, JsonObject } from '../json.js';
import type { ItemsRead } from './item-read.js';

/** Lifecycle of a run. */
export const RUN_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
/** Lifecycle of a run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Lifecycle of one launched step. `INTENDED` is written before the launch is made, so a crash
 * between the two leaves a record that the next delivery completes.
 */
export const STEP_STATUSES = ['INTENDED', 'LAUNCHED', 'SUCCEEDED', 'FAILED'] as const;
/** Lifecycle of one launched step. */
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * A slot of a pool: the right to have one active job (pool `jobs.{project}`) or one started run
 * of a chain (pool `runs.{chain}`). The store keeps one document per held slot, written in the
 * same atomic write as the run that holds it, so a slot is held exactly while its holder says so.
 */
export interface SlotRef {
  readonly pool: string;
  readonly index: number;
}

/** A place in a pool's queue: holders wait oldest first (`at`, then document and job name). */
export interface QueuedAt {
  readonly pool: string;
  /** ISO time the holder joined the queue. */
  readonly at: string;
}

/** An ASL error: a name such as `Dataflow.JobFailed` and a human cause. */
export interface RunError {
  readonly Error: string;
  readonly Cause: string;
}

/**
 * Who may launch an intended step, and until when. Only the holder sends the launch call, and
 * only while the call's timeout fits before `until`; anyone else takes over after `until`, and
 * looks the job up by name before launching. So at most one launch call for a step is ever in
 * flight, and none starts without a look-up unless it is the very first.
 */
export interface LaunchLease {
  /** Random token of the invocation that holds the lease. */
  readonly owner: string;
  /** ISO time after which another invocation may take the launch over. */
  readonly until: string;
  /** How many invocations have held it; above 1, a look-up must precede every launch call. */
  readonly holders: number;
}

/** One Dataflow job of a run, keyed by its deterministic job name. */
export interface Step {
  readonly state: string;
  /** Scope path of the state (`''` at the top, `Fan[1]`, `Fan[1]/Each[3]`); absent means `''`. */
  readonly scope?: string;
  readonly attempt: number;
  readonly jobName: string;
  readonly projectId: string;
  readonly location: string;
  /**
   * Exactly what is sent to `flexTemplates.launch`, for a classic template to
   * `templates.launch`, for a `pubsub:publish` Task to Pub/Sub, or for a `run:job` Task to
   * `jobs.run`, so a relaunch after a crash is identical. For a run:job step, `jobId` holds the
   * execution's full name.
   */
  readonly request: TemplateLaunch | PublishRequest | RunJobStepRequest;
  readonly status: StepStatus;
  readonly intendedAt: string;
  /** Set while INTENDED: the invocation allowed to launch it. */
  readonly lease?: LaunchLease;
  readonly jobId?: string;
  /** A publish step: the Pub/Sub message id of its (last) publish. */
  readonly messageId?: string;
  /**
   * A `.waitForTaskToken` step: the SHA-256 (hex) of every token handed out for it. A publish
   * made again after a crash hands out another; any of them completes the step, once.
   */
  readonly tokenHashes?: readonly string[];
  /** A waiting step with HeartbeatSeconds: the seconds each heartbeat re-arms. */
  readonly heartbeatSeconds?: number;
  /** Heartbeats received so far: each numbers the heartbeat timer it arms. */
  readonly beats?: number;
  readonly launchedAt?: string;
  readonly endedAt?: string;
  readonly jobState?: string;
  readonly error?: RunError;
  /**
   * Ended and succeeded: the state's output made of its result (ResultSelector, ResultPath and
   * OutputPath applied), when its JSON is at most STEP_OUTPUT_KEPT characters; for the console.
   */
  readonly output?: Json;
  /** Ended with an output too large to keep: its size in characters of JSON. */
  readonly outputSize?: number;
  /**
   * What the ended job used, from `jobs.getMetrics` when its end was recorded (docs/cost.md);
   * absent when the metrics could not be read in time. `metricTime`: as of when.
   */
  readonly usage?: ResourceUsage & { readonly metricTime?: string };
  /**
   * Set when the run no longer waits for this job (its Task timed out, or a sibling branch
   * failed): the job is cancelled through the API, and its end is recorded without effect.
   */
  readonly abandoned?: true;
  /** The slot of the project's active-job budget the step holds until its end is recorded. */
  readonly slot?: SlotRef;
  /** Set while the intent waits for a slot: no one launches it until it is admitted. */
  readonly queued?: QueuedAt;
  /**
   * Set while a launch refused for quota (429 RESOURCE_EXHAUSTED) waits for its retry timer:
   * the time it is due and how many such waits the step has had.
   */
  readonly quotaWait?: { readonly dueAt: string; readonly waits: number };
  /**
   * Quota refusals so far, kept after each wait ends: it numbers the next wait's timer (a timer
   * port ignores a name it has seen) and doubles its backoff.
   */
  readonly quotaWaits?: number;
}

/**
 * What a scope's current state waits for; `next`: it ended, and its scope enters the next state
 * within the same transition (nothing may start under it any more); `items`: a Map's ItemReader.
 */
export const FRAME_WAITS = ['job', 'timer', 'retry', 'children', 'next', 'items'] as const;
/** What a scope's current state waits for. */
export type FrameWait = (typeof FRAME_WAITS)[number];

/** Progress of the branches of a Parallel or the items of a Map. */
export interface Children {
  /** Branches or items in all. */
  readonly total: number;
  /** Items started so far (a Map starts them in order, at most MaxConcurrency at once). */
  readonly started: number;
  /** Scopes still running. */
  readonly running: number;
  readonly failed: number;
  /**
   * Output (or `{Error, Cause}` of a tolerated failure) of each ended child, by index; none
   * kept when the Parallel's or Map's result is discarded (`ResultPath: null`, no selector).
   */
  readonly outputs: Readonly<Record<string, Json>>;
  /** Map only: the limits, fixed when the Map began (its items are read again from its input). */
  readonly maxConcurrency?: number;
  readonly toleratedCount?: number;
  readonly toleratedPercentage?: number;
  /** Map only: the items run in parts (documents of their own), not as frames of this run. */
  readonly parts?: true;
  /**
   * Map only: the items whose failure the Map has counted (sorted): a repeated report counts
   * once. Items that succeed never write the Map's document: the join reads them.
   */
  readonly failedItems?: readonly number[];
  /** Map with an ItemReader only: the items it read (nothing else can give them again). */
  readonly items?: readonly Json[];
}

/**
 * Where one scope stands: its current state and what it waits for. The run has one frame per
 * scope still running; a scope whose last state ends removes its frame and reports to its parent.
 */
export interface Frame {
  /** Scope path of the parent, for a branch or item scope. */
  readonly parent?: string;
  /** Index of the branch or item in its parent. */
  readonly index?: number;
  readonly state: string;
  /** The state's raw input (before InputPath): ResultPath and Catch merge into it. */
  readonly input: Json;
  readonly enteredTime: string;
  /** How many times this scope entered the state before (Choice loops); part of every name. */
  readonly visit: number;
  /** Entries of each state of this scope so far, to number the next visit. */
  readonly visits?: Readonly<Record<string, number>>;
  /** Retries of the current state so far ($$.State.RetryCount); part of every job name. */
  readonly attempt: number;
  /** Retries used per retrier of the current state, by the retrier's index. */
  readonly retries?: Readonly<Record<string, number>>;
  readonly wait: FrameWait;
  /** The job the state waits for (wait `job`). */
  readonly jobName?: string;
  /** Branches or items (wait `children`). */
  readonly children?: Children;
  /** The read of a Map's ItemReader it waits for (wait `items`). */
  readonly reader?: ItemsRead;
}

/** What a timer does when it fires. */
export const TIMER_KINDS = [
  'wait',
  'retry',
  'timeout',
  'heartbeat',
  'run',
  'deadline',
  'launch',
] as const;
/** What a timer does when it fires. */
export type TimerKind = (typeof TIMER_KINDS)[number];

/** A due time stored with the run; the timer port delivers it, the tick fires it if lost. */
export interface Timer {
  readonly kind: TimerKind;
  readonly scope: string;
  readonly state: string;
  readonly attempt: number;
  readonly dueAt: string;
  /** Wait only: the state's output, handed to Next when the timer fires. */
  readonly output?: Json;
  /** Launch only: the step whose launch, refused for quota, is tried again. */
  readonly jobName?: string;
}

/** One step on the way from the chain's top to a Map's item processor: a state and a branch or item index. */
export interface RouteStep {
  readonly state: string;
  readonly index: number;
}

/**
 * Where a part of a run hangs in the run's tree. Each Map item runs in a document of its own
 * (a part), so a Map of 10,000 items never makes one document hot or big: the item's jobs,
 * timers and nested states change only its part. MaxConcurrency is a fixed window of lanes:
 * item k starts when item k - MaxConcurrency succeeds, created in the same write that ends it;
 * the Map's document is written when it starts, when an item fails, and when it joins.
 */
export interface Part {
  /** The run's id: labels, `$$.Execution.Id` and log lines name it. */
  readonly root: string;
  /** Label-safe key of the item, unique in the run (the part's document id ends with it). */
  readonly key: string;
  /** Scope path of the item (`Each[3]`, `Fan[1]/Each@1[3]`). */
  readonly scope: string;
  /** Scope path of the Map's frame, and the id of the document that holds it. */
  readonly parent: string;
  readonly parentDoc: string;
  readonly index: number;
  /** The Map entry the item belongs to (`{parentDoc}|{entry}@{attempt}`): its parts are queried by it. */
  readonly group: string;
  /** The item is the last of its lane (no successor): its end may complete the Map. */
  readonly last?: true;
  /** The states and branch indices from the chain's top to the Map: the item's states are found by it. */
  readonly route: readonly RouteStep[];
}

/** A run of a chain: everything needed to continue it, in one document (a Map item: in a part). */
export interface Run {
  readonly id: string;
  readonly chain: string;
  /** Content hash of the definition the run started with; edits to the chain file do not reach it. */
  readonly definitionHash: string;
  /**
   * Random, drawn once when the run starts and stored: it goes into every job name, so nobody
   * can predict a run's job names and plant a job under one. Runs stored before it have none.
   */
  readonly nonce?: string;
  readonly projectId: string;
  /** The deployment's default worker account when the run started, for Tasks that name none. */
  readonly workerServiceAccount?: string;
  readonly input: JsonObject;
  readonly status: RunStatus;
  readonly startTime: string;
  /** A scheduled (or backfilled) run: the cron tick it stands for (`$$.Execution.ScheduledTime`). */
  readonly scheduledTime?: string;
  /** How many times the run was redriven (`$$.Execution.RedriveCount`); absent means 0. */
  readonly redriveCount?: number;
  /**
   * How many times this document was redriven (a part can be redriven less often than its
   * run): it goes into the names of the jobs and timers the document makes from then on, so a
   * redriven state never meets the job or timer of the attempt that failed.
   */
  readonly redriven?: number;
  /** The message id of the redrive command that last redrove the run: its redelivery is a no-op. */
  readonly redrivenBy?: string;
  /**
   * Set when the document ended FAILED or CANCELLED: the frame of its own scope as it stood
   * then (the state that failed or was stopped, its input, a Map's or Parallel's children).
   * Redrive resumes the document from it.
   */
  readonly stopped?: Frame;
  readonly endTime?: string;
  /**
   * Steps still in flight (INTENDED or LAUNCHED), by job name. Ended steps move to the run's
   * history, stored beside the run, so the run stays small however long the chain is.
   */
  readonly steps: Readonly<Record<string, Step>>;
  /**
   * Running scopes by scope path (`''` is the run itself). Absent on runs stored before scopes
   * existed: their one scope waits on the one step in flight.
   */
  readonly frames?: Readonly<Record<string, Frame>>;
  /** Pending timers by deterministic name. */
  readonly timers?: Readonly<Record<string, Timer>>;
  readonly output?: Json;
  readonly error?: RunError;
  /** Set on a Map item's document: the document's id is `{root}.{key}`. */
  readonly part?: Part;
  /**
   * A part's ended steps, oldest first, kept in the part's own document (a run's go to its
   * history, one document each beside it): an item costs no history write.
   */
  readonly ended?: readonly Step[];
  /** A part that failed with an error no Catch may take (States.Runtime): the run fails with it. */
  readonly fatal?: true;
  /** With `fatal`: where it failed (scope path and state), for the run's `run.failed` line. */
  readonly fatalAt?: { readonly scope: string; readonly state?: string };
  /** The slot of its chain's MaxConcurrentRuns the run holds while it runs. */
  readonly slot?: SlotRef;
  /**
   * Running total of the usage of this document's ended jobs, by pricing class (region, FlexRS);
   * a Map adds its items' parts' totals when it joins (docs/cost.md, "Totals").
   */
  readonly usage?: UsageTotals;
  /** Set while the run waits for a slot of its chain's MaxConcurrentRuns: it has not begun. */
  readonly queued?: QueuedAt;
}

/**
 * True for a run that ended with jobs still in flight (all abandoned: a failed branch's
 * siblings, a timed-out Task): the tick keeps visiting it until each is cancelled and recorded.
 */
export function isUnsettled(run: Run): boolean {
  return run.status !== 'RUNNING' && Object.keys(run.steps).length > 0;
}
