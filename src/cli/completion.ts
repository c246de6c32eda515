import type { Command } from 'commander';

/** An option as a completion script offers it. */
export interface CompletionOption {
  /** `--chains-dir`. */
  readonly long?: string;
  /** `-h`. */
  readonly short?: string;
  readonly takesValue: boolean;
  /** What its value is: a folder (`<DIR>`), a file (`<FILE>`), one of `choices`, or anything. */
  readonly value?: 'dir' | 'file';
  readonly choices?: readonly string[];
  readonly description: string;
}

/** A positional argument: a chain's name (`CHAIN`), a file (`FILE`), one of choices, or anything. */
export interface CompletionArgument {
  readonly name: string;
  readonly kind: 'chain' | 'file' | 'choice' | 'none';
  readonly choices?: readonly string[];
  readonly variadic: boolean;
}

/** A command as a completion script offers it. */
export interface CompletionCommand {
  readonly name: string;
  readonly summary: string;
  readonly options: readonly CompletionOption[];
  readonly args: readonly CompletionArgument[];
}

const HELP: CompletionOption = {
  long: '--help',
  short: '-h',
  takesValue: false,
  description: 'display help for command',
};

function option(o: Command['options'][number]): CompletionOption {
  const value = /<DIR>/.test(o.flags) ? 'dir' : /<FILE>/.test(o.flags) ? 'file' : undefined;
  return {
    ...(o.long !== undefined ? { long: o.long } : {}),
    ...(o.short !== undefined ? { short: o.short } : {}),
    takesValue: o.required || o.optional,
    ...(value !== undefined ? { value } : {}),
    ...(o.argChoices ? { choices: o.argChoices } : {}),
    description: o.description,
  };
}

function argument(a: Command['registeredArguments'][number]): CompletionArgument {
  const name = a.name();
  const kind = a.argChoices
    ? 'choice'
    : name === 'CHAIN'
      ? 'chain'
      : name === 'FILE'
        ? 'file'
        : 'none';
  return {
    name,
    kind,
    ...(a.argChoices ? { choices: a.argChoices } : {}),
    variadic: a.variadic,
  };
}

/**
 * The commands of `program` as completion scripts need them, read from commander's own tree
 * (so a command or option added there is completed without more): each command's options
 * (with -h/--help, which commander adds itself) and arguments, and `help COMMAND`.
 */
export function completionModel(program: Command): CompletionCommand[] {
  const commands: CompletionCommand[] = program.commands.map((command) => ({
    name: command.name(),
    summary: command.summary() || command.description().split('\n')[0] || '',
    options: [...command.options.filter((o) => !o.hidden).map(option), HELP],
    args: command.registeredArguments.map(argument),
  }));
  const names = commands.map((c) => c.name);
  return [
    ...commands,
    {
      name: 'help',
      summary: 'display help for command',
      options: [],
      args: [{ name: 'COMMAND', kind: 'choice', choices: names, variadic: false }],
    },
  ];
}

/** The options of the program itself (before a command): -h/--help. */
export const PROGRAM_OPTIONS: readonly CompletionOption[] = [HELP];

/** The flags of an option, long first. */
export function flagsOf(option: CompletionOption): string[] {
  return [option.long, option.short].filter((f): f is string => f !== undefined);
}
