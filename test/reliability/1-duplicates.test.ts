import { drive } from './harness/drive.js';
import { measure } from './harness/outcome.js';
import { planWithMix } from './harness/mix-plans.js';
import { assertTargets, printReport } from './harness/report.js';
import { Dice, FULL, seedFor, size } from './harness/scale.js';
import { useReliabilityStack } from './harness/stack.js';

describe('reliability 1: duplicates and disorder', function () {
  this.timeout(FULL ? 600_000 : 150_000);
  const rs = useReliabilityStack();

  it('every completion delivered 1–3 times, out of order, with ticks throughout: each run ends right, each job launched once', async () => {
    const seed = seedFor('1 duplicates and disorder');
    const dice = new Dice(seed);
    // A quarter of the runs are relmix runs: Cloud Run executions, whose completion entries the
    // sink duplicates too, and callbacks the workload repeats.
    const plans = planWithMix(
      size(200, 30),
      dice,
      {
        prefix: 'dup',
        failShare: 0.3,
        queuedMs: [50, 400],
        runMs: [200, 1500],
        apiLagMs: [0, 1500],
        callbackDelayMs: 1500,
      },
      0.25,
    );
    rs().stack.sinkChaos = {
      copies: [1, 3],
      maxDelayMs: 3000,
      dropRate: 0,
      random: new Dice(seed + 1).next,
    };
    const driven = await drive(rs(), plans, new Dice(seed + 2), {
      startSpreadMs: size(20_000, 5000),
      startCopies: [1, 3],
      tickMs: [1000, 2000],
      deadlineMs: size(240_000, 90_000),
    });
    const outcome = measure(rs().stack, plans, driven.finals, rs().workload);
    const sink = rs().stack.sinkStats;
    const extras = [
      { check: 'completion entries (sink)', actual: sink.entries },
      { check: 'completion deliveries published', actual: sink.published },
      { check: 'ticks published', actual: driven.ticks },
    ];
    printReport('1. duplicates and disorder', seed, driven.elapsedMs, outcome, extras);
    assertTargets(outcome, extras, rs().stack.fn.lines);
  });
});
