import { Command } from 'commander';
import { cancelCommand } from '../cancel.js';
import { publisherFor, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { topicOption } from './options.js';

/** `dfchain cancel RUN_ID`. */
export function cancel(cli: Cli): Command {
  const command = new Command('cancel')
    .summary('cancel a run (publish a cancel command)')
    .description(
      `Publish a cancel command: the function cancels the run's running jobs and ends it CANCELLED with error {"Error": "States.Cancelled", "Cause": TEXT}; a run that already ended stays as it is.`,
    )
    .argument('<RUN_ID>', 'the run to cancel')
    .option('--cause <TEXT>', "the run's error Cause (default: cancelled by a cancel command)")
    .addOption(topicOption())
    .action(async (runId: string, options: { cause?: string; topic?: string }) => {
      const { config, connect } = publisherFor(cli, 'cancel');
      cli.code = await cancelCommand(
        {
          projectId: config.projectId,
          topic: options.topic ?? config.topic,
          runId,
          ...(options.cause !== undefined ? { cause: options.cause } : {}),
        },
        connect,
        cli.out,
        cli.err,
      );
    });
  return withExitCodes(command, [
    [0, 'published'],
    [1, 'a malformed run id or --cause, or Pub/Sub fails'],
  ]);
}
