import type { CloudRunPort } from '../cloudrun/port.js';
import { RUN_ENV } from '../cloudrun/step-marker.js';
import { PUBLISH_ATTRIBUTES } from '../engine/publish-request.js';
import type { PublishPort } from '../pubsub/port.js';
import { crashProcess, type Crash } from './crash.js';

/** How often the wrapped ports crash the process, as {@link faultyDataflow} does for Dataflow. */
export interface ResourceFaults {
  /** Probability (0..1) of a crash right after a call took effect, before it is recorded. */
  readonly crashRate: number;
  readonly random: () => number;
  readonly crash?: Crash;
}

function roll(faults: ResourceFaults, runId: string): void {
  if (faults.crashRate > 0 && faults.random() < faults.crashRate)
    (faults.crash ?? crashProcess)('after-launch', runId);
}

/**
 * A CloudRunPort that, at the configured rate, kills the process right after Cloud Run accepted
 * a `jobs.run`: the execution exists but the run never hears of it, and the next holder must
 * find it by its marker. Local-stack testing only (`DFCHAIN_LOCAL_FAULTS`).
 */
export function faultyCloudRun(inner: CloudRunPort, faults: ResourceFaults): CloudRunPort {
  return {
    getExecution: (name) => inner.getExecution(name),
    listExecutions: (ref) => inner.listExecutions(ref),
    cancelExecution: (name) => inner.cancelExecution(name),
    async runJob(ref, request) {
      const started = await inner.runJob(ref, request);
      const env = request.overrides?.containerOverrides?.[0]?.env ?? [];
      roll(faults, env.find((variable) => variable.name === RUN_ENV)?.value ?? '');
      return started;
    },
  };
}

/**
 * A PublishPort that, at the configured rate, kills the process right after a Task's message was
 * published: the message is out but the run never hears of it (so it is published again, with
 * another token). Local-stack testing only (`DFCHAIN_LOCAL_FAULTS`).
 */
export function faultyPublisher(inner: PublishPort, faults: ResourceFaults): PublishPort {
  return {
    async publish(message) {
      const id = await inner.publish(message);
      roll(faults, message.attributes[PUBLISH_ATTRIBUTES.runId] ?? '');
      return id;
    },
  };
}
