import { Command } from 'commander';
import { sinkFilterCommand } from '../sink-filter.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption } from './options.js';

/** `dfchain sink-filter`. */
export function sinkFilter(cli: Cli): Command {
  const command = new Command('sink-filter')
    .summary("print the Log Router sink filter for the folder's chains")
    .description(
      "Print the Log Router sink filter that routes the Dataflow job-state log entries of the folder's chains to the events topic.",
    )
    .addOption(chainsDirOption())
    .action((options: { chainsDir?: string }) => {
      cli.code = sinkFilterCommand(chainsDir(options.chainsDir, cli.env), cli.out);
    });
  return withExitCodes(command, [
    [0, 'printed'],
    [1, 'a missing, empty or invalid chains folder'],
  ]);
}
