import { Command } from 'commander';
import { backfillCommand, INTERRUPTED } from './backfill.js';
import { processBackfillIo } from './backfill-io.js';
import { DEFAULT_CONCURRENCY, MAX_BACKFILL_TICKS, MAX_CONCURRENCY } from './backfill-plan.js';
import { publisherFor, withStore, type Cli } from './commands/cli.js';
import { withExitCodes } from './commands/exit-codes.js';
import { chainsDirOption, jsonOption, topicOption } from './commands/options.js';

interface Options {
  readonly from?: string;
  readonly to?: string;
  readonly concurrency?: string;
  readonly inputTemplate?: string;
  readonly topic?: string;
  readonly chainsDir?: string;
  readonly json?: boolean;
}

/**
 * `dfchain backfill CHAIN --from DATE --to DATE`, as a commander command for
 * src/cli/commands/program.ts: the store (Firestore, refused with the memory store) and the
 * publisher of the other commands, Ctrl-C as an interruption, a progress bar when stderr is a
 * terminal.
 */
export function backfill(cli: Cli): Command {
  const command = new Command('backfill')
    .summary('start the runs of a range of ticks (or days), N at once, resumable')
    .description(
      `Start one run per tick of the chain's Schedule from --from to --to (both included), or one per day at 00:00 UTC for a chain without Schedule, under the run ids the scheduler gives those ticks, at most --concurrency running at once (runs already running count); the next starts when one ends. Run it again to resume: a tick that has a run is not started again. DATE is YYYY-MM-DD (that whole day in the Schedule's time zone) or an RFC 3339 time. --input-template is a JSON object whose strings may hold {{date}} (the tick's day, YYYY-MM-DD) and {{scheduledTime}} (the tick, ISO UTC); default: the Schedule's Input. At most ${MAX_BACKFILL_TICKS} ticks.`,
    )
    .argument('<CHAIN>', 'a chain of the chains folder the function was deployed with')
    .requiredOption('--from <DATE>', 'first day or time of the range')
    .requiredOption('--to <DATE>', 'last day or time of the range (included)')
    .option(
      '--concurrency <N>',
      `runs at once, 1 to ${MAX_CONCURRENCY} (default: ${DEFAULT_CONCURRENCY})`,
    )
    .option('--input-template <JSON>', "each run's input, with {{date}} and {{scheduledTime}}")
    .addOption(topicOption())
    .addOption(chainsDirOption())
    .addOption(jsonOption('print the summary as one JSON object'))
    .action(async (chain: string, options: Options) => {
      cli.code = await withStore(cli, 'backfill', async (store, where) => {
        const { config, connect } = publisherFor(cli, 'backfill');
        const proc = processBackfillIo();
        try {
          return await backfillCommand(
            {
              chain,
              chainsDir: options.chainsDir ?? config.chainsDir,
              projectId: config.projectId,
              topic: options.topic ?? config.topic,
              from: options.from,
              to: options.to,
              concurrency: options.concurrency,
              inputTemplate: options.inputTemplate,
              json: options.json === true,
            },
            { ...proc, connect, store, storeEndpoint: where.endpoint, out: cli.out, err: cli.err },
          );
        } finally {
          proc.dispose();
        }
      });
    });
  return withExitCodes(command, [
    [0, "every tick's run succeeded"],
    [
      1,
      'refused (unknown chain, bad or reversed dates, no tick or too many, bad --concurrency or --input-template), Pub/Sub or Firestore failed, a run failed or was cancelled, or a start never became a run',
    ],
    [INTERRUPTED, 'interrupted (Ctrl-C): running runs go on; run the same command again to resume'],
  ]);
}
