import type { TemplateLaunch } from '../dataflow/job.js';
import type { PublishRequest } from './publish-request.js';
import type { RunJobStepRequest } from './run-job-request.js';
import type { Step } from './run.js';

/** A step that publishes a Pub/Sub message (and, with a token, waits for its callback). */
export type PublishStep = Step & { readonly request: PublishRequest };

/** A step that runs a Cloud Run job execution. */
export type RunJobStep = Step & { readonly request: RunJobStepRequest };

/** A step that launches a Dataflow job. */
export type DataflowStep = Step & { readonly request: TemplateLaunch };

/** True for a `pubsub:publish…` step. */
export function isPublishStep(step: Step): step is PublishStep {
  return (step.request as { kind?: unknown }).kind === 'publish';
}

/** True for a `run:job` step. */
export function isRunJobStep(step: Step): step is RunJobStep {
  return (step.request as { kind?: unknown }).kind === 'runJob';
}

/** True for a step whose job is a Dataflow job (steps stored before other resources all are). */
export function isDataflowStep(step: Step): step is DataflowStep {
  return !isPublishStep(step) && !isRunJobStep(step);
}

/** The Dataflow environment a step's job was launched with; none for other resources. */
export function jobEnvironment(step: Step): Readonly<Record<string, unknown>> | undefined {
  return isDataflowStep(step) ? step.request.launchParameter.environment : undefined;
}
