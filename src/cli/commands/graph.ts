import { Command, Option } from 'commander';
import { graphCommand } from '../graph.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption } from './options.js';

/** `dfchain graph CHAIN`. */
export function graph(cli: Cli): Command {
  const command = new Command('graph')
    .summary('print the chain as a Mermaid flowchart or a Graphviz digraph')
    .description(
      `Print the chain as a picture: a Mermaid flowchart (default) or a Graphviz digraph, one node per state, Parallel branches and Map item processors as nested subgraphs, Choice rules, Catch (dashed) and Retry drawn.`,
    )
    .argument('<CHAIN>', "a chain's name in the chains folder, or a chain file")
    // No choices here: graphCommand's own refusal names the formats (exit 1, as always).
    .addOption(new Option('--format <FORMAT>', 'mermaid or dot (default: mermaid)'))
    .addOption(chainsDirOption())
    .action((chain: string, options: { chainsDir?: string; format?: string }) => {
      cli.code = graphCommand(
        { chain, dir: chainsDir(options.chainsDir, cli.env), format: options.format },
        cli.out,
        cli.err,
      );
    });
  return withExitCodes(command, [
    [0, 'printed'],
    [1, 'an unknown or invalid chain, or a bad --format'],
  ]);
}
