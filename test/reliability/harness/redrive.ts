import type { Run } from '../../../src/engine/run.js';
import type { FunctionLine } from '../../../src/local/function-process.js';
import type { SimulatedJob } from '../../../src/local/simulator/index.js';
import type { LocalStack } from '../../../src/local/stack.js';
import { pushPath } from '../../../src/local/transport.js';
import { FAN_JOBS, STATES, jobKeyOf, type PlanOptions, type RunPlan } from './plans.js';
import type { Dice } from './scale.js';
import type { ReliabilityStack } from './stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Dataflow's terminal job states (ARCHITECTURE.md §4). */
const TERMINAL = new Set(
  ['DONE', 'FAILED', 'CANCELLED', 'UPDATED', 'DRAINED'].map((s) => `JOB_STATE_${s}`),
);

/** Every job key of a plan's chain. */
export function keysOf(plan: RunPlan): readonly string[] {
  return plan.chain === 'rel4' ? STATES : FAN_JOBS;
}

/** The simulator's jobs of one run, in launch order. */
export function jobsOf(stack: LocalStack, runId: string): SimulatedJob[] {
  return stack.simulator.jobs().filter((job) => job.labels['dfchain-run'] === runId);
}

/** The job key of a simulated job (see jobKeyOf). */
export const keyOfJob = (job: SimulatedJob): string =>
  jobKeyOf(job.labels, job.request.launchParameter?.['parameters']);

/** The plan once healed: every job ends DONE, with durations drawn afresh. */
export function healed(
  plan: RunPlan,
  dice: Dice,
  options: Pick<PlanOptions, 'queuedMs' | 'runMs' | 'apiLagMs'>,
): RunPlan {
  const jobs = Object.fromEntries(
    keysOf(plan).map((key) => [
      key,
      {
        outcome: 'DONE' as const,
        queuedMs: dice.int(...options.queuedMs),
        runMs: dice.int(...options.runMs),
        apiLagMs: dice.int(...options.apiLagMs),
      },
    ]),
  );
  return { ...plan, jobs };
}

/** One run as it stood when it had failed: its launches per job key, and the jobs it keeps. */
export interface BeforeRedrive {
  readonly launches: ReadonlyMap<string, number>;
  /** Job keys whose job's success the run recorded (not abandoned): a redrive keeps them. */
  readonly kept: ReadonlySet<string>;
}

/**
 * Reads what each failed run launched (the simulator) and which of its jobs succeeded as the
 * run saw it (the run's and its parts' ended steps: SUCCEEDED and not abandoned). A job the
 * simulator ran to DONE after its branch was stopped is not kept: the redrive runs it again.
 */
export async function beforeRedrive(
  rs: ReliabilityStack,
  plans: readonly RunPlan[],
): Promise<Map<string, BeforeRedrive>> {
  const seen = new Map<string, BeforeRedrive>();
  for (const plan of plans) {
    const jobs = jobsOf(rs.stack, plan.runId);
    const keyOfName = new Map(jobs.map((job) => [job.name, keyOfJob(job)]));
    const launches = new Map<string, number>();
    for (const job of jobs) launches.set(keyOfJob(job), (launches.get(keyOfJob(job)) ?? 0) + 1);
    // A run's ended steps are in its history; a part's in its own document (`ended`).
    const steps = [
      ...(await rs.store.history(plan.runId)),
      ...(await rs.store.parts(plan.runId)).flatMap((part) => part.ended ?? []),
    ];
    const kept = new Set<string>();
    for (const step of steps) {
      const key = keyOfName.get(step.jobName);
      if (step.status === 'SUCCEEDED' && step.abandoned !== true && key !== undefined)
        kept.add(key);
    }
    seen.set(plan.runId, { launches, kept });
  }
  return seen;
}

/**
 * The plan the redriven run must follow: it succeeds; every job key is launched, the kept ones
 * never again, the others launched before (failed or stopped) exactly once more.
 */
export function afterPlan(plan: RunPlan, before: BeforeRedrive): RunPlan {
  const keys = keysOf(plan);
  return {
    ...plan,
    expected: 'SUCCEEDED',
    launched: keys,
    mayLaunch: [],
    relaunched: keys.filter((key) => (before.launches.get(key) ?? 0) > 0 && !before.kept.has(key)),
  };
}

/**
 * Resolves once every job of the runs is terminal and no job was created for `quietMs`: a
 * launch in flight when its branch was stopped lands before the redrive, not after it.
 */
export async function settle(
  stack: LocalStack,
  runIds: readonly string[],
  quietMs: number,
  deadlineMs: number,
): Promise<boolean> {
  const ids = new Set(runIds);
  const deadline = Date.now() + deadlineMs;
  let count = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const jobs = stack.simulator.jobs().filter((job) => ids.has(job.labels['dfchain-run'] ?? ''));
    if (jobs.length !== count) {
      count = jobs.length;
      since = Date.now();
    }
    const ended = jobs.every((job) => TERMINAL.has(job.history.at(-1)?.state ?? ''));
    if (ended && Date.now() - since >= quietMs) return true;
    await sleep(200);
  }
  return false;
}

/**
 * Posts a Pub/Sub push of `data` under `messageId` straight to the function: a redelivery of a
 * message it may have handled already. Retried while the function is down (a crash restarts it).
 */
export async function redeliver(
  stack: LocalStack,
  messageId: string,
  data: unknown,
): Promise<void> {
  const body = JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(data)).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
      attributes: {},
    },
    subscription: `projects/${stack.projectId}/subscriptions/${stack.topic}-push`,
  });
  const url = `${stack.fn.url}${pushPath(stack.projectId, stack.topic)}`;
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // The function is being restarted after a crash: as Pub/Sub, try again.
    }
    await sleep(500);
  }
  throw new Error(`redelivery of message ${messageId} was never acknowledged`);
}

/** What {@link redriveAll} sent. */
export interface Redriven {
  /** The first redrive command's message id, per run. */
  readonly first: ReadonlyMap<string, string>;
  /** Redeliveries of a first command (same message id). */
  readonly redeliveries: number;
  /** Second commands (new message id), each sent once its run was seen running again. */
  readonly duplicates: number;
}

/**
 * Publishes a redrive of each run, at random moments within `spreadMs`; some are redelivered
 * (same message id) once or twice, at once or a little later. A second redrive of each run,
 * a new message, is published once the run is seen redriven (RUNNING or ended again).
 */
export async function redriveAll(
  rs: ReliabilityStack,
  runIds: readonly string[],
  dice: Dice,
  spreadMs: number,
  deadlineMs: number,
): Promise<Redriven> {
  const first = new Map<string, string>();
  const sends: Promise<void>[] = [];
  let redeliveries = 0;
  const began = Date.now();
  const order = runIds
    .map((runId) => ({ runId, at: dice.int(0, spreadMs), copies: dice.pick([0, 0, 1, 2]) }))
    .sort((a, b) => a.at - b.at);
  for (const { runId, at, copies } of order) {
    const wait = at - (Date.now() - began);
    if (wait > 0) await sleep(wait);
    const command = { dfchain: 'redrive', runId };
    const id = await rs.stack.publish(command);
    first.set(runId, id);
    for (let i = 0; i < copies; i++) {
      redeliveries += 1;
      const delay = dice.int(0, 1500);
      sends.push(sleep(delay).then(() => redeliver(rs.stack, id, command)));
    }
  }
  const pending = new Set(runIds);
  let duplicates = 0;
  const deadline = Date.now() + deadlineMs;
  while (pending.size > 0 && Date.now() < deadline) {
    await sleep(300);
    for (const runId of [...pending]) {
      const run: Run | undefined = await rs.store.get(runId);
      if (run === undefined || run.status === 'FAILED' || (run.redriveCount ?? 0) < 1) continue;
      pending.delete(runId);
      duplicates += 1;
      await rs.stack.publish({ dfchain: 'redrive', runId });
    }
  }
  await Promise.all(sends);
  return { first, redeliveries, duplicates };
}

/** True when `line` is the function refusing a redrive of `runId` because it is not FAILED. */
export function refusedRedrive(line: FunctionLine, runId: string): boolean {
  return (
    line.json?.['event'] === 'message.ignored' &&
    line.json['runId'] === runId &&
    /is (RUNNING|SUCCEEDED): only a FAILED or CANCELLED run can be redriven/.test(
      String(line.json['reason']),
    )
  );
}
