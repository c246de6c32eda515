import type { ChainCatalog } from '../chain/catalog.js';
import type { Clock } from '../clock.js';
import type { DataflowPort } from '../dataflow/port.js';
import type { Logger } from '../log/port.js';
import type { RunStore } from '../store/port.js';
import type { TickLimits } from './tick-limits.js';

/** Everything the handler talks to, injected so tests and the local stack can swap any of it. */
export interface HandlerDeps {
  readonly projectId: string;
  readonly chains: ChainCatalog;
  readonly dataflow: DataflowPort;
  readonly store: RunStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly confirmDeadlineMs: number;
  /** Longest wait between two `jobs.get` calls while confirming a job ended. */
  readonly confirmPollMs: number;
  /** Bounds of one `tick`; defaults to TICK_LIMITS. */
  readonly tickLimits?: TickLimits;
}
