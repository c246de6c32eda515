import { Command } from 'commander';
import { styleFor } from '../follow-terminal.js';
import { followRun } from '../follow-run.js';
import { redriveCommand } from '../redrive.js';
import { PROCESS_SCREEN, publisherFor, withStore, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { topicOption } from './options.js';

/** `dfchain redrive RUN_ID`. */
export function redrive(cli: Cli): Command {
  const command = new Command('redrive')
    .summary('resume a FAILED or CANCELLED run from the states that did not succeed')
    .description(
      `Check in the store that the run FAILED or was CANCELLED, then publish a redrive command: the function resumes the run from the states that did not succeed, with the input they had, keeping every job that succeeded (inside a Parallel or Map only the branches and items that failed or were stopped run again, as Step Functions' RedriveExecution does). $$.Execution.RedriveCount counts the redrives. --follow then shows the run live, from the moment the function redrove it until it ends.`,
    )
    .argument('<RUN_ID>', 'the run to redrive')
    .addOption(topicOption())
    .option('--follow', 'after publishing, show the redriven run live until it ends')
    .action(async (runId: string, options: { topic?: string; follow?: true }) => {
      cli.code = await withStore(cli, 'redrive', async (store, where) => {
        const { config, connect } = publisherFor(cli, 'redrive');
        // Read before publishing: the follow waits for the count after this one.
        const before = (await store.get(runId))?.redriveCount ?? 0;
        const code = await redriveCommand(
          { projectId: config.projectId, topic: options.topic ?? config.topic, runId },
          store,
          connect,
          cli.out,
          cli.err,
        );
        if (code !== 0 || options.follow !== true) return code;
        return followRun(
          store,
          {
            runId,
            command: 'redrive',
            style: styleFor(cli.tty, false, cli.env),
            ready: (view) => (view.redriveCount ?? 0) > before,
            awaiting: 'redrive',
            ...where,
          },
          cli.screen ?? PROCESS_SCREEN,
          cli.out,
          cli.err,
        );
      });
    });
  return withExitCodes(command, [
    [0, 'published; with --follow: the redriven run SUCCEEDED'],
    [
      1,
      'a malformed run id, no such run, a run that is not FAILED or CANCELLED (or kept no state to resume from), Firestore cannot be read, or Pub/Sub fails; with --follow: the function did not act on the redrive within 60 s',
    ],
    [2, 'with --follow: the redriven run FAILED again'],
    [3, 'with --follow: the redriven run was CANCELLED'],
  ]);
}
