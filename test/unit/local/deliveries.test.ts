import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryLedger, pushedMessageId } from '../../../src/local/deliveries.js';
import { directTransport } from '../../../src/local/direct-transport.js';
import { startPushRelay } from '../../../src/local/push-relay.js';

/** A stand-in function: answers each push with the next status of `statuses` (then 204). */
async function fakeFunction(
  statuses: number[],
): Promise<{ url: string; server: Server; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    request.resume();
    request.on('end', () => {
      response.writeHead(statuses.shift() ?? 204);
      response.end('answer');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, paths };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const pushBody = (messageId: string) =>
  JSON.stringify({ message: { data: '', messageId }, subscription: 'projects/p/subscriptions/s' });

describe('local: delivery ledger', () => {
  it('counts pushes, and only 2xx answers as acknowledgements', () => {
    const ledger = new DeliveryLedger();
    ledger.record('1', 500);
    ledger.record('1', undefined);
    ledger.record('1', 204);
    ledger.record('2', 200);
    ledger.record('3', 300);
    assert.deepEqual(ledger.count('1'), { pushes: 3, acks: 1 });
    assert.deepEqual(ledger.count('2'), { pushes: 1, acks: 1 });
    assert.deepEqual(ledger.count('3'), { pushes: 1, acks: 0 });
    assert.deepEqual(ledger.count('never'), { pushes: 0, acks: 0 });
    assert.equal(ledger.totalPushes, 5);
  });

  it('until resolves at the push that makes the condition true, not later', async () => {
    const ledger = new DeliveryLedger();
    const done = ledger.until(() => ledger.count('a').acks === 1, 60_000);
    let resolved = false;
    void done.then(() => (resolved = true));
    ledger.record('a', 503);
    await Promise.resolve();
    assert.equal(resolved, false);
    ledger.record('a', 200);
    await done;
    assert.equal(resolved, true);
  });

  it('until rejects when the budget runs out, saying what was missing', async () => {
    const ledger = new DeliveryLedger();
    await assert.rejects(
      ledger.until(
        () => false,
        10,
        () => ': message 7',
      ),
      /^Error: deliveries: condition not met within 10 ms : message 7$/,
    );
  });

  it('reads the message id of a push body in either spelling, and nothing from other bodies', () => {
    assert.equal(pushedMessageId(pushBody('42')), '42');
    assert.equal(pushedMessageId(JSON.stringify({ message: { message_id: '43' } })), '43');
    assert.equal(pushedMessageId('{"message":{"messageId":7}}'), undefined);
    assert.equal(pushedMessageId('not json'), undefined);
  });

  it('the direct transport records each push and its answer, and stops redelivering once acknowledged', async () => {
    const fn = await fakeFunction([503]);
    const transport = directTransport('p', 'topic', fn.url);
    try {
      const id = await transport.publish(Buffer.from('{}'));
      const deliveries = transport.deliveries!;
      await deliveries.until(() => deliveries.count(id).acks === 1, 10_000);
      assert.deepEqual(deliveries.count(id), { pushes: 2, acks: 1 });
      assert.deepEqual(fn.paths, ['/projects/p/topics/topic', '/projects/p/topics/topic']);
    } finally {
      await transport.stop();
      await close(fn.server);
    }
  });

  it('the push relay forwards path, body and answer, and records each push by message id', async () => {
    const fn = await fakeFunction([500, 200]);
    const ledger = new DeliveryLedger();
    const relay = await startPushRelay(fn.url, ledger);
    try {
      const push = () =>
        fetch(`${relay.url}/projects/p/topics/t`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: pushBody('m-1'),
        });
      const first = await push();
      assert.equal(first.status, 500);
      const second = await push();
      assert.equal(second.status, 200);
      assert.equal(await second.text(), 'answer');
      assert.deepEqual(ledger.count('m-1'), { pushes: 2, acks: 1 });
      assert.deepEqual(fn.paths, ['/projects/p/topics/t', '/projects/p/topics/t']);
    } finally {
      await relay.stop();
      await close(fn.server);
    }
  });

  it('the push relay answers 502 and records a nack when the function does not answer', async () => {
    const fn = await fakeFunction([]);
    await close(fn.server);
    const ledger = new DeliveryLedger();
    const relay = await startPushRelay(fn.url, ledger);
    try {
      const answer = await fetch(`${relay.url}/x`, { method: 'POST', body: pushBody('m-2') });
      assert.equal(answer.status, 502);
      assert.deepEqual(ledger.count('m-2'), { pushes: 1, acks: 0 });
    } finally {
      await relay.stop();
    }
  });
});
