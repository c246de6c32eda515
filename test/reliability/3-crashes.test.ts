import type { Run } from '../../src/engine/run.js';
import { CRASH_POINTS } from '../../src/local/crash.js';
import { drive } from './harness/drive.js';
import { measure } from './harness/outcome.js';
import { planWithMix } from './harness/mix-plans.js';
import type { RunPlan } from './harness/plans.js';
import { assertTargets, printReport } from './harness/report.js';
import { Dice, FULL, seedFor, size } from './harness/scale.js';
import { useReliabilityStack } from './harness/stack.js';

describe('reliability 3: crashes', function () {
  this.timeout(FULL ? 720_000 : 180_000);
  let seed = 0;
  const rs = useReliabilityStack(() => {
    seed = seedFor('3 crashes');
    return {
      // Each crash point of a transition kills the process with this probability.
      // A short call timeout keeps the launch lease short (2 x 2 s + 10 s): an intent whose
      // holder was killed before launching is taken over after the lease, by a tick.
      env: {
        DFCHAIN_LOCAL_FAULTS: `crash=0.04,seed=${seed}`,
        DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '2',
      },
      restartFunction: true,
    };
  });

  it('the function is killed mid-transition again and again: redelivery and ticks finish every run', async () => {
    const target = size(50, 10);
    const dice = new Dice(seed);
    const plans: RunPlan[] = [];
    const finals = new Map<string, Run | undefined>();
    let ticks = 0;
    const began = Date.now();
    // Crashes are random: add batches of runs until enough of them lived through one.
    for (let batch = 0; batch < 5; batch++) {
      const crashed = measure(rs().stack, plans, finals).crashedRuns;
      const missing = target - plans.filter((plan) => crashed.has(plan.runId)).length;
      if (missing <= 0) break;
      // About 40 % of runs live through a crash at this rate.
      // A quarter of them relmix runs: crashes around Cloud Run launches and callbacks.
      const more = planWithMix(
        Math.max(5, Math.ceil(missing * 2.5)),
        dice,
        {
          prefix: `crash${batch}`,
          failShare: 0.3,
          queuedMs: [50, 400],
          runMs: [300, 1500],
          apiLagMs: [0, 500],
          callbackDelayMs: 1500,
        },
        0.25,
      );
      plans.push(...more);
      const driven = await drive(rs(), more, new Dice(seed + 10 + batch), {
        startSpreadMs: size(8000, 3000),
        tickMs: [2000, 4000],
        deadlineMs: size(180_000, 100_000),
      });
      for (const [runId, run] of driven.finals) finals.set(runId, run);
      ticks += driven.ticks;
    }
    const outcome = measure(rs().stack, plans, finals, rs().workload);
    const crashedRuns = plans.filter((plan) => outcome.crashedRuns.has(plan.runId)).length;
    const extras = [
      {
        check: 'runs that lived through a crash',
        target: `>= ${target}`,
        actual: crashedRuns,
        ok: crashedRuns >= target,
      },
      {
        check: '… of them relfan runs (fan-out and join)',
        actual: plans.filter(
          (plan) => plan.chain === 'relfan' && outcome.crashedRuns.has(plan.runId),
        ).length,
      },
      {
        check: '… of them relmix runs (Cloud Run, callbacks)',
        actual: plans.filter(
          (plan) => plan.chain === 'relmix' && outcome.crashedRuns.has(plan.runId),
        ).length,
      },
      ...CRASH_POINTS.map((point) => ({
        check: `crashes ${point}`,
        actual: outcome.crashes[point] ?? 0,
      })),
      { check: 'function restarts', actual: rs().stack.fn.exits.length },
      { check: 'ticks published', actual: ticks },
    ];
    printReport('3. crashes', seed, Date.now() - began, outcome, extras);
    assertTargets(outcome, extras, rs().stack.fn.lines);
  });
});
