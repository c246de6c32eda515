import { strict as assert } from 'node:assert';
import { pushPath } from '../../src/local/transport.js';
import { AckCounter } from './harness/acks.js';
import { drive } from './harness/drive.js';
import { fuzzMessage, type FuzzMessage } from './harness/fuzz.js';
import { measure } from './harness/outcome.js';
import { planFanRuns, planRuns } from './harness/plans.js';
import { printTable } from './harness/table.js';
import { Dice, FULL, seedFor, size } from './harness/scale.js';
import { useReliabilityStack } from './harness/stack.js';

describe('reliability 5: fuzz', function () {
  this.timeout(FULL ? 600_000 : 150_000);
  // Pushes and acknowledgements are counted by the transport, so "once" needs no waiting.
  const rs = useReliabilityStack(() => ({ countDeliveries: true }));

  it('random and malformed messages are each acknowledged once with a reason; the function keeps serving', async () => {
    const seed = seedFor('5 fuzz');
    const dice = new Dice(seed);
    const began = Date.now();
    const acks = new AckCounter();
    rs().stack.fn.onLine(acks.see);
    const url = `${rs().stack.fn.url}${pushPath(rs().stack.projectId, 'dfchain-events')}`;
    /** `status`: a direct post's answer; `id`: the message id of a published message. */
    const sent: { message: FuzzMessage; key: string; status?: number; id?: string }[] = [];
    const send = async (message: FuzzMessage) => {
      if (message.via === 'post') {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: message.body,
        });
        await response.arrayBuffer();
        sent.push({ message, key: message.messageId, status: response.status });
      } else {
        const id = await rs().stack.transport.publish(message.data);
        sent.push({ message, key: message.jobName ? `job:${message.jobName}` : id, id });
      }
    };
    const total = size(10_000, 1000);
    for (let n = 0; n < total; n += 50) {
      const batch = Array.from({ length: Math.min(50, total - n) }, (_, i) =>
        fuzzMessage(dice, n + i),
      );
      await Promise.all(batch.map(send));
    }
    const deliveries = rs().stack.transport.deliveries;
    assert.ok(deliveries, 'the stack counts pushes and acknowledgements');
    const published = sent.flatMap((s) => (s.id === undefined ? [] : [s.id]));
    const budget = size(300_000, 60_000);
    const began2 = Date.now();
    // Budgets, not sleeps: each wait ends as soon as its condition holds. A shortfall is not
    // thrown here but shows in the table and the assertions below.
    await deliveries
      .until(() => published.every((id) => deliveries.count(id).acks > 0), budget)
      .catch(() => undefined);
    await acks.until(
      () => sent.every((s) => acks.count(s.key) > 0),
      Math.max(0, budget - (Date.now() - began2)),
    );
    // A published message is done with once its first push was acknowledged: Pub/Sub pushes an
    // acknowledged message no more, so {pushes: 1, acks: 1} proves "not redelivered" at once.
    const pushedAgain = (s: (typeof sent)[number]) =>
      s.id !== undefined && deliveries.count(s.id).pushes > 1;
    /** One reason logged, and the transport saw one push, acknowledged (posts: answered 2xx). */
    const ackedOnce = (s: (typeof sent)[number]) =>
      acks.count(s.key) === 1 &&
      (s.id === undefined
        ? s.status !== undefined && s.status >= 200 && s.status < 300
        : deliveries.count(s.id).pushes === 1 && deliveries.count(s.id).acks === 1);
    const exitsBefore = rs().stack.fn.exits.length;
    const normal = {
      prefix: 'after-fuzz',
      failShare: 0,
      queuedMs: [50, 50],
      runMs: [200, 200],
      apiLagMs: [0, 0],
    } as const;
    // One run of each chain: a plain sequence, and a fan-out with its join.
    const plans = [...planRuns(1, dice, normal), ...planFanRuns(1, dice, normal)];
    const driven = await drive(rs(), plans, dice, { startSpreadMs: 0, deadlineMs: 60_000 });
    const after = measure(rs().stack, plans, driven.finals);

    const categories = [...new Set(sent.map((s) => s.message.category))].sort();
    const row = (category: string) => {
      const of = sent.filter((s) => s.message.category === category);
      return [
        category,
        of.length,
        of.filter(ackedOnce).length,
        of.filter((s) => acks.count(s.key) === 0).length,
        of.filter((s) => acks.count(s.key) > 1).length,
        of.filter((s) => s.status !== undefined && (s.status < 200 || s.status > 299)).length,
        of.filter(pushedAgain).length,
      ];
    };
    const rows = categories.map(row);
    const sum = (i: number) => rows.reduce((acc, r) => acc + Number(r[i]), 0);
    console.log(
      `\n[reliability] 5. fuzz: ${sent.length} messages, seed ${seed}, ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
    printTable(
      [
        'category',
        'sent',
        'acked once',
        'no reason logged',
        'handled twice+',
        'HTTP not 2xx',
        'pushed twice+',
      ],
      [...rows, ['total', sum(1), sum(2), sum(3), sum(4), sum(5), sum(6)]],
    );
    const unhandled = after.unhandled.length;
    console.log('');
    printTable(
      ['check', 'target', 'actual'],
      [
        ['messages acknowledged once with a reason', `${sent.length} (100 %)`, sum(2)],
        ['delivery.retry lines', '0', acks.retries],
        ['messages pushed more than once', '0', sum(6)],
        ['unhandled errors', '0', unhandled],
        ['function process exits', '0', exitsBefore],
        [
          'normal runs afterwards (rel4, relfan)',
          'SUCCEEDED, SUCCEEDED',
          after.states.map((s) => s.actual).join(', '),
        ],
      ],
    );
    assert.equal(sum(2), sent.length, 'every message acknowledged exactly once with a reason');
    assert.equal(sum(5), 0, 'every direct post answered 2xx');
    assert.equal(sum(6), 0, 'every published message acknowledged at its first push');
    assert.equal(acks.retries, 0, 'no delivery retried');
    assert.equal(unhandled, 0, `unhandled errors:\n${after.unhandled.slice(0, 5).join('\n')}`);
    assert.equal(exitsBefore, 0, 'the function process never exited');
    assert.deepEqual(
      after.states.map((s) => [s.runId, s.right]),
      plans.map((plan) => [plan.runId, true]),
      `normal runs still succeed after the fuzz, each job launched once: ${JSON.stringify(after.states)}`,
    );
  });
});
