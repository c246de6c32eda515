import type { Endpoint } from '../cli/failure.js';
import type { Publisher } from '../cli/start.js';
import type { PriceTable } from '../cost/prices.js';
import type { RunStore } from '../store/port.js';
import type { ChangeFeed } from './feed.js';

/** What every handler of the console reads and calls. */
export interface ConsoleContext {
  readonly store: RunStore;
  /** Where the store's calls go, for the messages of a failed read. */
  readonly storeEndpoint: Endpoint;
  /** Wakes the live views when the store changes. */
  readonly feed: ChangeFeed;
  readonly projectId: string;
  /** The chains folder the Chains page and the runs filter read. */
  readonly chainsDir: string;
  readonly prices: PriceTable;
  /** Cancel and redrive publish only when true (`--allow-actions`). */
  readonly allowActions: boolean;
  /** A publisher for one command on the function's events topic (as `dfchain cancel` uses). */
  readonly connect: () => Promise<Publisher>;
  /** The function's events topic, where commands go. */
  readonly topic: string;
  readonly now: () => Date;
  readonly version: string;
}
