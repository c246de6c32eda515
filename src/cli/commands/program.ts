import { Command, CommanderError } from 'commander';
import { backfill } from '../backfill-command.js';
import { cancel } from './cancel.js';
import type { Cli } from './cli.js';
import { completion } from './completion.js';
import { configTableCommand } from './config-table.js';
import { consoleCommand } from './console.js';
import { deployFacts } from './deploy-facts.js';
import { COMMON_EXIT_CODES } from './exit-codes.js';
import { graph } from './graph.js';
import { logs } from './logs.js';
import { redrive } from './redrive.js';
import { render } from './render.js';
import { runs } from './runs.js';
import { sinkFilter } from './sink-filter.js';
import { start } from './start.js';
import { status } from './status.js';
import { validate } from './validate.js';

/**
 * The commands, in the order `dfchain --help` lists them. Adding one: a module under
 * src/cli/commands/ exporting `(cli: Cli) => Command` (see status.ts), and its name here.
 */
const COMMANDS: readonly ((cli: Cli) => Command)[] = [
  validate,
  render,
  graph,
  sinkFilter,
  deployFacts,
  start,
  backfill,
  cancel,
  redrive,
  status,
  runs,
  logs,
  consoleCommand,
  configTableCommand,
  completion,
];

/** Commander's codes of the errors that are the typist's: exit 2, as a missing command. */
const USAGE_ERRORS = new Set([
  'commander.unknownCommand',
  'commander.unknownOption',
  'commander.excessArguments',
  'commander.help',
]);

/**
 * Commander's error text as one line: `dfchain start: unknown option '--folow' (did you mean
 * --follow?); dfchain start --help lists its options`.
 */
export function errorLine(path: string, text: string): string {
  const [first = '', ...rest] = text
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const hint = rest.map((line) => line.replace(/^\(Did you mean/, '(did you mean')).join(' ');
  // Commander ends some of its messages with a full stop; the line goes on after it.
  const what = first.replace(/\.$/, '');
  return `${path}: ${what}${hint ? ` ${hint}` : ''}; ${path} --help shows the usage`;
}

/** The dfchain program: every command, its help, and errors as one line each. */
export function buildProgram(cli: Cli, commands = COMMANDS): Command {
  const program = new Command('dfchain')
    .description(
      'Chain Google Cloud Dataflow jobs with a Cloud Function driven by a chain file (States Language). Configuration comes from the same environment as the function: dfchain config-table lists it.',
    )
    .usage('<command> [options]')
    .addHelpText(
      'after',
      `\nExit codes: each command's --help lists its own; every command exits\n${COMMON_EXIT_CODES.map(([code, when]) => `  ${code}  ${when}`).join('\n')}`,
    );
  for (const make of commands) program.addCommand(make(cli));
  for (const command of [program, ...program.commands]) {
    const path = command === program ? 'dfchain' : `dfchain ${command.name()}`;
    command
      .configureOutput({
        writeOut: (text) => cli.out(text.replace(/\n$/, '')),
        writeErr: (text) => cli.err(text.replace(/\n$/, '')),
        outputError: (text, write) => write(errorLine(path, text)),
      })
      .exitOverride()
      .showSuggestionAfterError(true);
  }
  return program;
}

/** Runs `argv` (without node and the script) through `program`; resolves to the exit code. */
export async function runProgram(
  program: Command,
  cli: Cli,
  argv: readonly string[],
): Promise<number> {
  if (argv.length === 0) {
    // As before: the usage on stdout, exit 2 (nothing was asked for).
    cli.out(program.helpInformation().replace(/\n$/, ''));
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return cli.code;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    return USAGE_ERRORS.has(error.code) ? 2 : 1;
  }
}
