import { ChainCatalog } from './chain/catalog.js';
import { loadChains } from './chain/load.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import type { DataflowPort } from './dataflow/port.js';
import type { HandlerDeps } from './handler/deps.js';
import { lazily } from './lazy.js';
import { createCloudLogger } from './log/cloud-logging.js';
import { MemoryRunStore } from './store/memory.js';
import type { RunStore } from './store/port.js';

function createStore(config: Config): RunStore {
  if (config.store === 'memory') return new MemoryRunStore();
  // Loaded at the first store call: the Firestore client is ~300 ms of a cold start, and a
  // foreign or malformed event never needs it.
  return lazily(async () => {
    const { Firestore } = await import('@google-cloud/firestore');
    const { FirestoreRunStore } = await import('./store/firestore.js');
    return new FirestoreRunStore(new Firestore({ projectId: config.projectId }));
  });
}

function createDataflow(config: Config): DataflowPort {
  // Loaded at the first Dataflow call, for the same reason (~100 ms).
  return lazily(async () =>
    (await import('./dataflow/googleapis.js')).createDataflowPort({
      ...(config.dataflowRootUrl ? { rootUrl: config.dataflowRootUrl } : {}),
      ...(config.dataflowTimeoutMs ? { timeoutMs: config.dataflowTimeoutMs } : {}),
    }),
  );
}

/** Wraps the store and Dataflow port in the local fault decorators when DFCHAIN_LOCAL_FAULTS asks. */
async function withLocalFaults(
  config: Config,
  dataflow: DataflowPort,
  store: RunStore,
  pid: number = process.pid,
): Promise<{ dataflow: DataflowPort; store: RunStore }> {
  const faults = config.localFaults;
  if (faults === undefined) return { dataflow, store };
  // Loaded only when asked for: production never pays for the test decorators.
  const { mulberry32 } = await import('./local/random.js');
  const { FaultyRunStore } = await import('./local/faulty-store.js');
  const { faultyDataflow } = await import('./local/faulty-dataflow.js');
  // A restarted process must not replay the exact choices that crashed its predecessor.
  const random = mulberry32(faults.seed + pid);
  return {
    dataflow: faultyDataflow(dataflow, { crashRate: faults.crashRate, random }),
    store: new FaultyRunStore(store, {
      faultRate: faults.storeFaultRate,
      crashRate: faults.crashRate,
      random,
    }),
  };
}

/**
 * Builds the real dependencies from configuration. Chains load first and synchronously, so an
 * invalid chain stops the function before it serves anything.
 */
export async function createDeps(config: Config): Promise<HandlerDeps> {
  const chains = new ChainCatalog(loadChains(config.chainsDir).values());
  const { dataflow, store } = await withLocalFaults(
    config,
    createDataflow(config),
    createStore(config),
  );
  return {
    projectId: config.projectId,
    chains,
    dataflow,
    store,
    clock: systemClock,
    logger: createCloudLogger(config.projectId),
    confirmDeadlineMs: config.confirmDeadlineMs,
    confirmPollMs: config.confirmPollMs,
  };
}
