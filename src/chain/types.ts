import type { Json, JsonObject } from '../json.js';
import type { ItemReader } from './item-reader.js';

/** State types of the Amazon States Language that dfchain runs. */
export const STATE_TYPES = [
  'Task',
  'Pass',
  'Choice',
  'Wait',
  'Parallel',
  'Map',
  'Succeed',
  'Fail',
] as const;

/** A state type dfchain runs. */
export type StateType = (typeof STATE_TYPES)[number];

/**
 * ASL fields (of a state or the chain) dfchain does not run: rejected, never ignored. The
 * JSONata query language (Arguments, Output, Assign, QueryLanguage) and Credentials have no
 * meaning for Dataflow launches yet.
 */
export const UNSUPPORTED_FIELDS = [
  'Credentials',
  'Arguments',
  'Output',
  'Assign',
  'QueryLanguage',
  'Version',
] as const;

/** An ASL field not supported yet. */
export type UnsupportedField = (typeof UNSUPPORTED_FIELDS)[number];

/** Task resources dfchain launches. */
export const TASK_RESOURCES = [
  'dataflow:flexTemplate',
  'dataflow:template',
  'pubsub:publish',
  'pubsub:publish.waitForTaskToken',
  'run:job',
] as const;

/** A Task resource. */
export type TaskResource = (typeof TASK_RESOURCES)[number];

/**
 * Fields a Task's `Parameters` may set; `.$` keys allowed. `dataflow:flexTemplate`: the Dataflow
 * `launchParameter`; `dataflow:template`: `LaunchTemplateParameters` plus `gcsPath`, the query
 * parameter of `templates.launch` (the schema keeps each resource to its own fields).
 */
export interface TaskParameters {
  /** Prefix of the Dataflow job name; dfchain appends a run-unique suffix (Dataflow resources). */
  readonly jobName?: string;
  /** `pubsub:publish…`: the topic, `projects/P/topics/T` or a topic of the function's project. */
  readonly topic?: string;
  /** `pubsub:publish…`: the message body, published as JSON. */
  readonly data?: Json;
  /** `pubsub:publish…`: the message's attributes. */
  readonly attributes?: JsonObject;
  /** `run:job`: the Cloud Run job, `projects/P/locations/L/jobs/J` or `J` in the Task's region. */
  readonly job?: string;
  /** `run:job`: RunJobRequest.Overrides (containerOverrides, taskCount, timeout). */
  readonly overrides?: JsonObject;
  readonly containerSpecGcsPath?: string;
  readonly gcsPath?: string;
  readonly parameters?: JsonObject;
  readonly environment?: JsonObject;
  readonly launchOptions?: JsonObject;
  readonly [key: string]: Json | undefined;
}

/** Where a state goes next: `Next`, or `End: true` for the last state of its scope. */
export interface Transitions {
  readonly Next?: string;
  readonly End?: true;
}

/** ASL input and output processing fields every state but Fail (and partly Succeed) takes. */
export interface InputOutput {
  /** Selects the state's input; `null` gives `{}`. */
  readonly InputPath?: string | null;
  /** Selects the state's output; `null` gives `{}`. */
  readonly OutputPath?: string | null;
}

/** Where a state's result goes in its input; `null` discards the result. */
export interface ResultHandling {
  readonly ResultPath?: string | null;
}

/** One Retry entry (a "retrier"). */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  /** Seconds before the first retry; default 1. */
  readonly IntervalSeconds?: number;
  /** Retries after the first try; default 3; 0 never retries. */
  readonly MaxAttempts?: number;
  /** Multiplier of the interval per retry; default 2.0. */
  readonly BackoffRate?: number;
  /** Cap of any one interval, in seconds. */
  readonly MaxDelaySeconds?: number;
  /** `FULL`: each interval is drawn uniformly from [0, interval]; default `NONE`. */
  readonly JitterStrategy?: 'FULL' | 'NONE';
  readonly Comment?: string;
}

/** One Catch entry (a "catcher"). */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  /** Where `{Error, Cause}` goes in the state's input; default `$` (replaces it). */
  readonly ResultPath?: string | null;
  readonly Comment?: string;
}

/** Fields of states that can fail and recover: Task, Parallel, Map. */
export interface Recoverable {
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

/** A Dataflow Flex Template step. */
export interface TaskState extends Transitions, InputOutput, ResultHandling, Recoverable {
  readonly Type: 'Task';
  readonly Resource: TaskResource;
  readonly Comment?: string;
  /** Dataflow region of this step; falls back to `Defaults.Region`. */
  readonly Region?: string;
  readonly Parameters: TaskParameters;
  readonly ResultSelector?: JsonObject;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number;
  readonly HeartbeatSecondsPath?: string;
}

/** Passes its input (or `Result`) to its output; never waits. */
export interface PassState extends Transitions, InputOutput, ResultHandling {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Parameters?: JsonObject;
  readonly Result?: Json;
}

/** Comparison operators of a Choice rule that compare with a literal. */
export const COMPARISON_OPERATORS = [
  'BooleanEquals',
  'NumericEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'StringEquals',
  'StringGreaterThan',
  'StringGreaterThanEquals',
  'StringLessThan',
  'StringLessThanEquals',
  'StringMatches',
  'TimestampEquals',
  'TimestampGreaterThan',
  'TimestampGreaterThanEquals',
  'TimestampLessThan',
  'TimestampLessThanEquals',
] as const;

/** A comparison operator with a literal operand. */
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** Operators that compare with the value at another path (`…Path`; not StringMatches). */
export const PATH_COMPARISON_OPERATORS = COMPARISON_OPERATORS.filter(
  (op) => op !== 'StringMatches',
).map((op) => `${op}Path` as const);

/** A comparison operator whose operand is a path into the state input. */
export type PathComparisonOperator = `${Exclude<ComparisonOperator, 'StringMatches'>}Path`;

/** Type tests of a Choice rule; their operand is `true` or `false`. */
export const TYPE_TEST_OPERATORS = [
  'IsPresent',
  'IsNull',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
] as const;

/** A type test. */
export type TypeTestOperator = (typeof TYPE_TEST_OPERATORS)[number];

/**
 * A Choice rule: one comparison on `Variable`, or `And`/`Or`/`Not` of nested rules. Top-level
 * rules carry `Next`; nested ones must not. Exactly one operator key is present.
 */
export interface ChoiceRule {
  readonly Variable?: string;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  readonly Next?: string;
  readonly Comment?: string;
  readonly [operator: string]: Json | undefined | readonly ChoiceRule[] | ChoiceRule;
}

/** Branches on its input; no rule matching and no Default raises `States.NoChoiceMatched`. */
export interface ChoiceState extends InputOutput {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

/** Waits a number of seconds or until a time; exactly one of the four fields is set. */
export interface WaitState extends Transitions, InputOutput {
  readonly Type: 'Wait';
  readonly Comment?: string;
  readonly Seconds?: number;
  readonly Timestamp?: string;
  readonly SecondsPath?: string;
  readonly TimestampPath?: string;
}

/** A sub-chain: the states of a Parallel branch or of a Map's item processor. */
export interface Branch {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  /** Map's ItemProcessor only; dfchain runs `INLINE` (the default). */
  readonly ProcessorConfig?: { readonly Mode?: 'INLINE'; readonly ExecutionType?: string };
}

/** Runs every branch at once on the same input; its result is the array of their outputs. */
export interface ParallelState extends Transitions, InputOutput, ResultHandling, Recoverable {
  readonly Type: 'Parallel';
  readonly Comment?: string;
  readonly Branches: readonly Branch[];
  readonly Parameters?: JsonObject;
  readonly ResultSelector?: JsonObject;
}

/** Runs its item processor once per item of an array; its result is the array of their outputs. */
export interface MapState extends Transitions, InputOutput, ResultHandling, Recoverable {
  readonly Type: 'Map';
  readonly Comment?: string;
  /** The processor (the current field name); `Iterator` is the older name. */
  readonly ItemProcessor?: Branch;
  readonly Iterator?: Branch;
  /** Path to the array in the effective input; default `$`. */
  readonly ItemsPath?: string;
  /** Builds each item's input; `$$.Map.Item.Value` and `.Index` are in the context. */
  readonly ItemSelector?: JsonObject;
  /** The older name of ItemSelector. */
  readonly Parameters?: JsonObject;
  /** Items running at once; 0 or absent: no limit. */
  readonly MaxConcurrency?: number;
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailurePercentage?: number;
  readonly ToleratedFailurePercentagePath?: string;
  readonly ToleratedFailureCount?: number;
  readonly ToleratedFailureCountPath?: string;
  readonly ResultSelector?: JsonObject;
  /** Reads the items from Cloud Storage instead of ItemsPath (src/chain/item-reader.ts). */
  readonly ItemReader?: ItemReader;
}

/** Ends its scope successfully (the run, at the top level). */
export interface SucceedState extends InputOutput {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

/** Ends its scope as failed, with an error name and cause. */
export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error?: string;
  readonly Cause?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

/** Any state a chain may hold. */
export type State =
  | TaskState
  | PassState
  | ChoiceState
  | WaitState
  | ParallelState
  | MapState
  | SucceedState
  | FailState;

/** Values every Task inherits unless it sets its own. */
export interface ChainDefaults {
  readonly Region?: string;
  /** Merged under each Task's `Parameters.environment` (the Task wins). */
  readonly Environment?: JsonObject;
}

/**
 * When a run should have ended (exactly one field): past it, a run still running logs
 * `run.deadline_missed` at severity ALERT and goes on.
 */
export interface ChainDeadline {
  /** Seconds after the run's start. */
  readonly AfterSeconds?: number;
  /** `HH:MM`, 24-hour, in the chain's time zone (UTC): the first such time at or after the start. */
  readonly At?: string;
}

/**
 * When Cloud Scheduler starts runs of the chain (deploy makes one Cloud Scheduler job per
 * chain with a Schedule). See src/schedule/ for the ticks and the run ids they give.
 */
export interface ChainSchedule {
  /** unix-cron, 5 fields: minute hour day-of-month month day-of-week, such as `0 5 * * *`. */
  readonly Cron: string;
  /** IANA (tz database) name the cron is read in, such as `Europe/Paris`; default `Etc/UTC`. */
  readonly TimeZone?: string;
  /** The input of every scheduled run; default `{}`. */
  readonly Input?: JsonObject;
}

/**
 * A Cloud Storage object whose finalization starts a run (deploy makes one bucket
 * notification per bucket and prefix; dfchain applies matchGlob itself).
 */
export interface GcsTrigger {
  /** Bucket name, without `gs://`. */
  readonly bucket: string;
  /** Object names must start with this; default: every object. */
  readonly prefix?: string;
  /** Object names must also match this Cloud Storage glob (src/chain/gcs-glob.ts). */
  readonly matchGlob?: string;
}

/** One entry of a chain's `Triggers`. */
export interface ChainTrigger {
  readonly Gcs: GcsTrigger;
}

/** The JSON of a chain file. */
export interface ChainDefinition {
  readonly $schema?: string;
  readonly Comment?: string;
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly Deadline?: ChainDeadline;
  /** Most runs of this chain running at once; runs started beyond it wait, in start order. */
  readonly MaxConcurrentRuns?: number;
  readonly Schedule?: ChainSchedule;
  /** Files whose arrival starts a run (see ChainTrigger). */
  readonly Triggers?: readonly ChainTrigger[];
  readonly Defaults?: ChainDefaults;
  readonly States: Readonly<Record<string, State>>;
}

/** A validated chain: its name (file name without `.json`), file and definition. */
export interface Chain {
  readonly name: string;
  readonly file: string;
  readonly definition: ChainDefinition;
}

/** The item processor of a Map, whichever field name the chain uses. */
export function mapProcessor(state: MapState): Branch {
  // Validation guarantees exactly one of them.
  return (state.ItemProcessor ?? state.Iterator)!;
}
