import { ANY, objectShape, STRING, type Shape } from './shape.js';

const NUMBER: Shape = { kind: 'scalar', type: 'number' };
import type { TaskResource } from './types.js';

/**
 * The fields of each resource's result object (ARCHITECTURE §2.1; the engine builds it in
 * src/engine/job-ended.ts taskResult, and a unit test holds the two together); null: the
 * result is the workload's (a callback's output).
 */
export const TASK_RESULT_FIELDS: Readonly<Record<TaskResource, readonly string[] | null>> = {
  'dataflow:flexTemplate': ['jobId', 'jobName', 'projectId', 'location', 'currentState'],
  'dataflow:template': ['jobId', 'jobName', 'projectId', 'location', 'currentState'],
  'pubsub:publish': ['messageId'],
  // The callback's output: the workload decides its shape.
  'pubsub:publish.waitForTaskToken': null,
  'run:job': ['executionName', 'job', 'location', 'succeededCount', 'failedCount'],
};

/** Result fields that hold numbers; every other one is a string. */
const NUMBER_FIELDS: readonly string[] = ['succeededCount', 'failedCount'];

/**
 * The shape of the result of Task `name` whose Resource is `resource`, or undefined for a
 * resource whose result is not known here (the schema reports an unknown resource).
 */
export function taskResultShape(name: string, resource: unknown): Shape | undefined {
  if (typeof resource !== 'string' || !Object.hasOwn(TASK_RESULT_FIELDS, resource))
    return undefined;
  const fields = TASK_RESULT_FIELDS[resource as TaskResource];
  if (fields === null) return ANY;
  return objectShape(
    fields.map((field) => [field, NUMBER_FIELDS.includes(field) ? NUMBER : STRING] as const),
    true,
    `the result of Task ${name} (${resource})`,
  );
}
