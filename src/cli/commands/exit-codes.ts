import type { Command } from 'commander';

/** One exit code of a command and when it is returned. */
export type ExitCode = readonly [code: number, when: string];

/** The codes every command shares (usage errors are found before the command runs). */
export const COMMON_EXIT_CODES: readonly ExitCode[] = [
  [
    1,
    'an error: a bad option value, a missing argument, missing credentials, an endpoint that does not answer within 5 s, a missing or empty chains folder',
  ],
  [
    2,
    'a usage error: an unknown command or option, an extra argument (one line, with "did you mean")',
  ],
];

const TABLE = new WeakMap<Command, readonly ExitCode[]>();

/** Records `command`'s exit codes and shows them at the end of its --help. */
export function withExitCodes(command: Command, codes: readonly ExitCode[]): Command {
  TABLE.set(command, codes);
  const width = Math.max(...codes.map(([code]) => String(code).length));
  const lines = codes.map(([code, when]) => `  ${String(code).padStart(width)}  ${when}`);
  return command.addHelpText('after', `\nExit codes:\n${lines.join('\n')}`);
}

/** The exit codes recorded for `command` (none when it recorded none). */
export function exitCodesOf(command: Command): readonly ExitCode[] {
  return TABLE.get(command) ?? [];
}
