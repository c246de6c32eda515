import type { TemplateLaunch } from '../../src/dataflow/job.js';
import type { Step } from '../../src/engine/run.js';

/** The Dataflow launch parameter of a step's request; fails the test for another resource's. */
export function launchOf(
  request: Step['request'] | undefined,
): TemplateLaunch['launchParameter'] | undefined {
  if (request === undefined) return undefined;
  if (request.kind === 'publish' || request.kind === 'runJob')
    throw new Error(`expected a Dataflow launch, got a ${request.kind} request`);
  return request.launchParameter;
}
