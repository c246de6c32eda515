import { Command } from 'commander';
import { redriveCommand } from '../redrive.js';
import { publisherFor, withStore, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { topicOption } from './options.js';

/** `dfchain redrive RUN_ID`. */
export function redrive(cli: Cli): Command {
  const command = new Command('redrive')
    .summary('resume a FAILED or CANCELLED run from the states that did not succeed')
    .description(
      `Check in the store that the run FAILED or was CANCELLED, then publish a redrive command: the function resumes the run from the states that did not succeed, with the input they had, keeping every job that succeeded (inside a Parallel or Map only the branches and items that failed or were stopped run again, as Step Functions' RedriveExecution does). $$.Execution.RedriveCount counts the redrives.`,
    )
    .argument('<RUN_ID>', 'the run to redrive')
    .addOption(topicOption())
    .action(async (runId: string, options: { topic?: string }) => {
      cli.code = await withStore(cli, 'redrive', (store) => {
        const { config, connect } = publisherFor(cli, 'redrive');
        return redriveCommand(
          { projectId: config.projectId, topic: options.topic ?? config.topic, runId },
          store,
          connect,
          cli.out,
          cli.err,
        );
      });
    });
  return withExitCodes(command, [
    [0, 'published'],
    [
      1,
      'a malformed run id, no such run, a run that is not FAILED or CANCELLED (or kept no state to resume from), Firestore cannot be read, or Pub/Sub fails',
    ],
  ]);
}
