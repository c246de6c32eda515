import { Command } from 'commander';
import { deployFactsCommand } from '../deploy-facts.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption, jsonOption } from './options.js';

/** `dfchain deploy-facts`. */
export function deployFacts(cli: Cli): Command {
  const command = new Command('deploy-facts')
    .summary('print the regions, service accounts and buckets to grant')
    .description(
      "Print what the folder's chains use and the deployment must grant: the regions, the service accounts and the buckets.",
    )
    .addOption(chainsDirOption())
    .addOption(jsonOption('print one JSON object'))
    .action((options: { chainsDir?: string; json?: true }) => {
      cli.code = deployFactsCommand(
        chainsDir(options.chainsDir, cli.env),
        options.json === true,
        cli.out,
      );
    });
  return withExitCodes(command, [
    [0, 'printed'],
    [1, 'a missing, empty or invalid chains folder'],
  ]);
}
