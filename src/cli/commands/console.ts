import { Command } from 'commander';
import { parseConfig } from '../../config.js';
import { firestoreFeed } from '../../console/firestore-feed.js';
import { openBrowser } from '../../console/open.js';
import { DEFAULT_CONSOLE_PORT, startConsole } from '../../console/server.js';
import { packageVersion } from '../../console/version.js';
import { FirestoreRunStore } from '../../store/firestore.js';
import { endpointOf, endpointText } from '../failure.js';
import { pubsubPublisher } from '../start.js';
import { cliFirestoreClient, memoryStoreRefusal } from '../status-store.js';
import type { Cli } from './cli.js';
import { withExitCodes } from './exit-codes.js';
import { chainsDir, chainsDirOption, topicOption } from './options.js';

interface Options {
  readonly port?: string;
  readonly open?: true;
  readonly allowActions?: true;
  readonly chainsDir?: string;
  readonly topic?: string;
}

/** The port --port asks for, or undefined when it is not one. */
function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return DEFAULT_CONSOLE_PORT;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 0 && port <= 65535 ? port : undefined;
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `dfchain console`. */
export function consoleCommand(cli: Cli): Command {
  const command = new Command('console')
    .summary('serve a live web console of runs and chains on 127.0.0.1')
    .description(
      `Serve the run console on http://127.0.0.1:PORT/ (never another interface) with your Google credentials, or the emulators' variables: Runs (live, filtered by chain, status and time, with estimated cost), each Run (its chain's graph coloured by status, Map items counted, a timeline of every job and attempt, each state's input, error and job, links to Dataflow and Logs Explorer), and Chains (graph, schedule, next fire times, last runs). Read-only unless --allow-actions: then the Run page can cancel and redrive runs (it publishes the same commands as dfchain cancel and redrive). It runs until Ctrl-C.`,
    )
    .option('--port <P>', `port on 127.0.0.1 (default: ${DEFAULT_CONSOLE_PORT}; 0: any free port)`)
    .option('--open', 'open the console in the default browser')
    .option('--allow-actions', 'let the Run page cancel and redrive runs')
    .addOption(chainsDirOption())
    .addOption(topicOption())
    .action(async (options: Options) => {
      const refused = memoryStoreRefusal(cli.env, 'console');
      const port = portOf(options.port);
      if (refused !== undefined || port === undefined) {
        cli.err(
          refused ??
            `dfchain console: --port must be a whole number from 0 to 65535, got "${options.port}"`,
        );
        cli.code = 1;
        return;
      }
      const config = parseConfig(cli.env);
      const storeEndpoint = endpointOf('firestore', cli.env);
      cli.credentialsContext = {
        command: 'console',
        endpoint: storeEndpoint,
        projectId: config.projectId,
      };
      const db = await cliFirestoreClient(config);
      const store = new FirestoreRunStore(db);
      const ctx = {
        store,
        storeEndpoint,
        feed: firestoreFeed(db),
        projectId: config.projectId,
        chainsDir: chainsDir(options.chainsDir, cli.env),
        prices: config.prices,
        allowActions: options.allowActions === true,
        connect: () => pubsubPublisher(config.projectId, endpointOf('pubsub', cli.env)),
        topic: options.topic ?? config.topic,
        now: () => new Date(),
        version: packageVersion(),
      };
      let server;
      try {
        server = await startConsole(ctx, { port });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        cli.err(
          code === 'EADDRINUSE'
            ? `dfchain console: port ${port} on 127.0.0.1 is taken (another console?): pick another with --port P, or --port 0 for a free one`
            : `dfchain console: cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`,
        );
        void store.close().catch(() => undefined);
        cli.code = 1;
        return;
      }
      const mode = ctx.allowActions ? 'cancel and redrive enabled' : 'read-only';
      cli.out(
        `dfchain console on ${server.url} (${mode}), reading ${endpointText(storeEndpoint)} for project ${config.projectId}; Ctrl-C stops it`,
      );
      if (options.open === true && !(await openBrowser(server.url))) {
        cli.err(`dfchain console: could not open a browser here; open ${server.url} yourself`);
      }
      await stopSignal();
      await server.close();
      void store.close().catch(() => undefined);
      cli.code = 0;
    });
  return withExitCodes(command, [
    [0, 'stopped by Ctrl-C or SIGTERM'],
    [
      1,
      'a bad --port, the port is taken, or DFCHAIN_STORE=memory (its runs cannot be read from here)',
    ],
  ]);
}
