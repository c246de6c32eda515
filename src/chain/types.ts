import type { Json, JsonObject } from '../json.js';

/** State types this version of dfchain runs. */
export const STATE_TYPES = ['Task', 'Succeed', 'Fail'] as const;

/** A state type this version of dfchain runs. */
export type StateType = (typeof STATE_TYPES)[number];

/** ASL state types not supported yet: rejected with a clear message, never ignored. */
export const UNSUPPORTED_STATE_TYPES = ['Pass', 'Wait', 'Choice', 'Parallel', 'Map'] as const;

/** An ASL state type not supported yet. */
export type UnsupportedStateType = (typeof UNSUPPORTED_STATE_TYPES)[number];

/** ASL fields (of a state or the chain) not supported yet: rejected, never ignored. */
export const UNSUPPORTED_FIELDS = [
  'Retry',
  'Catch',
  'TimeoutSeconds',
  'TimeoutSecondsPath',
  'HeartbeatSeconds',
  'HeartbeatSecondsPath',
  'InputPath',
  'OutputPath',
  'ResultPath',
  'ResultSelector',
  'Credentials',
  'Arguments',
  'Output',
  'Assign',
  'QueryLanguage',
  'Version',
  'ErrorPath',
  'CausePath',
] as const;

/** An ASL field not supported yet. */
export type UnsupportedField = (typeof UNSUPPORTED_FIELDS)[number];

/** Fields of the Dataflow `launchParameter` a Task's `Parameters` may set; `.$` keys allowed. */
export interface TaskParameters {
  /** Prefix of the Dataflow job name; dfchain appends a run-unique suffix. */
  readonly jobName: string;
  readonly containerSpecGcsPath?: string;
  readonly parameters?: JsonObject;
  readonly environment?: JsonObject;
  readonly launchOptions?: JsonObject;
  readonly [key: string]: Json | undefined;
}

/** A Dataflow Flex Template step. */
export interface TaskState {
  readonly Type: 'Task';
  readonly Resource: 'dataflow:flexTemplate';
  readonly Comment?: string;
  /** Dataflow region of this step; falls back to `Defaults.Region`. */
  readonly Region?: string;
  readonly Parameters: TaskParameters;
  readonly Next?: string;
  readonly End?: true;
}

/** Ends the run successfully. */
export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

/** Ends the run as failed, with an error name and cause. */
export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error?: string;
  readonly Cause?: string;
}

/** Any state a chain may hold. */
export type State = TaskState | SucceedState | FailState;

/** Values every Task inherits unless it sets its own. */
export interface ChainDefaults {
  readonly Region?: string;
  /** Merged under each Task's `Parameters.environment` (the Task wins). */
  readonly Environment?: JsonObject;
}

/** The JSON of a chain file. */
export interface ChainDefinition {
  readonly $schema?: string;
  readonly Comment?: string;
  readonly StartAt: string;
  readonly Defaults?: ChainDefaults;
  readonly States: Readonly<Record<string, State>>;
}

/** A validated chain: its name (file name without `.json`), file and definition. */
export interface Chain {
  readonly name: string;
  readonly file: string;
  readonly definition: ChainDefinition;
}
