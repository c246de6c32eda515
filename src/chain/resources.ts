import type { TaskResource } from './types.js';

/** Task resources that launch a Dataflow job (and so need a Region and a jobName prefix). */
export const DATAFLOW_RESOURCES = ['dataflow:flexTemplate', 'dataflow:template'] as const;

/** Task resources that publish a Pub/Sub message. */
export const PUBLISH_RESOURCES = ['pubsub:publish', 'pubsub:publish.waitForTaskToken'] as const;

/** The Task resource that runs a Cloud Run job execution. */
export const RUN_JOB_RESOURCE = 'run:job';

/** True for a resource that launches a Dataflow job. */
export function isDataflowResource(resource: unknown): boolean {
  return (DATAFLOW_RESOURCES as readonly unknown[]).includes(resource);
}

/** True for a resource that publishes a Pub/Sub message. */
export function isPublishResource(resource: unknown): boolean {
  return (PUBLISH_RESOURCES as readonly unknown[]).includes(resource);
}

/**
 * True for a resource that, once started, waits for a callback carrying `$$.Task.Token`
 * (AWS's `.waitForTaskToken` service integration pattern).
 */
export function waitsForTaskToken(resource: unknown): boolean {
  return typeof resource === 'string' && resource.endsWith('.waitForTaskToken');
}

/**
 * The prefix of a Task's step names: its Dataflow jobName prefix, or for a resource without
 * one a fixed word (the name's hash keeps steps apart; a publish step's name is no job's).
 */
export function stepPrefix(resource: TaskResource, jobName: string | undefined): string {
  if (jobName !== undefined) return jobName;
  if (isPublishResource(resource)) return 'publish';
  return resource === RUN_JOB_RESOURCE ? 'runjob' : 'step';
}
