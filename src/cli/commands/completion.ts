import { Argument, Command } from 'commander';
import { bashScript } from '../completion-bash.js';
import { fishScript } from '../completion-fish.js';
import { zshScript } from '../completion-zsh.js';
import { completionModel } from '../completion.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;
type Shell = keyof typeof SCRIPTS;

/** `dfchain completion bash|zsh|fish`. */
export function completion(cli: Cli): Command {
  const command = new Command('completion')
    .summary('print the shell completion script (bash, zsh or fish)')
    .description(
      'Print a completion script for the shell: commands, their options and, for a CHAIN, the chain names of the chains folder (--chains-dir on the line, else DFCHAIN_CHAINS_DIR, else dag). The script is generated from the commands themselves: print it again after an upgrade.',
    )
    .addArgument(new Argument('<SHELL>', 'bash, zsh or fish').choices(Object.keys(SCRIPTS)))
    .addHelpText(
      'after',
      `
Install:
  bash  in ~/.bashrc:   source <(dfchain completion bash)
        or once:        dfchain completion bash > ~/.local/share/bash-completion/completions/dfchain
  zsh   in ~/.zshrc:    source <(dfchain completion zsh)      (after compinit, if you call it)
  fish  once:           dfchain completion fish > ~/.config/fish/completions/dfchain.fish
Inside the project, use npx dfchain where dfchain is not on the PATH.`,
    )
    .action((shell: Shell, _options: unknown, self: Command) => {
      // The root is known once parsed: the script is read off the very tree that parsed.
      const root = self.parent ?? self;
      cli.out(SCRIPTS[shell](completionModel(root)).replace(/\n$/, ''));
      cli.code = 0;
    });
  return withExitCodes(command, [
    [0, 'printed'],
    [1, 'a shell other than bash, zsh or fish'],
  ]);
}
