import { Command } from 'commander';
import { startCommand } from '../start.js';
import { parseInput, publisherFor, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDirOption, topicOption } from './options.js';

interface Options {
  readonly runId?: string;
  readonly input?: string;
  readonly topic?: string;
  readonly chainsDir?: string;
}

/** `dfchain start CHAIN`. */
export function start(cli: Cli): Command {
  const command = new Command('start')
    .summary('start a run of a chain (publish a start command)')
    .description(
      `Publish a start command (PUBSUB_EMULATOR_HOST honoured) on the events topic and print the run id. Refused before publishing: a CHAIN not in the chains folder (did you mean…), a run id not of 1-63 lowercase letters, digits, _ and -.`,
    )
    .argument('<CHAIN>', 'a chain of the chains folder the function was deployed with')
    .option('--run-id <ID>', 'the run id (default: derived from the message id)')
    .option('--input <JSON>', 'the run input, a JSON object (default: {})')
    .addOption(topicOption())
    .addOption(chainsDirOption())
    .action(async (chain: string, options: Options) => {
      const { config, connect } = publisherFor(cli, 'start');
      cli.code = await startCommand(
        {
          projectId: config.projectId,
          // The function's own setting (DFCHAIN_TOPIC, default dfchain-events) unless told.
          topic: options.topic ?? config.topic,
          chain,
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
          input: parseInput(options.input),
          chainsDir: options.chainsDir ?? config.chainsDir,
        },
        connect,
        cli.out,
        cli.err,
      );
    });
  return withExitCodes(command, [
    [0, 'published'],
    [1, 'refused (unknown chain, bad run id), the topic does not exist, or Pub/Sub fails'],
  ]);
}
