import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { seedListedObjects, startCallbackWorkload } from './example-workload.js';
import { checkChains, problemLine } from '../cli/validate.js';
import { ConfigError } from '../errors.js';
import { keepBanner } from './client-env.js';
import type { FunctionExit, FunctionLine } from './function-process.js';
import { waitForRunOutcome, lastOutput, type RunOutcome } from './run-outcome.js';
import { startConsoleProcess, type ConsoleProcess } from './console-process.js';
import { installShutdown } from './shutdown.js';
import { LocalStack, PACKAGE_ROOT } from './stack.js';

const USAGE = `usage: npm start -- [--chain NAME] [--input JSON] [--chains-dir DIR] [--keep] [--console]
Runs a chain end to end on the local stack: Dataflow simulator, functions-framework,
and the Pub/Sub and Firestore emulators when installed. Defaults: --chain example,
--input '{"date":"<today>"}', --chains-dir dag. Without --chains-dir, a chain that dag/ does
not have but dag/examples/ does runs from dag/examples/ (npm start -- --chain landing).

Every chain of the folder is validated first: an invalid one stops here, before anything
starts, with one "FILE: JSON.PATH: message" line per problem (as dfchain validate prints).

  --keep   Keep the stack up after the run (both emulators required) and print the export
           lines under which dfchain start, dfchain status and dfchain validate --remote in
           another shell reach it. It stays up until Ctrl-C or SIGTERM.

  --console  Start the run console (dfchain console, cancel and redrive enabled) on the stack
           before the run, open it in the browser, and keep everything up after the run as
           --keep does: watch the run live on its page.

Exit 0 when the run succeeded; 1 when it failed, the function refused its start (the reason
is printed), the function exited, or a chain is invalid; 2 on a bad option; 130, 143 or 129
when stopped by SIGINT, SIGTERM or SIGHUP. Every way out stops every process it started.`;

// How long the first run may take before npm start gives up on it (the example takes ~15 s).
const RUN_TIMEOUT_MS = 120_000;

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

function say(message: string): void {
  console.log(`${stamp()}  ${message}`);
}

function printLine(line: FunctionLine): void {
  const json = line.json;
  if (json === undefined || typeof json['event'] !== 'string') return;
  const severity = typeof json['severity'] === 'string' ? json['severity'] : 'INFO';
  console.log(
    `${stamp()}  ${severity.padEnd(7)} ${String(json['event']).padEnd(16)} ${String(json['message'])}`,
  );
}

function describeExit(exit: FunctionExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

interface Options {
  readonly chain: string;
  readonly input: unknown;
  readonly chainsDir: string;
  readonly keep: boolean;
  readonly console: boolean;
}

/**
 * dag/, or dag/examples/ for a chain only the examples have: the examples run as they are,
 * without being copied into the folder a deploy ships.
 */
function defaultChainsDir(chain: string): string {
  const dag = join(PACKAGE_ROOT, 'dag');
  const examples = join(dag, 'examples');
  const has = (dir: string) => existsSync(join(dir, `${chain}.json`));
  return !has(dag) && has(examples) ? examples : dag;
}

/** The options, or the exit code when there is nothing to run (help, a bad option). */
function parseOptions(argv: string[]): Options | number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        chain: { type: 'string', default: 'example' },
        input: { type: 'string' },
        'chains-dir': { type: 'string' },
        keep: { type: 'boolean', default: false },
        console: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(
      `npm start: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
    );
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let input: unknown = { date: new Date().toISOString().slice(0, 10) };
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch (error) {
      console.error(
        `npm start: --input ${values.input} is not JSON (${error instanceof Error ? error.message : String(error)}); pass an object such as --input '{"date":"2026-11-21"}'`,
      );
      return 2;
    }
  }
  const chainsDir = values['chains-dir'] ?? defaultChainsDir(values.chain);
  // The console reads the Firestore emulator and stays up: it needs what --keep gives.
  const keep = values.keep || values.console;
  return { chain: values.chain, input, chainsDir, keep, console: values.console };
}

/**
 * Every chain of the folder, checked as the function's cold start and `dfchain validate` check
 * it: one invalid file would stop functions-framework, for every chain, behind its "Provided
 * module can't be loaded". True when all are valid; else the problems are printed.
 */
function chainsValid(dir: string): boolean {
  let checked;
  try {
    checked = checkChains({ dir, files: [] }, (line) => console.error(line));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`npm start: ${error.message} (or pass --chains-dir DIR)`);
    return false;
  }
  const invalid = checked.filter((c) => c.problems.length > 0);
  if (invalid.length === 0) return true;
  for (const c of invalid)
    for (const problem of c.problems) console.error(problemLine(c.file, problem));
  console.error(
    `npm start: ${invalid.length} invalid chain file${invalid.length === 1 ? '' : 's'} in ${dir} (${invalid.map((c) => c.file).join(', ')}); the function does not start with one, so nothing was started: fix ${invalid.length === 1 ? 'it' : 'them'} (npx dfchain validate --chains-dir ${dir} checks again)`,
  );
  return false;
}

/** The chain file's JSON (it was validated before anything started), or undefined if unreadable. */
function chainJson(dir: string, chain: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, `${chain}.json`), 'utf8')) as unknown;
  } catch {
    // No such chain: the function refuses the start and says so.
    return undefined;
  }
}

/** Prints how the run ended; its exit code. */
function report(runId: string, outcome: RunOutcome, stack: LocalStack): number {
  switch (outcome.kind) {
    case 'rejected':
      console.error(
        `\nnpm start: the function refused the start of run ${runId}: ${outcome.reason}`,
      );
      return 1;
    case 'function-exited':
      console.error(
        `\nnpm start: functions-framework exited (${describeExit(outcome.exit)}) before run ${runId} ended; its last lines:\n${outcome.output}`,
      );
      return 1;
    case 'ended': {
      console.log('\nDataflow jobs launched (as the simulator saw them):');
      for (const job of stack.simulator.jobs()) {
        const state = job.history.at(-1)?.state ?? '?';
        console.log(
          `  ${job.name.padEnd(28)} ${state.padEnd(20)} ${JSON.stringify(job.request.launchParameter?.parameters ?? {})}`,
        );
      }
      const executions = stack.simulator.executions();
      if (executions.length > 0) {
        console.log('\nCloud Run executions (as the simulator saw them):');
        for (const e of executions) {
          const args = (e.request['overrides'] as { containerOverrides?: { args?: unknown }[] })
            ?.containerOverrides?.[0]?.args;
          console.log(
            `  ${e.execution.padEnd(28)} ${(e.ended?.outcome ?? 'RUNNING').padEnd(20)} ${JSON.stringify(args ?? [])}`,
          );
        }
      }
      const succeeded = outcome.event === 'run.succeeded';
      console.log(`\nrun ${runId}: ${succeeded ? 'SUCCEEDED' : 'FAILED'}`);
      return succeeded ? 0 : 1;
    }
  }
}

async function main(argv: string[]): Promise<never> {
  const options = parseOptions(argv);
  if (typeof options === 'number') process.exit(options);
  // Before any process starts: a bad chain must not cost an emulator start, nor leave one behind.
  if (!chainsValid(options.chainsDir)) process.exit(1);
  let stack: LocalStack | undefined;
  let console_: ConsoleProcess | undefined;
  const shutdown = installShutdown({
    cleanup: async () => {
      await console_?.stop();
      await stack?.stop();
    },
    log: (line) => console.error(`${stamp()}  ${line}`),
  });
  say('starting the local stack…');
  try {
    stack = await LocalStack.start({
      chainsDir: options.chainsDir,
      // The commands in another shell need both: the topic to publish on, the store to read.
      pubsub: options.keep ? true : 'auto',
      firestore: options.keep ? true : 'auto',
      // Short, visible timings: each job queues briefly, runs ~2 s, and the API lags its log by 1 s.
      simulator: { defaults: { queuedMs: 300, runMs: 2000, apiLagMs: 1000 } },
      onProgress: say,
    });
  } catch (error) {
    // A signal stopped the parts mid-start: their failure is its doing, not a fault to report.
    if (shutdown.stopping) return shutdown.exit(1);
    const message = error instanceof Error ? error.message : String(error);
    const why = options.keep
      ? '; --keep needs both emulators, so that dfchain in another shell reaches the stack: install them, or drop --keep'
      : '';
    console.error(`npm start: the local stack did not start: ${message}${why}`);
    return shutdown.exit(1);
  }
  const fn = stack.fn;
  fn.onLine(printLine);
  // What the chain reads and waits for beside Google's APIs: sample files, and a workload.
  const definition = chainJson(options.chainsDir, options.chain);
  for (const object of seedListedObjects(stack, definition))
    say(`put sample object ${object} in the Cloud Storage stand-in`);
  let workload;
  try {
    workload = await startCallbackWorkload(stack, definition, say);
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    return shutdown.exit(1);
  }
  const stopWorkload = workload;
  if (options.console) {
    try {
      console_ = await startConsoleProcess(stack, ['--allow-actions', '--open'], say);
    } catch (error) {
      console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
      return shutdown.exit(1);
    }
  }
  const runId = `${options.chain}-${Date.now().toString(36)}`;
  if (console_)
    say(`the run console is on ${console_.url}; this run's page: ${console_.url}runs/${runId}`);
  say(
    `publishing start of chain "${options.chain}" as run ${runId} with input ${JSON.stringify(options.input)}`,
  );
  const messageId = await stack.publish({
    dfchain: 'start',
    chain: options.chain,
    runId,
    input: options.input,
  });
  let code: number;
  try {
    const outcome = await waitForRunOutcome(fn, runId, messageId, RUN_TIMEOUT_MS);
    if (!options.keep) await stopWorkload.stop();
    if (shutdown.stopping) return shutdown.exit(1);
    code = report(runId, outcome, stack);
  } catch (error) {
    console.error(`\nnpm start: ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  }
  if (!options.keep || fn.exits.length > 0) return shutdown.exit(code);
  console.log(
    `\n${keepBanner({ env: stack.clientEnv(), chain: options.chain, input: options.input }).join('\n')}\n`,
  );
  if (console_) say(`the run console: ${console_.url}runs/${runId}`);
  // Nothing answers the commands of the other shell once the function is gone: say so and stop.
  fn.onExit((exit) => {
    if (shutdown.stopping) return;
    console.error(
      `\nnpm start: functions-framework exited (${describeExit(exit)}); stopping the local stack. Its last lines:\n${lastOutput(fn.lines)}`,
    );
    void shutdown.exit(1);
  });
  // The servers keep the process alive; a signal ends it through the shutdown handlers.
  return new Promise<never>(() => undefined);
}

void main(process.argv.slice(2));
