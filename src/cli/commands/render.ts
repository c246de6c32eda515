import { Command } from 'commander';
import { renderCommand } from '../render.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption, jsonOption } from './options.js';

interface Options {
  readonly chainsDir?: string;
  readonly input?: string;
  readonly state?: string;
  readonly runId?: string;
  readonly json?: true;
}

/** `dfchain render CHAIN`. */
export function render(cli: Cli): Command {
  const command = new Command('render')
    .summary('print the launch each Task would make, offline')
    .description(
      `Print the launch each Task would make (or only Task S, by name or as Fan[0]/S), with no credentials and no network, and launch nothing: resource, project, region, job name prefix (the suffix is new for each run and attempt), dfchain's labels and the full request body, every .$ resolved with the input as each state's input (a Map's first item); what reads an earlier state's result shows as <unresolved: PATH (why)>.`,
    )
    .argument('<CHAIN>', "a chain's name in the chains folder, or a chain file")
    .addOption(chainsDirOption())
    .option('--input <JSON|@FILE>', 'the run input (default: {})')
    .option('--state <S>', 'only this Task (a name, or Fan[0]/S)')
    .option('--run-id <ID>', 'the run id the labels show (default: a placeholder)')
    .addOption(
      jsonOption(
        'print an array of {state, scope?, resource, projectId, location, jobNamePrefix, labels, request, unresolved}',
      ),
    )
    .action((chain: string, options: Options) => {
      cli.code = renderCommand(
        {
          chain,
          dir: chainsDir(options.chainsDir, cli.env),
          input: options.input,
          state: options.state,
          runId: options.runId,
          json: options.json === true,
          env: cli.env,
        },
        cli.out,
        cli.err,
      );
    });
  return withExitCodes(command, [
    [0, 'printed'],
    [1, 'an unknown or invalid chain, a bad --state or --input'],
  ]);
}
