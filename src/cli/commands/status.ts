import { Command } from 'commander';
import { styleFor } from '../follow-terminal.js';
import { statusCommand } from '../status.js';
import { watchStatus } from '../watch.js';
import { PROCESS_SCREEN, withStore, type Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { jsonOption } from './options.js';

interface Options {
  readonly json?: true;
  readonly graph?: true;
  readonly watch?: true;
}

/** `dfchain status RUN_ID`. */
export function status(cli: Cli): Command {
  const command = new Command('status')
    .summary('show a run from the store: its jobs, waits and timers')
    .description(
      `Show a run from the store: its jobs (ended, then in flight) and, while it runs, the state each scope waits in and the pending timers; a run or job waiting for a slot (MaxConcurrentRuns, DFCHAIN_MAX_ACTIVE_JOBS) shows its place in line.`,
    )
    .argument('<RUN_ID>', 'the run')
    .addOption(
      jsonOption(
        'print one JSON object {id, chain, status, input, output?, error?, startTime, endTime?, queued?, steps, scopes?, timers?}; queued is {pool, since, position} (1 = next)',
      ),
    )
    .option(
      '--graph',
      "add the Mermaid flowchart of the run's own definition, each state coloured by its status",
    )
    .option(
      '--watch',
      'show it again every 2 s until the run ends: redrawn in place on a terminal, else printed again when it changed (--json: one object per line)',
    )
    .action(async (runId: string, options: Options) => {
      const json = options.json === true;
      const graph = options.graph === true;
      cli.code = await withStore(cli, 'status', (store, where) =>
        options.watch
          ? watchStatus(
              store,
              { runId, json, graph, style: styleFor(cli.tty, json, cli.env), ...where },
              cli.screen ?? PROCESS_SCREEN,
              cli.out,
              cli.err,
            )
          : statusCommand(store, runId, { json, graph, ...where }, cli.out, cli.err),
      );
    });
  return withExitCodes(command, [
    [
      0,
      'the run is RUNNING, SUCCEEDED or CANCELLED (read its status); with --watch: it ended SUCCEEDED or CANCELLED',
    ],
    [
      1,
      'no such run, Firestore cannot be read (DFCHAIN_STORE=memory included: that store lives inside the function), or --graph without the definition in the store; with --watch: as soon as one render fails',
    ],
    [2, 'the run FAILED'],
  ]);
}
