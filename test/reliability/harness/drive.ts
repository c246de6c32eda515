import type { Run } from '../../../src/engine/run.js';
import type { RunPlan } from './plans.js';
import type { Dice } from './scale.js';
import { awaitRuns, startTicker, type ReliabilityStack } from './stack.js';

/** How a scenario feeds its runs to the stack. */
export interface DriveOptions {
  /** Start commands go out at random moments within this window. */
  readonly startSpreadMs: number;
  /** Each start command is published this many times, [min, max]. */
  readonly startCopies?: readonly [number, number];
  /** Ticks every [min, max] ms while the runs are in flight; none when unset. */
  readonly tickMs?: readonly [number, number];
  /** How long after the last start every run must have ended. */
  readonly deadlineMs: number;
}

/** What {@link drive} saw. */
export interface Driven {
  readonly finals: Map<string, Run | undefined>;
  readonly ticks: number;
  readonly elapsedMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the plans, starts every run (with ticks throughout) and waits for them to end. */
export async function drive(
  rs: ReliabilityStack,
  plans: readonly RunPlan[],
  dice: Dice,
  options: DriveOptions,
): Promise<Driven> {
  const began = Date.now();
  for (const plan of plans) {
    rs.plans.set(plan.runId, plan);
    // relmix: the files its ItemReader lists, there before the run starts.
    for (const name of plan.mix?.objects ?? [])
      rs.stack.storage.put(plan.mix?.bucket ?? '', name, 'id,amount\n1,2\n', 'text/csv');
  }
  const tickMs = options.tickMs;
  const ticker = tickMs ? startTicker(rs.stack, () => dice.int(tickMs[0], tickMs[1])) : undefined;
  try {
    const [min, max] = options.startCopies ?? [1, 1];
    const starts = plans.flatMap((plan) =>
      Array.from({ length: dice.int(min, max) }, () => ({
        at: dice.int(0, options.startSpreadMs),
        command: { dfchain: 'start', chain: plan.chain, runId: plan.runId, input: plan.input },
      })),
    );
    starts.sort((a, b) => a.at - b.at);
    for (const start of starts) {
      const wait = start.at - (Date.now() - began);
      if (wait > 0) await sleep(wait);
      await rs.stack.publish(start.command);
    }
    const finals = await awaitRuns(
      rs.store,
      plans.map((plan) => plan.runId),
      options.deadlineMs,
    );
    return { finals, ticks: ticker?.count() ?? 0, elapsedMs: Date.now() - began };
  } finally {
    ticker?.stop();
  }
}
