import type { Json, JsonObject } from '../json.js';

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
