import { Command } from 'commander';
import { cancelCommand } from '../cancel.js';
import { styleFor } from '../follow-terminal.js';
import { followRun } from '../follow-run.js';
import { memoryStoreRefusal } from '../status-store.js';
import { PROCESS_SCREEN, publisherFor, withStore, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { topicOption } from './options.js';

interface Options {
  readonly cause?: string;
  readonly topic?: string;
  readonly follow?: true;
}

/** `dfchain cancel RUN_ID`. */
export function cancel(cli: Cli): Command {
  const command = new Command('cancel')
    .summary('cancel a run (publish a cancel command)')
    .description(
      `Publish a cancel command: the function cancels the run's running jobs and ends it CANCELLED with error {"Error": "States.Cancelled", "Cause": TEXT}; a run that already ended stays as it is. --follow then shows the run until it ends.`,
    )
    .argument('<RUN_ID>', 'the run to cancel')
    .option('--cause <TEXT>', "the run's error Cause (default: cancelled by a cancel command)")
    .addOption(topicOption())
    .option('--follow', 'after publishing, show the run until it ends')
    .action(async (runId: string, options: Options) => {
      // Refused before publishing: a cancel nobody could follow should not be sent for that.
      const refused = options.follow ? memoryStoreRefusal(cli.env, 'cancel --follow') : undefined;
      if (refused !== undefined) {
        cli.err(refused);
        cli.code = 1;
        return;
      }
      const { config, connect } = publisherFor(cli, 'cancel');
      const code = await cancelCommand(
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
      cli.code = code !== 0 || options.follow !== true ? code : await follow(cli, runId);
    });
  return withExitCodes(command, [
    [0, 'published; with --follow: the run ended CANCELLED'],
    [
      1,
      'a malformed run id or --cause, or Pub/Sub fails; with --follow: the run ended otherwise (it had ended before the cancel reached it), or the store cannot be read',
    ],
  ]);
}

/** How the followed run ended, by followRun's exit code, when not CANCELLED. */
const ENDED_OTHERWISE: Readonly<Record<number, string>> = { 0: 'SUCCEEDED', 2: 'FAILED' };

/** Follows the run until it ends; 0 when it ended CANCELLED, as the cancel asked. */
async function follow(cli: Cli, runId: string): Promise<number> {
  const code = await withStore(cli, 'cancel', (store, where) =>
    followRun(
      store,
      { runId, command: 'cancel', style: styleFor(cli.tty, false, cli.env), ...where },
      cli.screen ?? PROCESS_SCREEN,
      cli.out,
      cli.err,
    ),
  );
  if (code === 3) return 0;
  const ended = ENDED_OTHERWISE[code];
  if (ended !== undefined) {
    cli.err(`dfchain cancel: run ${runId} ended ${ended} before the cancel reached it`);
  }
  return 1;
}
