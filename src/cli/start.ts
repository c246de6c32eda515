import { basename } from 'node:path';
import { didYouMean } from '../chain/did-you-mean.js';
import { loadChains } from '../chain/load.js';
import { ChainsInvalidError, ConfigError } from '../errors.js';
import { RUN_ID_PATTERN } from '../events/command.js';
import { derivedRunId } from '../handler/start.js';
import type { JsonObject } from '../json.js';
import {
  CLI_DEADLINE_MS,
  CliFailure,
  failureLine,
  withDeadline,
  type Endpoint,
} from './failure.js';

/** What `dfchain start` publishes. */
export interface StartOptions {
  readonly projectId: string;
  readonly topic: string;
  readonly chain: string;
  readonly runId?: string;
  readonly input: JsonObject;
  /** The chains folder the function was deployed with, where the chain must be. */
  readonly chainsDir: string;
}

/** Publishes one message to a topic; resolves to its message id. */
export interface Publisher {
  /** Where the messages go, for the error lines. */
  readonly endpoint: Endpoint;
  publish(topic: string, command: JsonObject): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real publisher (honours PUBSUB_EMULATOR_HOST). One attempt with a deadline, not the
 * library's retries for up to 600 s: a retried publish whose first try did arrive would start a
 * second run when no --run-id was given, and a person at a terminal retries better than a loop.
 */
export async function pubsubPublisher(projectId: string, endpoint: Endpoint): Promise<Publisher> {
  const { PubSub } = await import('@google-cloud/pubsub');
  const pubsub = new PubSub({ projectId });
  return {
    endpoint,
    publish: (topic, command) =>
      pubsub
        .topic(topic, {
          gaxOpts: { timeout: CLI_DEADLINE_MS, retry: null },
          batching: { maxMessages: 1 },
        })
        .publishMessage({ json: command }),
    close: () => pubsub.close(),
  };
}

/** The chain names of `dir`, as the function's cold start loads them; a CliFailure when it would not start. */
export function chainNames(dir: string): string[] {
  try {
    return [...loadChains(dir).keys()];
  } catch (error) {
    if (error instanceof ChainsInvalidError) {
      const files = error.errors.map((e) => basename(e.file)).join(', ');
      throw new CliFailure(
        `dfchain start: the chains folder "${dir}" has invalid chain files (${files}), with which the function does not start: dfchain validate --chains-dir ${dir} lists the problems`,
      );
    }
    if (error instanceof ConfigError) throw new CliFailure(`dfchain start: ${error.message}`);
    throw error;
  }
}

/**
 * Why the start cannot succeed, checked here rather than by the function: it acknowledges such
 * a command and only logs the refusal, so the person who typed it would never see it.
 */
export function refusal(
  options: Pick<StartOptions, 'chain' | 'runId' | 'chainsDir'>,
): string | undefined {
  const { runId, chain, chainsDir } = options;
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    return `dfchain start: --run-id ${JSON.stringify(runId)} is not a run id: use 1 to 63 lowercase letters, digits, "_" and "-", starting with a letter or digit (it becomes a Dataflow label value)`;
  }
  const names = chainNames(chainsDir);
  if (names.includes(chain)) return undefined;
  const guess = didYouMean(chain, names);
  const hint = guess === undefined ? '' : `did you mean "${guess}"? `;
  return `dfchain start: no chain "${chain}" in the chains folder "${chainsDir}" (chains: ${names.join(', ')}); ${hint}name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with`;
}

/**
 * `dfchain start CHAIN`: refuses an unknown chain or a malformed run id before publishing, then
 * publishes a start command on the events topic. Exit 0 when published; 1, with one line on
 * `err`, when refused or when Pub/Sub fails.
 */
export async function startCommand(
  options: StartOptions,
  connect: () => Promise<Publisher>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let refused: string | undefined;
  try {
    refused = refusal(options);
  } catch (error) {
    if (!(error instanceof CliFailure)) throw error;
    refused = error.message;
  }
  if (refused !== undefined) {
    err(refused);
    return 1;
  }
  const command = {
    dfchain: 'start',
    chain: options.chain,
    ...(options.runId ? { runId: options.runId } : {}),
    input: options.input,
  };
  const id = await publishCommand('start', options, command, connect, err);
  if (id === undefined) return 1;
  out(`published start of chain ${options.chain} as message ${id} on ${options.topic}`);
  // Without a run id the function derives one from the message id: the same rule, so it matches.
  out(`follow it: dfchain status ${options.runId ?? derivedRunId(options.chain, id)}`);
  return 0;
}

/**
 * Publishes one command of `dfchain <name>` on the events topic, once (a retried publish whose
 * first try arrived would be a second command), under the CLI's deadline. Resolves to the
 * message id, or undefined after one line on `err`.
 */
export async function publishCommand(
  name: string,
  where: { readonly projectId: string; readonly topic: string },
  command: JsonObject,
  connect: () => Promise<Publisher>,
  err: (line: string) => void,
): Promise<string | undefined> {
  const publisher = await connect();
  try {
    return await withDeadline(publisher.publish(where.topic, command));
  } catch (error) {
    err(
      failureLine(error, {
        command: name,
        endpoint: publisher.endpoint,
        projectId: where.projectId,
        topic: where.topic,
      }),
    );
    return undefined;
  } finally {
    // Closing waits for nothing the command needs: a hung channel must not hold the exit.
    void publisher.close().catch(() => undefined);
  }
}
