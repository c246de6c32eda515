import { drive } from './harness/drive.js';
import { measure } from './harness/outcome.js';
import { planMixed } from './harness/plans.js';
import { assertTargets, printReport } from './harness/report.js';
import { Dice, FULL, seedFor, size } from './harness/scale.js';
import { useReliabilityStack } from './harness/stack.js';

describe('reliability 4: lost events', function () {
  this.timeout(FULL ? 600_000 : 150_000);
  const rs = useReliabilityStack();

  it('10 % of completion events never arrive: ticks reconcile every run', async () => {
    const seed = seedFor('4 lost events');
    const plans = planMixed(size(100, 25), new Dice(seed), {
      prefix: 'lost',
      failShare: 0.3,
      queuedMs: [50, 400],
      runMs: [200, 1500],
      apiLagMs: [0, 500],
    });
    rs().stack.sinkChaos = {
      copies: [1, 1],
      maxDelayMs: 0,
      dropRate: 0.1,
      random: new Dice(seed + 1).next,
    };
    const driven = await drive(rs(), plans, new Dice(seed + 2), {
      startSpreadMs: size(10_000, 3000),
      tickMs: [1000, 2000],
      deadlineMs: size(180_000, 90_000),
    });
    const outcome = measure(rs().stack, plans, driven.finals);
    const sink = rs().stack.sinkStats;
    const advanced = rs().stack.fn.lines.reduce(
      (sum, l) => sum + (l.json?.['event'] === 'tick.done' ? Number(l.json['advanced']) || 0 : 0),
      0,
    );
    const extras = [
      { check: 'completion entries (sink)', actual: sink.entries },
      {
        check: 'completion events dropped',
        target: '> 0',
        actual: sink.dropped.length,
        ok: sink.dropped.length > 0,
      },
      {
        check: 'steps advanced by a tick',
        target: '>= dropped',
        actual: advanced,
        ok: advanced >= sink.dropped.length,
      },
      { check: 'ticks published', actual: driven.ticks },
    ];
    printReport('4. lost events', seed, driven.elapsedMs, outcome, extras);
    assertTargets(outcome, extras, rs().stack.fn.lines);
  });
});
