import { ChainCatalog } from './chain/catalog.js';
import { loadChains } from './chain/load.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import { createDataflowPort } from './dataflow/googleapis.js';
import type { HandlerDeps } from './handler/deps.js';
import { createCloudLogger } from './log/cloud-logging.js';
import { MemoryRunStore } from './store/memory.js';
import type { RunStore } from './store/port.js';

async function createStore(config: Config): Promise<RunStore> {
  if (config.store === 'memory') return new MemoryRunStore();
  // Loaded only when used: the Firestore client is a large part of a cold start.
  const { Firestore } = await import('@google-cloud/firestore');
  const { FirestoreRunStore } = await import('./store/firestore.js');
  return new FirestoreRunStore(new Firestore({ projectId: config.projectId }));
}

/**
 * Builds the real dependencies from configuration. Chains load first and synchronously, so an
 * invalid chain stops the function before it serves anything.
 */
export async function createDeps(config: Config): Promise<HandlerDeps> {
  const chains = new ChainCatalog(loadChains(config.chainsDir).values());
  return {
    projectId: config.projectId,
    chains,
    dataflow: createDataflowPort(config.dataflowRootUrl ? { rootUrl: config.dataflowRootUrl } : {}),
    store: await createStore(config),
    clock: systemClock,
    logger: createCloudLogger(config.projectId),
    confirmDeadlineMs: config.confirmDeadlineMs,
  };
}
