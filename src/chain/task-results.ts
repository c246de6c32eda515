import { objectShape, STRING, type Shape } from './shape.js';
import type { TaskResource } from './types.js';

/**
 * The fields of each resource's result object (ARCHITECTURE §2.1; the engine builds it in
 * src/engine/job-ended.ts taskResult, and a unit test holds the two together).
 */
export const TASK_RESULT_FIELDS: Readonly<Record<TaskResource, readonly string[]>> = {
  'dataflow:flexTemplate': ['jobId', 'jobName', 'projectId', 'location', 'currentState'],
  'dataflow:template': ['jobId', 'jobName', 'projectId', 'location', 'currentState'],
};

/**
 * The shape of the result of Task `name` whose Resource is `resource`, or undefined for a
 * resource whose result is not known here (the schema reports an unknown resource).
 */
export function taskResultShape(name: string, resource: unknown): Shape | undefined {
  if (typeof resource !== 'string' || !Object.hasOwn(TASK_RESULT_FIELDS, resource))
    return undefined;
  const fields = TASK_RESULT_FIELDS[resource as TaskResource];
  return objectShape(
    fields.map((field) => [field, STRING] as const),
    true,
    `the result of Task ${name} (${resource})`,
  );
}
