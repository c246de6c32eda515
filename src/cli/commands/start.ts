import { Command } from 'commander';
import { derivedRunId } from '../../handler/start.js';
import { styleFor } from '../follow-terminal.js';
import { followRun } from '../follow-run.js';
import { CliFailure } from '../failure.js';
import { refusal, startCommand, type Publisher } from '../start.js';
import { memoryStoreRefusal } from '../status-store.js';
import { parseInput, PROCESS_SCREEN, publisherFor, withStore, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption, topicOption } from './options.js';
import { startLocal } from './start-local.js';

interface Options {
  readonly runId?: string;
  readonly input?: string;
  readonly topic?: string;
  readonly chainsDir?: string;
  readonly follow?: true;
  readonly local?: true;
}

/** `dfchain start CHAIN`. */
export function start(cli: Cli): Command {
  const command = new Command('start')
    .summary('start a run of a chain (--follow: and show it live until it ends)')
    .description(
      `Publish a start command (PUBSUB_EMULATOR_HOST honoured) on the events topic and print the run id. Refused before publishing: a CHAIN not in the chains folder (did you mean…), a run id not of 1-63 lowercase letters, digits, _ and -.

--follow then shows the run live until it ends, reading the store every second (as dfchain status does): the states entered, the jobs launched and ended with their durations, the end. On a terminal a line under them, redrawn in place with a spinner, says what the run waits for; otherwise only the changes are printed. Ctrl-C stops following, not the run.

--local runs the chain on the local stack instead, as npm start -- --chain CHAIN does (the Pub/Sub and Firestore emulators when installed, the Dataflow simulator, functions-framework), prints its lines as they come and stops the stack when the run ends.`,
    )
    .argument('<CHAIN>', 'a chain of the chains folder the function was deployed with')
    .option('--run-id <ID>', 'the run id (default: derived from the message id)')
    .option(
      '--input <JSON|@FILE>',
      'the run input, a JSON object or @FILE holding one (default: {}; with --local: {"date": today})',
    )
    .addOption(topicOption())
    .addOption(chainsDirOption())
    .option('--follow', 'after publishing, show the run live until it ends')
    .option('--local', 'run it on the local stack (npm start) and follow it')
    .action(async (chain: string, options: Options) => {
      cli.code = options.local
        ? await local(cli, chain, options)
        : await publish(cli, chain, options);
    });
  return withExitCodes(command, [
    [0, 'published; with --follow or --local: the run SUCCEEDED'],
    [
      1,
      'refused (unknown chain, bad run id), the topic does not exist, Pub/Sub fails; with --follow: the store cannot be read or the run never appears; with --local: the stack did not start or the function refused the start',
    ],
    [2, 'with --follow or --local: the run FAILED'],
    [3, 'with --follow: the run was CANCELLED'],
    [130, 'with --local: stopped by Ctrl-C (143: by SIGTERM)'],
  ]);
}

async function publish(cli: Cli, chain: string, options: Options): Promise<number> {
  // Refused before publishing: a run nobody could follow should not be started for that.
  const refused = options.follow ? memoryStoreRefusal(cli.env, 'start --follow') : undefined;
  if (refused !== undefined) {
    cli.err(refused);
    return 1;
  }
  const { config, connect } = publisherFor(cli, 'start');
  let messageId: string | undefined;
  // The message id names the run when no --run-id does (the function's rule, derivedRunId).
  const recording = async (): Promise<Publisher> => {
    const publisher = await connect();
    return {
      endpoint: publisher.endpoint,
      publish: async (topic, message) => (messageId = await publisher.publish(topic, message)),
      close: () => publisher.close(),
    };
  };
  const code = await startCommand(
    {
      projectId: config.projectId,
      // The function's own setting (DFCHAIN_TOPIC, default dfchain-events) unless told.
      topic: options.topic ?? config.topic,
      chain,
      ...(options.runId !== undefined ? { runId: options.runId } : {}),
      input: parseInput(options.input),
      chainsDir: options.chainsDir ?? config.chainsDir,
    },
    recording,
    cli.out,
    cli.err,
  );
  if (code !== 0 || !options.follow || messageId === undefined) return code;
  const runId = options.runId ?? derivedRunId(chain, messageId);
  return withStore(cli, 'start', (store, where) =>
    followRun(
      store,
      { runId, command: 'start', style: styleFor(cli.tty, false, cli.env), ...where },
      cli.screen ?? PROCESS_SCREEN,
      cli.out,
      cli.err,
    ),
  );
}

async function local(cli: Cli, chain: string, options: Options): Promise<number> {
  const ignored = [
    options.runId !== undefined ? '--run-id (npm start names its run)' : undefined,
    options.topic !== undefined ? '--topic (the stack has its own)' : undefined,
  ].filter((o) => o !== undefined);
  if (ignored.length > 0) {
    cli.err(`dfchain start --local: drop ${ignored.join(' and ')}`);
    return 1;
  }
  // The same reading as without --local (an object, or @FILE), handed on as JSON text.
  const input = options.input !== undefined ? JSON.stringify(parseInput(options.input)) : undefined;
  const dir = chainsDir(options.chainsDir, cli.env);
  // An unknown chain is refused as without --local (did you mean…), before any emulator starts.
  const refused = localRefusal(chain, dir);
  if (refused !== undefined) {
    cli.err(refused);
    return 1;
  }
  return startLocal(cli, { chain, chainsDir: dir, ...(input !== undefined ? { input } : {}) });
}

/** start's own refusal of `chain` in `dir`; an invalid folder is left to npm start, which lists its problems. */
function localRefusal(chain: string, dir: string): string | undefined {
  try {
    return refusal({ chain, chainsDir: dir });
  } catch (error) {
    if (error instanceof CliFailure) return undefined;
    throw error;
  }
}
