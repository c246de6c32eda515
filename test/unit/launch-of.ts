import type { TemplateLaunch } from '../../src/dataflow/job.js';
import type { PublishRequest } from '../../src/engine/publish-request.js';

/** The Dataflow launch parameter of a step's request; fails the test for a publish request. */
export function launchOf(
  request: TemplateLaunch | PublishRequest | undefined,
): TemplateLaunch['launchParameter'] | undefined {
  if (request === undefined) return undefined;
  if (request.kind === 'publish') throw new Error('expected a Dataflow launch, got a publish');
  return request.launchParameter;
}
