/** google.dataflow.v1beta3.JobState, every value in enum-number order (index = number). */
export const JOB_STATES = [
  'JOB_STATE_UNKNOWN',
  'JOB_STATE_STOPPED',
  'JOB_STATE_RUNNING',
  'JOB_STATE_DONE',
  'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLED',
  'JOB_STATE_UPDATED',
  'JOB_STATE_DRAINING',
  'JOB_STATE_DRAINED',
  'JOB_STATE_PENDING',
  'JOB_STATE_CANCELLING',
  'JOB_STATE_QUEUED',
  'JOB_STATE_RESOURCE_CLEANING_UP',
] as const;

/** Dataflow job states that never change again (google.dataflow.v1beta3.JobState). */
export const TERMINAL_JOB_STATES = [
  'JOB_STATE_DONE',
  'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLED',
  'JOB_STATE_UPDATED',
  'JOB_STATE_DRAINED',
] as const;

/** A terminal Dataflow job state. */
export type TerminalJobState = (typeof TERMINAL_JOB_STATES)[number];

/** True for terminal states; unknown and future values count as not terminal. */
export function isTerminalJobState(state: string | undefined): state is TerminalJobState {
  // Stryker disable next-line StringLiteral: the fallback only has to be no terminal state's name; any such text (the mutant's too) gives false as ''
  return (TERMINAL_JOB_STATES as readonly string[]).includes(state ?? '');
}

/** The part of a Dataflow `Job` dfchain reads. */
export interface JobSummary {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly location: string;
  readonly currentState: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A job whose terminal state the Dataflow API has confirmed. */
export interface EndedJob extends JobSummary {
  readonly currentState: TerminalJobState;
}

/** The job as an EndedJob when the API reports it terminal, else undefined. */
export function endedJob(job: JobSummary): EndedJob | undefined {
  const state = job.currentState;
  return isTerminalJobState(state) ? { ...job, currentState: state } : undefined;
}

/** Where a job lives. */
export interface JobRef {
  readonly projectId: string;
  readonly location: string;
}

/** Body of `flexTemplates.launch` (LaunchFlexTemplateRequest), as dfchain sends it. */
export interface FlexTemplateLaunch {
  /** Never set: it keeps a classic launch from passing for a Flex one. */
  readonly kind?: never;
  readonly launchParameter: {
    readonly jobName: string;
    readonly containerSpecGcsPath?: string;
    readonly parameters?: Readonly<Record<string, string>>;
    readonly environment?: Readonly<Record<string, unknown>>;
    readonly launchOptions?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
}

/**
 * A classic template launch, `POST /v1b3/projects/{projectId}/locations/{location}/templates:launch`
 * (https://cloud.google.com/dataflow/docs/reference/rest/v1b3/projects.locations.templates/launch):
 * `gcsPath` is a query parameter there ("A Cloud Storage path to the template to use to create the
 * job. Must be valid Cloud Storage URL, beginning with `gs://`"), and the body is
 * LaunchTemplateParameters `{jobName, parameters, environment: RuntimeEnvironment, update,
 * transformNameMapping}` (googleapis v1b3 `Schema$LaunchTemplateParameters`). The body is kept
 * under `launchParameter`, the Flex request's name, so code that reads a step's job name,
 * parameters or environment reads both kinds alike; `kind` tells them apart.
 */
export interface ClassicTemplateLaunch {
  readonly kind: 'classic';
  readonly gcsPath: string;
  readonly launchParameter: {
    readonly jobName: string;
    readonly parameters?: Readonly<Record<string, string>>;
    readonly environment?: Readonly<Record<string, unknown>>;
    readonly [key: string]: unknown;
  };
}

/** What a step sends to Dataflow: a Flex Template launch or a classic one. */
export type TemplateLaunch = FlexTemplateLaunch | ClassicTemplateLaunch;

/** True for a classic template launch; a step stored without `kind` is a Flex one. */
export function isClassicLaunch(request: TemplateLaunch): request is ClassicTemplateLaunch {
  return (request as { kind?: unknown }).kind === 'classic';
}
