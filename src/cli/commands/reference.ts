import type { Command } from 'commander';
import { COMMON_EXIT_CODES, exitCodesOf } from './exit-codes.js';
import { buildProgram } from './program.js';
import { processCli } from './cli.js';

/** The width docs/cli.md's help blocks are wrapped to, whatever the terminal. */
const WIDTH = 100;

function help(command: Command): string {
  command.configureHelp({ helpWidth: WIDTH });
  return command
    .helpInformation()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd();
}

/**
 * docs/cli.md's generated part: the exit codes of every command in one table, then each
 * command's --help as it prints it. Read off the program, as --help and completion are.
 */
export function cliReference(program: Command): string[] {
  const rows = program.commands.flatMap((command) =>
    exitCodesOf(command).map(
      ([code, when]) => `| \`${command.name()}\` | ${code} | ${when.replace(/\|/g, '\\|')} |`,
    ),
  );
  const lines = [
    '## Exit codes',
    '',
    'Every command:',
    '',
    ...COMMON_EXIT_CODES.map(([code, when]) => `- ${code}: ${when}`),
    '',
    'And each its own:',
    '',
    '| Command | Exit | When |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Every command',
    '',
    '```text',
    help(program),
    '```',
    ...program.commands.flatMap((command) => [
      '',
      `### dfchain ${command.name()}`,
      '',
      '```text',
      help(command),
      '```',
    ]),
  ];
  // One line per element: the help blocks are several.
  return lines.join('\n').split('\n');
}

/** Prints the generated part of docs/cli.md (npx tsx -e "import('./src/cli/commands/reference.ts').then((m) => m.printReference())"). */
export function printReference(): void {
  console.log(cliReference(buildProgram(processCli())).join('\n'));
}
