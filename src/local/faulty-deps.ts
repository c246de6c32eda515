import type { LocalFaults } from '../config.js';
import type { HandlerDeps } from '../handler/deps.js';
import { faultyDataflow } from './faulty-dataflow.js';
import { FaultyRunStore } from './faulty-store.js';
import { mulberry32 } from './random.js';

/** Wraps the store and Dataflow port of `deps` in the local fault decorators. */
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
    store: new FaultyRunStore(deps.store, {
      faultRate: faults.storeFaultRate,
      crashRate: faults.crashRate,
      random,
    }),
  };
}
