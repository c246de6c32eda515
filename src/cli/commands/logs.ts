import { Command } from 'commander';
import { parseConfig } from '../../config.js';
import { cliEntriesPort, loggingRootUrl } from '../logs-entries.js';
import { logsCommand, logsQuery } from '../logs.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { jsonOption } from './options.js';

interface Options {
  readonly follow?: true;
  readonly since?: string;
  readonly json?: true;
}

/** `dfchain logs RUN_ID`. */
export function logs(cli: Cli): Command {
  const command = new Command('logs')
    .summary("print a run's entries in Cloud Logging")
    .description(
      `Print the run's entries in Cloud Logging since T, oldest first, "TIME  SEVERITY  EVENT  message", then the Logs Explorer URL of the same query. Needs GOOGLE_CLOUD_PROJECT and roles/logging.viewer, or DFCHAIN_LOGGING_ROOT_URL (a local stand-in of the Logging API).`,
    )
    .argument('<RUN_ID>', 'the run')
    .option(
      '--follow',
      "ask again every 2 s until the run's end line (run.succeeded, run.failed, run.cancelled) or Ctrl-C",
    )
    .option('--since <T>', 'an ISO time, or a duration back from now: 30m, 2h, 3d (default: 7d)')
    .addOption(
      jsonOption(
        'print one JSON object per entry (its jsonPayload with timestamp, severity, insertId), the URL on stderr',
      ),
    )
    .action(async (runId: string, options: Options) => {
      const query = logsQuery({ runId, since: options.since }, new Date());
      if (typeof query === 'string') {
        cli.err(query);
        cli.code = 1;
        return;
      }
      const root = loggingRootUrl(cli.env);
      const projectId = parseConfig(cli.env).projectId;
      const settings = {
        json: options.json === true,
        follow: options.follow === true,
        projectId,
        ...(root ? { root } : {}),
      };
      cli.code = await logsCommand(
        await cliEntriesPort(projectId, root),
        query,
        settings,
        cli.out,
        cli.err,
      );
    });
  return withExitCodes(command, [
    [0, 'printed'],
    [1, 'no entries (the URL still printed), or Cloud Logging cannot be read'],
  ]);
}
