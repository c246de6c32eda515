import { CRASH_POINTS } from '../../src/local/crash.js';
import { measure } from './harness/outcome.js';
import { planFanRuns, planRuns, type PlanOptions, type RunPlan } from './harness/plans.js';
import {
  afterPlan,
  beforeRedrive,
  healed,
  redriveAll,
  refusedRedrive,
  settle,
} from './harness/redrive.js';
import { assertTargets, printReport, type Extra } from './harness/report.js';
import { Dice, FULL, seedFor, size } from './harness/scale.js';
import { awaitRuns, startTicker, useReliabilityStack } from './harness/stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TIMING: Omit<PlanOptions, 'prefix' | 'failShare'> = {
  queuedMs: [50, 300],
  runMs: [200, 1000],
  apiLagMs: [0, 500],
};

describe('reliability 6: redrive', function () {
  this.timeout(FULL ? 600_000 : 150_000);
  let seed = 0;
  const rs = useReliabilityStack(() => {
    seed = seedFor('6 redrive');
    return {
      // As in 3-crashes: each crash point of a transition (a redrive's too) kills the process
      // with this probability; a short call timeout keeps a crashed holder's launch lease short.
      env: {
        DFCHAIN_LOCAL_FAULTS: `crash=0.03,seed=${seed}`,
        DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '2',
      },
      restartFunction: true,
    };
  });

  it('every run fails once, is healed and redriven (twice, and redelivered) under duplicates and crashes: each ends SUCCEEDED, kept jobs never run again, failed ones exactly once more', async () => {
    const dice = new Dice(seed);
    const began = Date.now();
    // Every run fails at one random job; half of them are relfan runs, whose redrive resumes
    // parts (branches, items) as well as the run.
    const count = size(48, 12);
    const options = { prefix: 'redrive', failShare: 1, ...TIMING };
    const plans: RunPlan[] = [
      ...planRuns(count / 2, dice, options),
      ...planFanRuns(count / 2, dice, options),
    ];
    const runIds = plans.map((plan) => plan.runId);
    rs().stack.sinkChaos = {
      copies: [1, 3],
      maxDelayMs: 1500,
      dropRate: 0,
      random: new Dice(seed + 1).next,
    };
    const ticks = new Dice(seed + 2);
    // Ticks come faster while the redrives are handled: a tick between the steps of one
    // redrive is what would find a resumed part under a run not yet resumed.
    let tickMs: readonly [number, number] = [1000, 2000];
    const ticker = startTicker(rs().stack, () => ticks.int(...tickMs));
    const starts = new Dice(seed + 3);
    try {
      for (const plan of plans) rs().plans.set(plan.runId, plan);
      const spread = size(8000, 2000);
      for (const plan of [...plans].sort(() => starts.next() - 0.5)) {
        await rs().stack.publish({
          dfchain: 'start',
          chain: plan.chain,
          runId: plan.runId,
          input: plan.input,
        });
        await sleep(starts.int(0, spread / plans.length));
      }
      const failed = await awaitRuns(rs().store, runIds, size(180_000, 60_000), 500);
      const settled = await settle(rs().stack, runIds, 1500, 20_000);
      const before = await beforeRedrive(rs(), plans);
      const after = plans.map((plan) => afterPlan(plan, before.get(plan.runId)!));
      const heal = new Dice(seed + 4);
      for (const plan of plans) rs().plans.set(plan.runId, healed(plan, heal, TIMING));
      const failedFirst = plans.filter((plan) => failed.get(plan.runId)?.status === 'FAILED');

      const redriveBegan = Date.now();
      tickMs = [150, 400];
      const sent = await redriveAll(
        rs(),
        runIds,
        new Dice(seed + 5),
        size(5000, 1500),
        size(120_000, 45_000),
      );
      tickMs = [1000, 2000];
      const finals = await awaitRuns(rs().store, runIds, size(180_000, 60_000), 500);

      const outcome = measure(rs().stack, after, finals);
      const lines = rs().stack.fn.lines;
      const names = rs()
        .stack.simulator.jobs()
        .map((job) => job.name);
      const repeatedNames = names.length - new Set(names).size;
      // A job a redrive launched must never be cancelled: only a stale stop (one that read the
      // run before its redrive) would do that, and the job would then be launched a third time.
      const ids = new Set(runIds);
      const cancelledAfter = rs()
        .stack.simulator.jobs()
        .filter(
          (job) =>
            ids.has(job.labels['dfchain-run'] ?? '') &&
            job.createTime >= redriveBegan &&
            job.history.some((change) => change.state === 'JOB_STATE_CANCELLED'),
        ).length;
      const redrivenOnce = runIds.filter((id) => finals.get(id)?.redriveCount === 1).length;
      const refused = runIds.filter((id) => lines.some((line) => refusedRedrive(line, id))).length;
      const relaunched = after.reduce((sum, plan) => sum + (plan.relaunched?.length ?? 0), 0);
      const kept = [...before.values()].reduce((sum, b) => sum + b.kept.size, 0);
      const extras: Extra[] = [
        {
          check: 'runs FAILED before the redrive (planned failure)',
          target: String(plans.length),
          actual: failedFirst.length,
          ok: failedFirst.length === plans.length,
        },
        {
          check: 'jobs all ended before the redrive',
          target: 'yes',
          actual: settled ? 'yes' : 'no',
          ok: settled,
        },
        { check: 'jobs kept (succeeded before the redrive)', actual: kept },
        { check: 'job keys relaunched once (failed or stopped)', actual: relaunched },
        {
          check: 'job names launched twice',
          target: '0',
          actual: repeatedNames,
          ok: repeatedNames === 0,
        },
        {
          check: 'jobs launched after the redrive, then cancelled',
          target: '0',
          actual: cancelledAfter,
          ok: cancelledAfter === 0,
        },
        {
          check: 'runs redriven exactly once (RedriveCount 1)',
          target: String(plans.length),
          actual: redrivenOnce,
          ok: redrivenOnce === plans.length,
        },
        {
          check: 'second redrives (new message id) refused',
          target: String(sent.duplicates),
          actual: refused,
          ok: refused === plans.length && sent.duplicates === plans.length,
        },
        { check: 'redeliveries of a first redrive (same message id)', actual: sent.redeliveries },
        ...CRASH_POINTS.map((point) => ({
          check: `crashes ${point}`,
          actual: outcome.crashes[point] ?? 0,
        })),
        { check: 'function restarts', actual: rs().stack.fn.exits.length },
        { check: 'completion deliveries published', actual: rs().stack.sinkStats.published },
        { check: 'ticks published', actual: ticker.count() },
      ];
      printReport('6. redrive', seed, Date.now() - began, outcome, extras);
      assertTargets(outcome, extras, lines);
    } finally {
      ticker.stop();
    }
  });
});
