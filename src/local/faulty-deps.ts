import type { LocalFaults } from '../config.js';
import type { HandlerDeps } from '../handler/deps.js';
import { faultyDataflow } from './faulty-dataflow.js';
import { faultyCloudRun, faultyPublisher } from './faulty-resources.js';
import { FaultyRunStore } from './faulty-store.js';
import { mulberry32 } from './random.js';

/** Wraps the store and the Dataflow, Cloud Run and Pub/Sub ports of `deps` in the local fault decorators. */
export function withLocalFaults(
  deps: HandlerDeps,
  faults: LocalFaults,
  pid: number = process.pid,
): HandlerDeps {
  // A restarted process must not replay the exact choices that crashed its predecessor.
  const random = mulberry32(faults.seed + pid);
  return {
    ...deps,
    dataflow: faultyDataflow(deps.dataflow, { crashRate: faults.crashRate, random }),
    ...(deps.cloudRun
      ? { cloudRun: faultyCloudRun(deps.cloudRun, { crashRate: faults.crashRate, random }) }
      : {}),
    ...(deps.publisher
      ? { publisher: faultyPublisher(deps.publisher, { crashRate: faults.crashRate, random }) }
      : {}),
    store: new FaultyRunStore(deps.store, {
      faultRate: faults.storeFaultRate,
      crashRate: faults.crashRate,
      random,
    }),
  };
}
