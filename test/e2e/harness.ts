import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { LocalStack } from '../../src/local/stack.js';
import type {
  JobBehaviour,
  LaunchRequestBody,
  SimulatedJob,
} from '../../src/local/simulator/index.js';

/** The e2e chains folder (test/fixtures/e2e-chains). */
export const E2E_CHAINS = fileURLToPath(new URL('../fixtures/e2e-chains/', import.meta.url));

/** Per-run job behaviour, keyed by the `dfchain-run` label the function puts on every job. */
export const behaviours = new Map<
  string,
  (jobName: string, request: LaunchRequestBody) => Partial<JobBehaviour>
>();

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

/** The time a job really reached its terminal state. */
export function endTime(job: SimulatedJob): number {
  const last = job.history.at(-1);
  assert.ok(last, `job ${job.name} has a history`);
  return last.time;
}
