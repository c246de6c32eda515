import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/local/ports.js';
import { stopProcessGroup } from '../../src/local/process-group.js';
import { PACKAGE_ROOT } from '../../src/local/stack.js';
import { completionEntry, pubsubEvent } from './events.js';
import { figure, type Figure } from './figures.js';
import { median } from './measure.js';

const FLOOR = fileURLToPath(new URL('./floor/', import.meta.url));
const FF_MAIN = join(
  dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')),
  'main.js',
);

/** What the first event is: a foreign job's completion touches no store and no Dataflow. */
const FIRST_EVENT = pubsubEvent(
  completionEntry({
    jobId: '2026-11-22_01_00_00-1',
    jobName: 'someone-else-job',
    projectId: 'dfchain-local',
    location: 'europe-west4',
  }),
  'cold-1',
);

/** Milliseconds from spawning functions-framework to the first event's response. */
async function coldStart(source: string, env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      FF_MAIN,
      '--target=dfchain',
      '--signature-type=cloudevent',
      `--port=${port}`,
      `--source=${source}`,
    ],
    {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
    },
  );
  const body = JSON.stringify({ specversion: '1.0', source: 'bench', ...FIRST_EVENT });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json' },
          body,
        });
        if (!response.ok) throw new Error(`first event answered ${response.status}`);
        return performance.now() - started;
      } catch (error) {
        if (child.exitCode !== null)
          throw new Error('functions-framework exited', { cause: error });
        if (error instanceof Error && error.message.startsWith('first event')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    await stopProcessGroup(child);
  }
}

/** Cold start of dfchain against a hello-world function, both under functions-framework. */
export async function coldStartFigures(runs: number): Promise<Figure[]> {
  const dfchainEnv = {
    DFCHAIN_CHAINS_DIR: join(PACKAGE_ROOT, 'dag'),
    DFCHAIN_DATAFLOW_ROOT_URL: 'http://127.0.0.1:9/',
    GOOGLE_CLOUD_PROJECT: 'dfchain-local',
    // The cloud default: the Firestore client is loaded, though this event never uses it.
    DFCHAIN_STORE: 'firestore',
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
  };
  const floor: number[] = [];
  const dfchain: number[] = [];
  for (let i = 0; i < runs; i++) {
    floor.push(await coldStart(FLOOR, {}));
    dfchain.push(await coldStart(PACKAGE_ROOT, dfchainEnv));
  }
  const note = `median of ${runs}, spawn → first event answered`;
  return [
    figure('cold_start.floor', median(floor), 'ms', `hello-world function; ${note}`),
    figure(
      'cold_start.dfchain',
      median(dfchain),
      'ms',
      `dfchain (built, store=firestore); ${note}`,
    ),
    figure('cold_start.ratio', median(dfchain) / median(floor), '×', 'target ≤ 1.5'),
  ];
}
