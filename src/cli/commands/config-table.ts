import { Command } from 'commander';
import { configTable } from '../../settings.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';

/** `dfchain config-table`. */
export function configTableCommand(cli: Cli): Command {
  const command = new Command('config-table')
    .summary('print every environment variable dfchain reads, as a Markdown table')
    .description(
      "Print the configuration table (src/settings.ts) as Markdown: each environment variable, the dfchain option that overrides it, its default, who reads it (the function, the command, the local stack) and what it sets. The README's table between <!-- config-table:start --> and <!-- config-table:end --> is this output.",
    )
    .action(() => {
      configTable().forEach((line) => cli.out(line));
      cli.code = 0;
    });
  return withExitCodes(command, [[0, 'printed']]);
}
