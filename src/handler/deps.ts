import type { PriceTable } from '../cost/prices.js';
import type { ChainCatalog } from '../chain/catalog.js';
import type { Clock } from '../clock.js';
import type { DataflowPort } from '../dataflow/port.js';
import type { Logger } from '../log/port.js';
import type { PublishPort } from '../pubsub/port.js';
import type { CloudRunPort } from '../cloudrun/port.js';
import type { Transition } from '../engine/transition.js';
import type { RunStore } from '../store/port.js';
import type { StoragePort } from '../storage/port.js';
import type { TimerPort } from '../timers/port.js';
import type { RunWriteQueue } from './coalesce.js';
import type { TickLimits } from './tick-limits.js';

/** Everything the handler talks to, injected so tests and the local stack can swap any of it. */
export interface HandlerDeps {
  readonly projectId: string;
  readonly chains: ChainCatalog;
  readonly dataflow: DataflowPort;
  readonly store: RunStore;
  /** Publishes the messages of `pubsub:publish…` Tasks (absent: such a Task cannot run). */
  readonly publisher?: PublishPort;
  /** Runs the executions of `run:job` Tasks (absent: such a Task cannot run). */
  readonly cloudRun?: CloudRunPort;
  /** Cloud Storage, for the ItemReader of a Map (src/handler/read-items.ts). */
  readonly storage: StoragePort;
  /** Delivers the run's timers (Wait, Retry intervals, timeouts) to the topic when due. */
  readonly timers: TimerPort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly confirmDeadlineMs: number;
  /** Longest wait between two `jobs.get` calls while confirming a job ended. */
  readonly confirmPollMs: number;
  /** Bounds of one `tick`; defaults to TICK_LIMITS. */
  readonly tickLimits?: TickLimits;
  /** How long a launch intent belongs to the invocation holding it (see LaunchLease). */
  readonly launchLeaseMs: number;
  /** Longest a Dataflow call may take (the client's timeout): a launch starts only if it fits. */
  readonly dataflowCallMs: number;
  /** A fresh random token naming one delivery as a lease holder. */
  readonly newToken: () => string;
  /** A fresh random nonce for a new run's job names. */
  readonly newNonce: () => string;
  /** Workers' account for Tasks that name none (DFCHAIN_WORKER_SERVICE_ACCOUNT). */
  readonly workerServiceAccount?: string;
  /** Most active jobs per project (DFCHAIN_MAX_ACTIVE_JOBS); absent or 0: no budget. */
  readonly maxActiveJobs?: number;
  /** First wait after a launch refused for quota (DFCHAIN_QUOTA_RETRY_SECONDS); doubled after. */
  readonly quotaRetryMs?: number;
  /** Prices of the cost on the run's end line (DFCHAIN_PRICES); absent: the built-in table. */
  readonly prices?: PriceTable;
}

/** The dependencies of one delivery, with the token that names it as a lease holder. */
export interface Invocation extends HandlerDeps {
  readonly owner: string;
  /**
   * Intents this delivery leased (run id → job names) for which it has not started a launch
   * call: if the delivery fails, nothing of it can be in flight, so their leases are given back.
   */
  readonly uncalled: Map<string, Set<string>>;
  /** This delivery's writes of runs, joined while one of the same run is in flight. */
  readonly writes: RunWriteQueue;
  /**
   * Carries out a committed transition's Map item parts (src/handler/parts.ts): injected, since
   * creating a part carries out its own launches, and the launch executor calls this in turn.
   */
  readonly carryOutParts: (inv: Invocation, transition: Transition) => Promise<void>;
  /**
   * Admits waiters of the pools a committed transition freed a slot of or joined the line of
   * (src/handler/admit-waiting.ts): injected, since admitting carries out effects in turn.
   */
  readonly admitAfter: (inv: Invocation, transition: Transition) => Promise<void>;
  /**
   * Reads the items a committed transition's Maps asked for (src/handler/read-items.ts):
   * injected, since handing the items to the Map carries out effects in turn.
   */
  readonly carryOutReads: (inv: Invocation, transition: Transition) => Promise<void>;
}
