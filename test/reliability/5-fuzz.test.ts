import { strict as assert } from 'node:assert';
import { pushPath } from '../../src/local/transport.js';
import { AckCounter } from './harness/acks.js';
import { drive } from './harness/drive.js';
import { fuzzMessage, type FuzzMessage } from './harness/fuzz.js';
import { measure } from './harness/outcome.js';
import { planRuns } from './harness/plans.js';
import { printTable } from './harness/table.js';
import { Dice, FULL, seedFor, size } from './harness/scale.js';
import { useReliabilityStack } from './harness/stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reliability 5: fuzz', function () {
  this.timeout(FULL ? 600_000 : 150_000);
  const rs = useReliabilityStack();

  it('random and malformed messages are each acknowledged once with a reason; the function keeps serving', async () => {
    const seed = seedFor('5 fuzz');
    const dice = new Dice(seed);
    const began = Date.now();
    const acks = new AckCounter();
    rs().stack.fn.onLine(acks.see);
    const url = `${rs().stack.fn.url}${pushPath(rs().stack.projectId, 'dfchain-events')}`;
    const sent: { message: FuzzMessage; key: string; status?: number }[] = [];
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
        sent.push({ message, key: message.jobName ? `job:${message.jobName}` : id });
      }
    };
    const total = size(10_000, 1000);
    for (let n = 0; n < total; n += 50) {
      const batch = Array.from({ length: Math.min(50, total - n) }, (_, i) =>
        fuzzMessage(dice, n + i),
      );
      await Promise.all(batch.map(send));
    }
    const deadline = Date.now() + size(300_000, 60_000);
    while (Date.now() < deadline && sent.some((s) => acks.count(s.key) === 0)) await sleep(500);
    // An unacknowledged message would be pushed again within about a second.
    await sleep(2500);
    const exitsBefore = rs().stack.fn.exits.length;
    const plans = planRuns(1, dice, {
      prefix: 'after-fuzz',
      failShare: 0,
      queuedMs: [50, 50],
      runMs: [200, 200],
      apiLagMs: [0, 0],
    });
    const driven = await drive(rs(), plans, dice, { startSpreadMs: 0, deadlineMs: 60_000 });
    const after = measure(rs().stack, plans, driven.finals);

    const categories = [...new Set(sent.map((s) => s.message.category))].sort();
    const row = (category: string) => {
      const of = sent.filter((s) => s.message.category === category);
      return [
        category,
        of.length,
        of.filter((s) => acks.count(s.key) === 1).length,
        of.filter((s) => acks.count(s.key) === 0).length,
        of.filter((s) => acks.count(s.key) > 1).length,
        of.filter((s) => s.status !== undefined && (s.status < 200 || s.status > 299)).length,
      ];
    };
    const rows = categories.map(row);
    const sum = (i: number) => rows.reduce((acc, r) => acc + Number(r[i]), 0);
    console.log(
      `\n[reliability] 5. fuzz: ${sent.length} messages, seed ${seed}, ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
    printTable(
      ['category', 'sent', 'acked once', 'no reason logged', 'handled twice+', 'HTTP not 2xx'],
      [...rows, ['total', sum(1), sum(2), sum(3), sum(4), sum(5)]],
    );
    const unhandled = after.unhandled.length;
    console.log('');
    printTable(
      ['check', 'target', 'actual'],
      [
        ['messages acknowledged once with a reason', `${sent.length} (100 %)`, sum(2)],
        ['delivery.retry lines', '0', acks.retries],
        ['unhandled errors', '0', unhandled],
        ['function process exits', '0', exitsBefore],
        ['a normal run afterwards', 'SUCCEEDED', after.states[0]?.actual ?? '?'],
      ],
    );
    assert.equal(sum(2), sent.length, 'every message acknowledged exactly once with a reason');
    assert.equal(sum(5), 0, 'every direct post answered 2xx');
    assert.equal(acks.retries, 0, 'no delivery retried');
    assert.equal(unhandled, 0, `unhandled errors:\n${after.unhandled.slice(0, 5).join('\n')}`);
    assert.equal(exitsBefore, 0, 'the function process never exited');
    assert.equal(after.states[0]?.right, true, 'a normal run still succeeds after the fuzz');
  });
});
