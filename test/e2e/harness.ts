import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStack } from '../../src/local/stack.js';
import { RUN_ENV } from '../../src/cloudrun/step-marker.js';
import type {
  ExecutionBehaviour,
  JobBehaviour,
  LaunchRequestBody,
  RunInfo,
  SimulatedExecution,
  SimulatedJob,
} from '../../src/local/simulator/index.js';

/** The e2e chains folder (test/fixtures/e2e-chains). */
export const E2E_CHAINS = fileURLToPath(new URL('../fixtures/e2e-chains/', import.meta.url));

/** Per-run job behaviour, keyed by the `dfchain-run` label the function puts on every job. */
export const behaviours = new Map<
  string,
  (jobName: string, request: LaunchRequestBody) => Partial<JobBehaviour>
>();

/**
 * Per-run Cloud Run execution behaviour, keyed by the `DFCHAIN_RUN` env var dfchain puts in every
 * execution's overrides (the step marker, docs/cloud-run.md §4).
 */
export const runBehaviours = new Map<string, (run: RunInfo) => Partial<ExecutionBehaviour>>();

/** The whole stack with both emulators required (tests must not pass on a stand-in). */
export function startE2eStack(): Promise<LocalStack> {
  return LocalStack.start({
    chainsDir: E2E_CHAINS,
    pubsub: true,
    firestore: true,
    // Acknowledgements are counted from the pushes themselves, not inferred from log lines.
    countDeliveries: true,
    simulator: {
      defaults: { queuedMs: 100, runMs: 300 },
      behaviour: ({ request, jobName }) => {
        const labels = (
          request.launchParameter?.['environment'] as {
            additionalUserLabels?: Record<string, string>;
          }
        )?.additionalUserLabels;
        const plan = behaviours.get(labels?.['dfchain-run'] ?? '');
        return plan ? plan(jobName, request) : {};
      },
      runDefaults: { pendingMs: 100, runMs: 300 },
      runBehaviour: (run) => runBehaviours.get(run.env[RUN_ENV] ?? '')?.(run) ?? {},
    },
    env: { DFCHAIN_CONFIRM_DEADLINE_SECONDS: '60' },
  });
}

/** Jobs the simulator created for one run, in launch order. */
export function jobsOfRun(stack: LocalStack, runId: string): SimulatedJob[] {
  return stack.simulator
    .jobs()
    .filter((job) => job.labels['dfchain-run'] === runId)
    .sort((a, b) => a.createTime - b.createTime);
}

/** Cloud Run executions the simulator started for one run, oldest first. */
export function executionsOfRun(stack: LocalStack, runId: string): SimulatedExecution[] {
  return stack.simulator
    .executions()
    .filter((execution) => execution.env[RUN_ENV] === runId)
    .sort((a, b) => a.createTime - b.createTime);
}

/** The time a job really reached its terminal state. */
export function endTime(job: SimulatedJob): number {
  const last = job.history.at(-1);
  assert.ok(last, `job ${job.name} has a history`);
  return last.time;
}

/** The built `dfchain` command (npm run build makes it). */
export const CLI = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/cli/main.js');

/** What one run of the built CLI printed, and how it exited (null: killed by a signal). */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI with the stack's client environment (plus `env`), stdout not a terminal;
 * resolves with its exit code and output, whatever the code.
 */
export function runCli(
  stack: LocalStack,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...stack.clientEnv(), ...env }, timeout: timeoutMs },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** Polls `check` every 100 ms until it is true; fails after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
