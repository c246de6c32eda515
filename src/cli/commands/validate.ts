import { Command } from 'commander';
import { parseConfig } from '../../config.js';
import { readInputOption } from '../input-option.js';
import { dryRunPortFor, validateRemoteCommand } from '../validate-remote.js';
import { validateCommand } from '../validate.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption, jsonOption } from './options.js';

interface Options {
  readonly chainsDir?: string;
  readonly json?: true;
  readonly remote?: true;
  readonly input?: string;
}

/** `dfchain validate [--remote] [FILE...]`. */
export function validate(cli: Cli): Command {
  const command = new Command('validate')
    .summary('check chain files as the function does (--remote: and as Dataflow does)')
    .description(
      `Check the chain files given (a chain's name is its file name without .json), or without FILE every chain in the folder, as the function's cold start does. Prints one line per problem on stdout, "FILE: JSON.PATH: message" ((root) for the whole file); paths that cannot be checked before the run are warnings on stderr, "FILE: JSON.PATH: warning: message".

With --remote, when every chain is valid, also resolves each Task's Parameters with the input (the run input, taken as every state's input; a Map's first item) and asks Dataflow to validate its launch without running it (validateOnly): one line per refusal, "FILE: JSON.PATH: Dataflow refused: message"; places that read what an earlier state produces are warnings on stderr ("cannot resolve without running: PATH"). --remote needs GOOGLE_CLOUD_PROJECT and Application Default Credentials, or DFCHAIN_DATAFLOW_ROOT_URL (the local simulator).`,
    )
    .argument('[FILE...]', 'chain files (default: every chain of the folder)')
    .addOption(chainsDirOption())
    .option('--remote', 'also ask Dataflow to validate each Task launch (validateOnly)')
    .option('--input <JSON|@FILE>', 'with --remote: the run input (default: {})')
    .addOption(
      jsonOption('print {"valid", "problems": [{"file", "path", "message"}], "warnings": [...]}'),
    )
    .action(async (files: string[], options: Options) => {
      cli.code = await run(cli, files, options);
    });
  return withExitCodes(command, [
    [0, 'every chain is valid (warnings or not); with --remote, Dataflow accepted every Task'],
    [1, 'a chain is invalid, Dataflow refused a Task, or an error'],
  ]);
}

async function run(cli: Cli, files: string[], values: Options): Promise<number> {
  const options = { dir: chainsDir(values.chainsDir, cli.env), files, json: values.json === true };
  if (!values.remote) return validateCommand(options, cli.out, cli.err);
  // Read before any call, so a bad --input or environment fails at once.
  const input = readInputOption(values.input);
  const config = parseConfig(cli.env);
  return validateRemoteCommand(
    {
      ...options,
      input,
      projectId: config.projectId,
      ...(config.workerServiceAccount ? { workerServiceAccount: config.workerServiceAccount } : {}),
    },
    await dryRunPortFor(config),
    cli.out,
    cli.err,
  );
}
