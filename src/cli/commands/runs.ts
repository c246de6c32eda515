import { Command } from 'commander';
import { runsCommand, runsQuery } from '../runs.js';
import { withStore, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { jsonOption } from './options.js';

interface Options {
  readonly chain?: string;
  readonly status?: string;
  readonly since?: string;
  readonly limit?: string;
  readonly json?: true;
}

/** `dfchain runs`. */
export function runs(cli: Cli): Command {
  const command = new Command('runs')
    .summary('list recent runs, newest first')
    .description(
      `List runs (not their Map items or branches) started since T, newest first: RUN ID, CHAIN, STATUS, STARTED, DURATION (so far while running), ERROR. A run waiting for its chain's MaxConcurrentRuns shows "QUEUED n", n its place in line (1 = next).`,
    )
    .option('--chain <C>', 'only runs of this chain')
    .option('--status <S>', 'only RUNNING, QUEUED, SUCCEEDED, FAILED or CANCELLED runs')
    .option('--since <T>', 'an ISO time, or a duration back from now: 30m, 2h, 3d (default: 24h)')
    .option('--limit <N>', 'at most N runs (default: 50)')
    .addOption(
      jsonOption(
        'print an array of {id, chain, status, startTime, endTime?, error?, queued?: {pool, since, position}}',
      ),
    )
    .action(async (options: Options) => {
      // Options first, then the memory store, then the configuration: each refusal its own line.
      const query = runsQuery(options, new Date());
      if (typeof query === 'string') {
        cli.err(query);
        cli.code = 1;
        return;
      }
      cli.code = await withStore(cli, 'runs', (store, where) =>
        runsCommand(store, query, { json: options.json === true, ...where }, cli.out, cli.err),
      );
    });
  return withExitCodes(command, [
    [0, 'listed (none included)'],
    [1, 'a bad option value, or Firestore cannot be read'],
  ]);
}
