import { randomUUID } from 'node:crypto';
import { ChainCatalog } from './chain/catalog.js';
import { loadChains } from './chain/load.js';
import { systemClock } from './clock.js';
import type { Config } from './config.js';
import type { DataflowPort } from './dataflow/port.js';
import { ConfigError } from './errors.js';
import type { HandlerDeps } from './handler/deps.js';
import { lazily } from './lazy.js';
import { createCloudLogger } from './log/cloud-logging.js';
import type { Logger } from './log/port.js';
import { MemoryRunStore } from './store/memory.js';
import type { RunStore } from './store/port.js';
import type { StoragePort } from './storage/port.js';
import { createCloudTasksTimers } from './timers/cloud-tasks.js';
import { createLocalTimers } from './timers/local.js';
import { createPublisher } from './pubsub/client.js';
import type { CloudRunPort } from './cloudrun/port.js';
import type { TimerPort } from './timers/port.js';

function createStore(config: Config): RunStore {
  if (config.store === 'memory') return new MemoryRunStore();
  // Loaded at the first store call: the Firestore client is ~300 ms of a cold start, and a
  // foreign or malformed event never needs it.
  return lazily(async () => {
    const { Firestore } = await import('@google-cloud/firestore');
    const { FirestoreRunStore } = await import('./store/firestore.js');
    return new FirestoreRunStore(
      new Firestore({ projectId: config.projectId, databaseId: config.firestoreDatabase }),
    );
  });
}

function createStorage(config: Config): StoragePort {
  // Loaded at the first ItemReader read: most deliveries never read Cloud Storage.
  return lazily(async () =>
    (await import('./storage/gcs.js')).createStoragePort({ projectId: config.projectId }),
  );
}

function createDataflow(config: Config): DataflowPort {
  // Loaded at the first Dataflow call, for the same reason (~100 ms).
  return lazily(async () =>
    (await import('./dataflow/googleapis.js')).createDataflowPort({
      ...(config.dataflowRootUrl ? { rootUrl: config.dataflowRootUrl } : {}),
      timeoutMs: config.dataflowTimeoutMs,
    }),
  );
}

function createCloudRun(config: Config): CloudRunPort {
  // Loaded at the first Cloud Run call: a chain without run:job Tasks never pays for it.
  return lazily(async () =>
    (await import('./cloudrun/googleapis.js')).createCloudRunPort({
      ...(config.runRootUrl ? { rootUrl: config.runRootUrl } : {}),
      timeoutMs: config.dataflowTimeoutMs,
    }),
  );
}

/**
 * `DFCHAIN_TIMERS`: Cloud Tasks (deployed) or this process (the local stack). Both load their
 * Google client at the first timer, so a delivery that arms none pays nothing for it.
 */
export function createTimers(config: Config, logger: Logger): TimerPort {
  if (config.timers === 'local') {
    return createLocalTimers({ projectId: config.projectId, topic: config.topic, logger });
  }
  return createCloudTasksTimers({
    projectId: config.projectId,
    topic: config.topic,
    queue: config.tasksQueue,
    location: config.tasksLocation,
    serviceAccount: config.timerServiceAccount,
  });
}

/** Throws a ConfigError when `DFCHAIN_LOCAL_FAULTS` reaches the production entry. */
export function refuseLocalFaults(config: Config): void {
  if (config.localFaults === undefined) return;
  // Refused, not ignored: a deployment that carries the switch by mistake stops at once, and a
  // test that believes it injects faults through the wrong entry fails instead of proving nothing.
  throw new ConfigError(
    'DFCHAIN_LOCAL_FAULTS is set, but it is a local-stack testing switch served only by the local entry point (functions-framework --source=dist/local/faulty-function.js, which the local stack picks when the variable is set); unset it for the production entry',
  );
}

/**
 * Builds the real dependencies from configuration. Chains load first and synchronously, so an
 * invalid chain stops the function before it serves anything.
 */
export function createDeps(config: Config): HandlerDeps {
  refuseLocalFaults(config);
  const chains = new ChainCatalog(loadChains(config.chainsDir).values());
  const logger = createCloudLogger(config.projectId);
  return {
    projectId: config.projectId,
    chains,
    dataflow: createDataflow(config),
    store: createStore(config),
    storage: createStorage(config),
    timers: createTimers(config, logger),
    publisher: createPublisher(config.projectId),
    cloudRun: createCloudRun(config),
    clock: systemClock,
    logger,
    confirmDeadlineMs: config.confirmDeadlineMs,
    confirmPollMs: config.confirmPollMs,
    launchLeaseMs: config.launchLeaseMs,
    maxActiveJobs: config.maxActiveJobs,
    quotaRetryMs: config.quotaRetryMs,
    prices: config.prices,
    dataflowCallMs: config.dataflowTimeoutMs,
    newToken: randomUUID,
    newNonce: randomUUID,
    ...(config.workerServiceAccount ? { workerServiceAccount: config.workerServiceAccount } : {}),
  };
}
