import type { PriceTable } from '../../cost/prices.js';
import { parseConfig, type Config } from '../../config.js';
import type { JsonObject } from '../../json.js';
import type { RunStore } from '../../store/port.js';
import { readInputOption } from '../input-option.js';
import { endpointOf, type Endpoint, type FailureContext } from '../failure.js';
import type { Screen } from '../follow-terminal.js';
import { pubsubPublisher, type Publisher } from '../start.js';
import { cliFirestore, memoryStoreRefusal } from '../status-store.js';

/** What every command gets: where it prints, and where it leaves its exit code. */
export interface Cli {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colour, spinners and redraws only then). */
  readonly tty: boolean;
  /** Stdout as a stream, for the redraws of --follow and --watch; the process's when absent. */
  readonly screen?: Screen;
  /** The exit code the command's action set. */
  code: number;
  /** What the running command calls, for the line a missing-credentials rejection prints. */
  credentialsContext?: FailureContext;
}

/** A Cli that prints to the process's stdout and stderr. */
export function processCli(): Cli {
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
    tty: process.stdout.isTTY === true,
    screen: PROCESS_SCREEN,
    code: 0,
  };
}

/** The process's stdout as a Screen. */
export const PROCESS_SCREEN: Screen = {
  write: (text) => void process.stdout.write(text),
  // 0 or undefined where the terminal does not tell (some ptys): assume the usual 80.
  columns: () => process.stdout.columns || 80,
  rows: () => process.stdout.rows || Infinity,
};

/** `--input JSON|@FILE` of start: a JSON object, or {} when not given (readInputOption). */
export function parseInput(text: string | undefined): JsonObject {
  return readInputOption(text);
}

/** The configuration and a Pub/Sub publisher for a command that publishes (start, cancel). */
export function publisherFor(
  cli: Cli,
  command: string,
): { config: Config; connect: () => Promise<Publisher> } {
  const config = parseConfig(cli.env);
  const endpoint = endpointOf('pubsub', cli.env);
  cli.credentialsContext = { command, endpoint, projectId: config.projectId };
  return { config, connect: () => pubsubPublisher(config.projectId, endpoint) };
}

/** Where a store-reading command's calls go, for its failure lines. */
export interface StoreWhere {
  readonly endpoint: Endpoint;
  readonly projectId: string;
  /** DFCHAIN_PRICES, for the cost `status` shows. */
  readonly prices: PriceTable;
}

/**
 * Runs a command that reads the store (status, runs): refused in one line with the memory
 * store (before parseConfig: no project setting would make it work), the Firestore client
 * closed without waiting once the command returns (a hung channel must not hold the exit).
 */
export async function withStore(
  cli: Cli,
  command: string,
  use: (store: RunStore, where: StoreWhere) => Promise<number>,
): Promise<number> {
  const refused = memoryStoreRefusal(cli.env, command);
  if (refused !== undefined) {
    cli.err(refused);
    return 1;
  }
  const config = parseConfig(cli.env);
  const endpoint = endpointOf('firestore', cli.env);
  cli.credentialsContext = { command, endpoint, projectId: config.projectId };
  const store = await cliFirestore(config);
  try {
    return await use(store, { endpoint, projectId: config.projectId, prices: config.prices });
  } finally {
    void store.close().catch(() => undefined);
  }
}
