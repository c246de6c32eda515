import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FunctionLine } from './function-process.js';
import { LocalStack, PACKAGE_ROOT } from './stack.js';

const USAGE = `usage: npm start -- [--chain NAME] [--input JSON] [--chains-dir DIR]
Runs a chain end to end on the local stack: Dataflow simulator, functions-framework,
and the Pub/Sub and Firestore emulators when installed. Defaults: --chain example,
--input '{"date":"<today>"}', --chains-dir dag.`;

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

function printLine(line: FunctionLine): void {
  const json = line.json;
  if (json === undefined || typeof json['event'] !== 'string') return;
  const severity = typeof json['severity'] === 'string' ? json['severity'] : 'INFO';
  console.log(
    `${stamp()}  ${severity.padEnd(7)} ${String(json['event']).padEnd(16)} ${String(json['message'])}`,
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      chain: { type: 'string', default: 'example' },
      input: { type: 'string' },
      'chains-dir': { type: 'string', default: join(PACKAGE_ROOT, 'dag') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const input: unknown = values.input
    ? JSON.parse(values.input)
    : { date: new Date().toISOString().slice(0, 10) };
  console.log(`${stamp()}  starting the local stack…`);
  const stack = await LocalStack.start({
    chainsDir: values['chains-dir'],
    // Short, visible timings: each job queues briefly, runs ~2 s, and the API lags its log by 1 s.
    simulator: { defaults: { queuedMs: 300, runMs: 2000, apiLagMs: 1000 } },
    onProgress: (message) => console.log(`${stamp()}  ${message}`),
  });
  const stop = () => void stack.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    stack.fn.onLine(printLine);
    const runId = `${values.chain}-${Date.now().toString(36)}`;
    console.log(
      `${stamp()}  publishing start of chain "${values.chain}" as run ${runId} with input ${JSON.stringify(input)}`,
    );
    await stack.publish({ dfchain: 'start', chain: values.chain, runId, input });
    const end = await stack.waitForRunEnd(runId, 120_000);
    console.log('\nDataflow jobs launched (as the simulator saw them):');
    for (const job of stack.simulator.jobs()) {
      const state = job.history.at(-1)?.state ?? '?';
      console.log(
        `  ${job.name.padEnd(28)} ${state.padEnd(20)} ${JSON.stringify(job.request.launchParameter?.parameters ?? {})}`,
      );
    }
    const succeeded = end === 'run.succeeded';
    console.log(`\nrun ${runId}: ${succeeded ? 'SUCCEEDED' : 'FAILED'}`);
    return succeeded ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
