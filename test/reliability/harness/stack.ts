import { appendFileSync } from 'node:fs';
import { Firestore } from '@google-cloud/firestore';
import { fileURLToPath } from 'node:url';
import type { Run } from '../../../src/engine/run.js';
import type { SimulatorOptions } from '../../../src/local/simulator/index.js';
import { LocalStack } from '../../../src/local/stack.js';
import { FirestoreRunStore } from '../../../src/store/firestore.js';
import { executionKeyOf } from './mix-plans.js';
import { jobKeyOf, type RunPlan } from './plans.js';
import { startWorkload, type Workload } from './workload.js';

/** The reliability chains folder (test/fixtures/reliability-chains). */
export const RELIABILITY_CHAINS = fileURLToPath(
  new URL('../../fixtures/reliability-chains/', import.meta.url),
);

/**
 * dfchain's active-job budget in every scenario: a fraction of the jobs a scenario's runs
 * would run at once (dozens), yet enough to finish within the short form's deadlines (a slot
 * stays taken until the job's end is recorded, past the API's lag). The simulator's own quota
 * is the same, so a launch beyond the budget is refused and counted (Outcome.budget) instead
 * of going unseen.
 */
export const RELIABILITY_BUDGET = 6;

/** How to start the stack for one scenario. */
export interface ReliabilityStackOptions {
  /** Extra function environment, such as DFCHAIN_LOCAL_FAULTS. */
  readonly env?: NodeJS.ProcessEnv;
  readonly simulator?: Omit<SimulatorOptions, 'sink' | 'behaviour'>;
  readonly restartFunction?: boolean;
  /** Count pushes and acknowledgements per message (`stack.transport.deliveries`). */
  readonly countDeliveries?: boolean;
}

/** The stack, the run plans its simulator follows, and a store to read runs back. */
export interface ReliabilityStack {
  readonly stack: LocalStack;
  /**
   * Plans by run id: the simulator looks each job up here by its `dfchain-run` label, then by
   * its job key (state label, and the item of a Map's job).
   */
  readonly plans: Map<string, RunPlan>;
  /** Reads runs from the Firestore emulator, without the function's faults. */
  readonly store: FirestoreRunStore;
  /** relmix's callback workload, listening on its topic from the start. */
  readonly workload: Workload;
  stop(): Promise<void>;
}

function labelsOf(environment: unknown): Record<string, string> {
  const labels = (environment as { additionalUserLabels?: unknown } | undefined)
    ?.additionalUserLabels;
  return labels && typeof labels === 'object' ? (labels as Record<string, string>) : {};
}

/** The whole stack with both emulators required: a stand-in must never make a scenario pass. */
export async function startReliabilityStack(
  options: ReliabilityStackOptions = {},
): Promise<ReliabilityStack> {
  const plans = new Map<string, RunPlan>();
  const stack = await LocalStack.start({
    chainsDir: RELIABILITY_CHAINS,
    pubsub: true,
    firestore: true,
    restartFunction: options.restartFunction ?? false,
    countDeliveries: options.countDeliveries ?? false,
    simulator: {
      defaults: { queuedMs: 100, runMs: 300 },
      activeJobQuota: RELIABILITY_BUDGET,
      ...options.simulator,
      behaviour: ({ request }) => {
        const labels = labelsOf(request.launchParameter?.['environment']);
        const plan = plans.get(labels['dfchain-run'] ?? '');
        return plan?.jobs[jobKeyOf(labels, request.launchParameter?.['parameters'])] ?? {};
      },
      runDefaults: { pendingMs: 100, runMs: 300 },
      // relmix's executions, by the DFCHAIN_RUN marker and the file of their Map item.
      runBehaviour: ({ env }) =>
        plans.get(env['DFCHAIN_RUN'] ?? '')?.mix?.executions[executionKeyOf(env)] ?? {},
    },
    env: {
      DFCHAIN_CONFIRM_DEADLINE_SECONDS: '60',
      DFCHAIN_MAX_ACTIVE_JOBS: String(RELIABILITY_BUDGET),
      ...options.env,
    },
  });
  const db = new Firestore({
    projectId: stack.projectId,
    host: stack.firestoreHost,
    ssl: false,
    credentials: {},
  });
  const store = new FirestoreRunStore(db);
  const workload = await startWorkload(stack, plans);
  return {
    stack,
    plans,
    store,
    workload,
    stop: async () => {
      await workload.stop();
      await store.close();
      await stack.stop();
    },
  };
}

/** Publishes `{"dfchain":"tick"}` every `[min, max]` ms until stopped; counts what it sent. */
export function startTicker(
  stack: LocalStack,
  intervalMs: () => number,
): { count(): number; stop(): void } {
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(() => {
      if (stopped) return;
      sent += 1;
      stack.publish({ dfchain: 'tick' }).catch(() => undefined);
      schedule();
    }, intervalMs());
  };
  schedule();
  return {
    count: () => sent,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls the store until every run has ended or `deadlineMs` passed; returns each run as last
 * read (undefined: never created). One query per poll, plus one read per run that left it.
 */
export async function awaitRuns(
  store: FirestoreRunStore,
  runIds: readonly string[],
  deadlineMs: number,
  pollMs = 1000,
): Promise<Map<string, Run | undefined>> {
  const finals = new Map<string, Run | undefined>();
  const pending = new Set(runIds);
  const deadline = Date.now() + deadlineMs;
  while (pending.size > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const running = new Set((await store.listRunning()).map((run) => run.id));
    for (const runId of [...pending].filter((id) => !running.has(id))) {
      const run = await store.get(runId);
      if (run !== undefined && run.status !== 'RUNNING') {
        finals.set(runId, run);
        pending.delete(runId);
      }
    }
  }
  for (const runId of pending) finals.set(runId, await store.get(runId));
  return finals;
}

/**
 * Starts the stack before a scenario's tests and stops it after them. `options` is called in
 * the `before` hook, so a scenario can pick its seed there. Returns an accessor for the tests.
 */
export function useReliabilityStack(
  options: () => ReliabilityStackOptions = () => ({}),
): () => ReliabilityStack {
  let started: ReliabilityStack | undefined;
  before(async () => {
    started = await startReliabilityStack(options());
  });
  after(async () => {
    // DFCHAIN_RELIABILITY_DUMP=FILE keeps the function's log for a look after the scenario.
    const dump = process.env['DFCHAIN_RELIABILITY_DUMP'];
    if (dump && started) {
      appendFileSync(dump, started.stack.fn.lines.map((line) => `${line.text}\n`).join(''));
    }
    await started?.stop();
  });
  return () => {
    if (!started) throw new Error('the reliability stack did not start; see the before hook');
    return started;
  };
}
