#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseConfig, type Config } from '../config.js';
import { DfchainError } from '../errors.js';
import type { RunStore } from '../store/port.js';
import type { JsonObject } from '../json.js';
import { cancelCommand } from './cancel.js';
import { deployFactsCommand } from './deploy-facts.js';
import { sinkFilterCommand } from './sink-filter.js';
import {
  endpointOf,
  failureLine,
  isMissingCredentials,
  type Endpoint,
  type FailureContext,
} from './failure.js';
import { pubsubPublisher, startCommand, type Publisher } from './start.js';
import { cliFirestore, memoryStoreRefusal } from './status-store.js';
import { statusCommand } from './status.js';
import { runsCommand, runsQuery } from './runs.js';
import { readInputOption } from './input-option.js';
import { renderCommand } from './render.js';
import { graphCommand } from './graph.js';
import { logsCommand, logsQuery } from './logs.js';
import { cliEntriesPort, loggingRootUrl } from './logs-entries.js';
import { dryRunPortFor, validateRemoteCommand } from './validate-remote.js';
import { validateCommand } from './validate.js';

const USAGE = `usage: dfchain <command> [options]

  validate [--chains-dir DIR] [--json] [FILE...]
      Check the chain files given (a chain's name is its file name without .json), or
      without FILE every chain in the folder, as the function's cold start does. Prints one
      line per problem on stdout, "FILE: JSON.PATH: message" ((root) for the whole file);
      Paths that cannot be checked before the run are warnings on stderr,
      "FILE: JSON.PATH: warning: message". --json prints {"valid", "problems": [{"file",
      "path", "message"}], "warnings": [...]} instead. Exit 0 when every chain is valid
      (warnings or not), 1 otherwise.
  validate --remote [--input JSON|@FILE] [--chains-dir DIR] [--json] [FILE...]
      The same, then, when every chain is valid, resolves each Task's Parameters with the
      input (the run input, taken as every state's input; a Map's first item) and asks
      Dataflow to validate its launch without running it (validateOnly). Prints one line per
      refusal, "FILE: JSON.PATH: Dataflow refused: message"; places that read what an earlier
      state produces are warnings on stderr ("cannot resolve without running: PATH").
      --json prints {"valid", "problems", "warnings"}. Needs GOOGLE_CLOUD_PROJECT and
      Application Default Credentials, or DFCHAIN_DATAFLOW_ROOT_URL (the local simulator).
      Exit 0 when Dataflow accepted every Task, 1 otherwise.
  render CHAIN [--chains-dir DIR] [--input JSON|@FILE] [--state S] [--run-id ID] [--json]
      Print the launch each Task would make (or only Task S, by name or as Fan[0]/S), with
      no credentials and no network, and launch nothing: resource, project, region, job name
      prefix (the suffix is new for each run and attempt), dfchain's labels and the full request
      body, every .$ resolved with the input as each state's input (a Map's first item); what
      reads an earlier state's result shows as <unresolved: PATH (why)>. CHAIN is a chain's
      name or a file. --json prints an array of {state, scope?, resource, projectId, location,
      jobNamePrefix, labels, request, unresolved}. Exit 0, 1 on an unknown or invalid chain.
  graph CHAIN [--format mermaid|dot] [--chains-dir DIR]
      Print the chain as a picture: a Mermaid flowchart (default) or a Graphviz digraph, one
      node per state, Parallel branches and Map item processors as nested subgraphs, Choice
      rules, Catch (dashed) and Retry drawn. CHAIN is a chain's name or a file. Exit 0, 1 on an
      unknown or invalid chain.
  sink-filter [--chains-dir DIR]
      Print the Log Router sink filter for those chains.
  deploy-facts [--chains-dir DIR] [--json]
      Print the regions, service accounts and buckets to grant.
  start CHAIN [--run-id ID] [--input JSON] [--topic T] [--chains-dir DIR]
      Publish a start command (PUBSUB_EMULATOR_HOST honoured) on --topic (default
      DFCHAIN_TOPIC, else dfchain-events) and print the run id. Refused
      before publishing, exit 1: a CHAIN not in the chains folder (did you mean…), a run id
      not of 1-63 lowercase letters, digits, _ and -. Exit 1 too when the topic does not
      exist or Pub/Sub fails; 0 when published.
  cancel RUN_ID [--cause TEXT] [--topic T]
      Publish a cancel command: the function cancels the run's running jobs and ends it
      CANCELLED with error {"Error": "States.Cancelled", "Cause": TEXT}; a run that already
      ended stays as it is. Exit 1 on a malformed run id or when Pub/Sub fails; 0 when published.
  status RUN_ID [--json] [--graph]
      Show a run from the store: its jobs (ended, then in flight) and, while it runs, the
      state each scope waits in and the pending timers; a run or job waiting for a slot
      (MaxConcurrentRuns, DFCHAIN_MAX_ACTIVE_JOBS) shows its place in line. --json prints one
      JSON object {id, chain, status, input, output?, error?, startTime, endTime?, queued?,
      steps, scopes?, timers?}; queued is {pool, since, position} (1 = next). --graph adds the
      Mermaid flowchart of the run's own definition, each state coloured by its status (after
      a blank line, or as the JSON's graph field; exit 1 when the store lacks the definition).
      Exit 0 when the run is RUNNING, SUCCEEDED or CANCELLED (read its status), 1 when there
      is no such run or Firestore cannot be read (DFCHAIN_STORE=memory included: that store
      lives inside the function's process), 2 when it FAILED.
  runs [--chain C] [--status S] [--since T] [--limit N] [--json]
      List runs (not their Map items or branches) started since T (an ISO time, or a duration
      back from now: 30m, 2h, 3d; default 24h), newest first, at most N (default 50): RUN ID,
      CHAIN, STATUS, STARTED, DURATION (so far while running), ERROR. S is RUNNING, QUEUED,
      SUCCEEDED, FAILED or CANCELLED, as the STATUS column shows it: a run waiting for its
      chain's MaxConcurrentRuns shows "QUEUED n", n its place in line (1 = next). --json prints
      an array of {id, chain, status, startTime, endTime?, error?, queued?: {pool, since,
      position}}. Exit 0, 1 on a bad option or when Firestore cannot be read.
  logs RUN_ID [--follow] [--since T] [--json]
      Print the run's entries in Cloud Logging since T (as for runs; default 7d), oldest
      first, "TIME  SEVERITY  EVENT  message", then the Logs Explorer URL of the same query.
      --follow asks again every 2 s until the run's end line (run.succeeded, run.failed,
      run.cancelled) or Ctrl-C. --json prints one JSON object per entry (its jsonPayload with
      timestamp, severity, insertId) and the URL on stderr. Needs GOOGLE_CLOUD_PROJECT and
      roles/logging.viewer, or DFCHAIN_LOGGING_ROOT_URL (a local stand-in of the Logging API).
      Exit 0, 1 when there are no entries (the URL still printed) or Cloud Logging cannot be read.

Any command exits 1 on an error (bad option, missing credentials, an endpoint that does not
answer within 5 s, missing or empty chains folder), with one line on stderr saying what to
do, and 2 when the command is missing or unknown. --chains-dir defaults to
DFCHAIN_CHAINS_DIR, else dag. Configuration comes from the same environment as the function
(GOOGLE_CLOUD_PROJECT, DFCHAIN_CHAINS_DIR, DFCHAIN_STORE, FIRESTORE_EMULATOR_HOST).`;

/** What the running command calls, for the line a missing-credentials rejection prints. */
let credentialsContext: FailureContext | undefined;

const out = (line: string) => console.log(line);
const err = (line: string) => console.error(line);

function parseInput(text: string | undefined): JsonObject {
  if (text === undefined) return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`--input must be a JSON object, got ${text}`);
  }
  return value as JsonObject;
}

/** The configuration and a Pub/Sub publisher for a command that publishes (start, cancel). */
function publisherFor(command: string): { config: Config; connect: () => Promise<Publisher> } {
  const config = parseConfig();
  const endpoint = endpointOf('pubsub');
  credentialsContext = { command, endpoint, projectId: config.projectId };
  return { config, connect: () => pubsubPublisher(config.projectId, endpoint) };
}

/**
 * Runs a command that reads the store (status, runs): refused in one line with the memory
 * store (before parseConfig: no project setting would make it work), the Firestore client
 * closed without waiting once the command returns (a hung channel must not hold the exit).
 */
async function withStore(
  command: string,
  use: (store: RunStore, where: { endpoint: Endpoint; projectId: string }) => Promise<number>,
): Promise<number> {
  const refused = memoryStoreRefusal(process.env, command);
  if (refused !== undefined) {
    err(refused);
    return 1;
  }
  const config = parseConfig();
  const endpoint = endpointOf('firestore');
  credentialsContext = { command, endpoint, projectId: config.projectId };
  const store = await cliFirestore(config);
  try {
    return await use(store, { endpoint, projectId: config.projectId });
  } finally {
    void store.close().catch(() => undefined);
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'chains-dir': { type: 'string' },
      'run-id': { type: 'string' },
      state: { type: 'string' },
      input: { type: 'string' },
      topic: { type: 'string' },
      cause: { type: 'string' },
      follow: { type: 'boolean', default: false },
      format: { type: 'string' },
      chain: { type: 'string' },
      status: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      graph: { type: 'boolean', default: false },
      remote: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, argument] = positionals;
  if (values.help || command === undefined) {
    out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'validate': {
      const options = {
        dir: values['chains-dir'] ?? process.env['DFCHAIN_CHAINS_DIR'] ?? 'dag',
        files: positionals.slice(1),
        json: values.json,
      };
      if (!values.remote) return validateCommand(options, out, err);
      // Read before any call, so a bad --input or environment fails at once.
      const input = readInputOption(values.input);
      const config = parseConfig();
      return validateRemoteCommand(
        {
          ...options,
          input,
          projectId: config.projectId,
          ...(config.workerServiceAccount
            ? { workerServiceAccount: config.workerServiceAccount }
            : {}),
        },
        await dryRunPortFor(config),
        out,
        err,
      );
    }
    case 'render':
      return renderCommand(
        {
          chain: argument,
          dir: values['chains-dir'] ?? process.env['DFCHAIN_CHAINS_DIR'] ?? 'dag',
          input: values.input,
          state: values.state,
          runId: values['run-id'],
          json: values.json,
          env: process.env,
        },
        out,
        err,
      );
    case 'graph':
      return graphCommand(
        {
          chain: argument,
          dir: values['chains-dir'] ?? process.env['DFCHAIN_CHAINS_DIR'] ?? 'dag',
          format: values.format,
        },
        out,
        err,
      );
    case 'sink-filter':
      return sinkFilterCommand(
        values['chains-dir'] ?? process.env['DFCHAIN_CHAINS_DIR'] ?? 'dag',
        out,
      );
    case 'deploy-facts':
      return deployFactsCommand(
        values['chains-dir'] ?? process.env['DFCHAIN_CHAINS_DIR'] ?? 'dag',
        values.json,
        out,
      );
    case 'start': {
      if (!argument) throw new Error('start needs a chain name: dfchain start CHAIN');
      const { config, connect } = publisherFor('start');
      return startCommand(
        {
          projectId: config.projectId,
          // The function's own setting (DFCHAIN_TOPIC, default dfchain-events) unless told.
          topic: values.topic ?? config.topic,
          chain: argument,
          ...(values['run-id'] !== undefined ? { runId: values['run-id'] } : {}),
          input: parseInput(values.input),
          chainsDir: values['chains-dir'] ?? config.chainsDir,
        },
        connect,
        out,
        err,
      );
    }
    case 'cancel': {
      if (!argument) throw new Error('cancel needs a run id: dfchain cancel RUN_ID');
      const { config, connect } = publisherFor('cancel');
      return cancelCommand(
        {
          projectId: config.projectId,
          topic: values.topic ?? config.topic,
          runId: argument,
          ...(values.cause !== undefined ? { cause: values.cause } : {}),
        },
        connect,
        out,
        err,
      );
    }
    case 'status': {
      if (!argument) throw new Error('status needs a run id: dfchain status RUN_ID');
      return withStore('status', (store, where) =>
        statusCommand(
          store,
          argument,
          { json: values.json, graph: values.graph, ...where },
          out,
          err,
        ),
      );
    }
    case 'runs': {
      // Options first, then the memory store, then the configuration: each refusal its own line.
      const query = runsQuery(values, new Date());
      if (typeof query === 'string') {
        err(query);
        return 1;
      }
      return withStore('runs', (store, where) =>
        runsCommand(store, query, { json: values.json, ...where }, out, err),
      );
    }
    case 'logs': {
      const query = logsQuery({ runId: argument, since: values.since }, new Date());
      if (typeof query === 'string') {
        err(query);
        return 1;
      }
      const root = loggingRootUrl();
      const projectId = parseConfig().projectId;
      const options = {
        json: values.json,
        follow: values.follow,
        projectId,
        ...(root ? { root } : {}),
      };
      return logsCommand(await cliEntriesPort(projectId, root), query, options, out, err);
    }
    default:
      out(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

// gcp-metadata warns "All promises were rejected" whenever the machine is not a Google Cloud VM,
// which a laptop never is: that warning is noise for a command; any other still prints.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'MetadataLookupWarning') console.error(`dfchain: ${warning.message}`);
});

// The client libraries look for credentials on a promise nobody awaits: without any, the
// rejection is unhandled and Node would print its stack trace. Said as one line instead.
process.on('unhandledRejection', (error: unknown) => {
  if (credentialsContext === undefined || !isMissingCredentials(error)) throw error;
  console.error(failureLine(error, credentialsContext));
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof DfchainError ? message : `dfchain: ${message}`);
    process.exit(1);
  },
);
