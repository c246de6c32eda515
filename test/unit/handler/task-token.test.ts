import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { Chain, ChainDefinition } from '../../../src/chain/types.js';
import { PublishPermanentError, PublishTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { tokenHash } from '../../../src/handler/task-token.js';
import type { OutgoingMessage, PublishPort } from '../../../src/pubsub/port.js';
import type { Json } from '../../../src/json.js';
import { isLeaseHeld } from '../../../src/engine/lease.js';
import {
  LEASE_MS,
  createKit,
  pubsubEvent,
  tickEvent,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';

/** Records every message; answers message ids m-1, m-2, … unless told to fail. */
class FakePublisher implements PublishPort {
  readonly sent: OutgoingMessage[] = [];
  publish: sinon.SinonSpy<[OutgoingMessage], Promise<string>> = sinon.spy(
    async (message: OutgoingMessage): Promise<string> => {
      await Promise.resolve();
      this.sent.push(message);
      return `m-${this.sent.length}`;
    },
  );

  body(n = 0): Record<string, Json> {
    const message = this.sent[n];
    if (!message) throw new Error(`no message ${n}`);
    return JSON.parse(message.data.toString('utf8')) as Record<string, Json>;
  }

  token(n = 0): string {
    const token = this.body(n)['token'];
    if (typeof token !== 'string') throw new Error('the message carries no token');
    return token;
  }
}

const waiting: ChainDefinition = {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'pubsub:publish.waitForTaskToken',
      Parameters: {
        topic: 'work',
        data: { 'token.$': '$$.Task.Token', 'day.$': '$$.Execution.Input.date' },
        attributes: { kind: 'export', 'ref.$': "States.Format('t={}', $$.Task.Token)" },
      },
      HeartbeatSeconds: 60,
      TimeoutSeconds: 600,
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['Worker.Broken'], Next: 'Caught' }],
      Next: 'Tell',
    },
    Tell: {
      Type: 'Task',
      Resource: 'pubsub:publish',
      Parameters: { topic: 'projects/other/topics/news', 'data.$': '$.answer' },
      End: true,
    },
    Caught: { Type: 'Pass', End: true },
  },
};
const chain: Chain = { name: 'asks', file: 'asks.json', definition: waiting };
const start = (kit: Kit) => handleEvent(kit.deps, startEvent({ chain: 'asks', runId: 'r1' }));
const command = (kit: Kit, { verb = 'callback', ...payload }: Record<string, Json>, id: string) =>
  handleEvent(kit.deps, pubsubEvent({ dfchain: verb, ...payload }, id));

describe('handler: pubsub:publish and .waitForTaskToken Tasks', () => {
  let kit: Kit;
  let publisher: FakePublisher;

  beforeEach(() => {
    publisher = new FakePublisher();
    kit = createKit({ chains: new ChainCatalog([chain]), publisher });
  });

  afterEach(() => sinon.restore());

  it('publishes the message with a fresh token in data and attributes, stored only as its hash', async () => {
    await start(kit);

    sinon.assert.calledOnce(publisher.publish);
    const [message] = publisher.sent;
    const token = publisher.token();
    assert.match(token, /^dfct1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(message?.topic, 'projects/my-proj/topics/work');
    assert.deepEqual(publisher.body(), { token, day: '2026-11-21' });
    const step = stepOf(await storedRun(kit.store, 'r1'), 'Ask');
    assert.deepEqual(message?.attributes, {
      kind: 'export',
      ref: `t=${token}`,
      dfchain_run_id: 'r1',
      dfchain_state: 'Ask',
      dfchain_step: step.jobName,
    });
    assert.deepEqual([step.status, step.messageId], ['LAUNCHED', 'm-1']);
    assert.deepEqual(step.tokenHashes, [tokenHash(token)]);
    assert.ok(!JSON.stringify(await storedRun(kit.store, 'r1')).includes(token.split('.')[3]!));
  });

  it('a SUCCEEDED callback ends the Task with its output, and the next publish gets {messageId}', async () => {
    await start(kit);
    await command(
      kit,
      { token: publisher.token(), status: 'SUCCEEDED', output: { rows: 7 } },
      'c1',
    );

    sinon.assert.calledTwice(publisher.publish);
    assert.equal(publisher.sent[1]?.topic, 'projects/other/topics/news');
    assert.deepEqual(publisher.body(1), { rows: 7 });
    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual(run.output, { messageId: 'm-2' });
    assert.equal(kit.logger.named('task.callback').length, 1);
  });

  it('the same callback twice has one effect; the second is logged token.rejected (not_waiting)', async () => {
    await start(kit);
    const callback = { token: publisher.token(), status: 'SUCCEEDED', output: 1 };
    await command(kit, callback, 'c1');
    await command(kit, callback, 'c2');

    sinon.assert.calledTwice(publisher.publish);
    const [rejected] = kit.logger.named('token.rejected');
    assert.equal(rejected?.['reason'], 'not_waiting');
    assert.equal(rejected?.['runId'], 'r1');
  });

  it('a FAILED callback raises its error: a matching Catch takes it', async () => {
    await start(kit);
    await command(
      kit,
      { token: publisher.token(), status: 'FAILED', error: 'Worker.Broken', cause: 'disk full' },
      'c1',
    );

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual(run.output, { Error: 'Worker.Broken', Cause: 'disk full' });
    assert.equal(stepOf(run, 'Ask').status, 'FAILED');
  });

  it('a FAILED callback without an error name fails as States.TaskFailed', async () => {
    await start(kit);
    await command(kit, { token: publisher.token(), status: 'FAILED' }, 'c1');

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, { Error: 'States.TaskFailed', Cause: '' });
  });

  it('a forged token (right step, wrong secret) and a garbage one change nothing', async () => {
    await start(kit);
    const token = publisher.token();
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    await command(kit, { token: forged, status: 'SUCCEEDED', output: 1 }, 'c1');
    await command(kit, { token: 'not-a-token', status: 'SUCCEEDED', output: 1 }, 'c2');

    const reasons = kit.logger.named('token.rejected').map((line) => line['reason']);
    assert.deepEqual(reasons, ['forged', 'malformed']);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ask').status, 'LAUNCHED');
  });

  it('a heartbeat re-arms HeartbeatSeconds under a new timer name; past it, States.HeartbeatTimeout', async () => {
    await start(kit);
    const first = Object.entries((await storedRun(kit.store, 'r1')).timers ?? {}).filter(
      ([, t]) => t.kind === 'heartbeat',
    );
    assert.equal(first.length, 1);
    kit.clock.advance(30_000);
    await command(kit, { verb: 'heartbeat', token: publisher.token() }, 'h1');

    const run = await storedRun(kit.store, 'r1');
    const beats = Object.entries(run.timers ?? {}).filter(([, t]) => t.kind === 'heartbeat');
    assert.equal(beats.length, 1);
    assert.notEqual(beats[0]?.[0], first[0]?.[0]);
    assert.equal(beats[0]?.[1].dueAt, new Date(kit.clock.now().getTime() + 60_000).toISOString());
    assert.equal(stepOf(run, 'Ask').beats, 1);

    // The replaced timer's delivery finds no timer of that name: nothing happens.
    kit.clock.advance(31_000);
    await command(kit, { verb: 'timer', runId: 'r1', timer: first[0]![0] }, 't1');
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING');

    kit.clock.advance(30_000);
    await command(kit, { verb: 'timer', runId: 'r1', timer: beats[0][0] }, 't2');
    const timedOut = await storedRun(kit.store, 'r1');
    assert.equal(timedOut.status, 'FAILED');
    assert.equal(timedOut.error?.Error, 'States.HeartbeatTimeout');
    await command(kit, { token: publisher.token(), status: 'SUCCEEDED', output: 1 }, 'c-late');
    assert.equal(kit.logger.named('token.rejected')[0]?.['reason'], 'not_waiting');
  });

  it('a callback that comes before the publish is recorded still completes the Task once', async () => {
    let releasePublish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releasePublish = resolve));
    publisher.publish = sinon.spy(async (message: OutgoingMessage) => {
      publisher.sent.push(message);
      if (publisher.sent.length === 1) await held;
      return `m-${publisher.sent.length}`;
    });
    const started = start(kit);
    while (publisher.sent.length === 0) await new Promise((r) => setImmediate(r));
    await command(
      kit,
      { token: publisher.token(), status: 'SUCCEEDED', output: { early: true } },
      'c1',
    );
    releasePublish();
    await started;

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'SUCCEEDED');
    assert.equal(publisher.sent.length, 2);
    assert.deepEqual(publisher.body(1), { early: true });
  });

  it('a refused publish fails the Task with States.TaskFailed, naming the fix', async () => {
    publisher.publish = sinon.spy((_m: OutgoingMessage) =>
      Promise.reject(
        new PublishPermanentError(
          'publish to projects/my-proj/topics/work refused: 5 NOT_FOUND: Topic not found; create the topic, or correct Parameters.topic',
        ),
      ),
    );
    await start(kit);

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error?.Error, 'States.TaskFailed');
    assert.match(run.error?.Cause ?? '', /^States\.Ask: publish to .* refused: 5 NOT_FOUND/);
  });

  it('a publish that keeps failing fails the delivery and gives the lease back for the redelivery', async () => {
    publisher.publish = sinon.spy((_m: OutgoingMessage) =>
      Promise.reject<string>(new PublishTransientError('unavailable')),
    );
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const delivery = handleEvent(kit.deps, startEvent({ chain: 'asks', runId: 'r1' }));
      const settled = delivery.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await clock.runAllAsync();
      assert.ok((await settled) instanceof PublishTransientError);
    } finally {
      clock.restore();
    }
    sinon.assert.callCount(publisher.publish, 4);
    const step = stepOf(await storedRun(kit.store, 'r1'), 'Ask');
    assert.equal(step.status, 'INTENDED');
    assert.equal(isLeaseHeld(step, kit.clock.now().toISOString(), LEASE_MS), false);
    assert.equal(step.tokenHashes?.length, 1);
  });

  it('cancelling a run that waits for a callback ends it; a later callback is refused', async () => {
    await start(kit);
    await command(kit, { verb: 'cancel', runId: 'r1' }, 'x1');
    await command(kit, { token: publisher.token(), status: 'SUCCEEDED', output: 1 }, 'c1');

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'CANCELLED');
    assert.equal(stepOf(run, 'Ask').status, 'FAILED');
    assert.equal(kit.logger.named('token.rejected')[0]?.['reason'], 'not_waiting');
    sinon.assert.calledOnce(publisher.publish);
  });

  it('the tick leaves a waiting Task alone, and it takes no slot of the active-job budget', async () => {
    kit = createKit({ chains: new ChainCatalog([chain]), publisher, maxActiveJobs: 1 });
    await start(kit);
    await handleEvent(kit.deps, tickEvent());

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'RUNNING');
    const step = stepOf(run, 'Ask');
    assert.deepEqual([step.status, step.slot], ['LAUNCHED', undefined]);
    sinon.assert.notCalled(kit.dataflow.getJob);
    assert.deepEqual(await kit.store.slots('jobs.my-proj'), []);
  });

  it('a heartbeat for a Task without HeartbeatSeconds is accepted and changes nothing', async () => {
    const ask = waiting.States['Ask'];
    if (ask?.Type !== 'Task') throw new Error('Ask is a Task');
    const { HeartbeatSeconds: _h, ...quietAsk } = ask;
    const quiet: Chain = {
      ...chain,
      definition: { ...waiting, States: { ...waiting.States, Ask: quietAsk } },
    };
    kit = createKit({ chains: new ChainCatalog([quiet]), publisher });
    await start(kit);
    const before = await storedRun(kit.store, 'r1');
    await command(kit, { verb: 'heartbeat', token: publisher.token() }, 'h1');

    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.deepEqual(kit.logger.named('token.rejected'), []);
  });

  it('a cancel while the message is on its way: once published, the step ends and nothing waits', async () => {
    let releasePublish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releasePublish = resolve));
    publisher.publish = sinon.spy(async (message: OutgoingMessage) => {
      publisher.sent.push(message);
      await held;
      return `m-${publisher.sent.length}`;
    });
    const started = start(kit);
    while (publisher.sent.length === 0) await new Promise((r) => setImmediate(r));
    await command(kit, { verb: 'cancel', runId: 'r1' }, 'x1');
    releasePublish();
    await started;

    const run = await kit.store.get('r1');
    assert.equal(run?.status, 'CANCELLED');
    assert.deepEqual(run?.steps, {}, 'no step is left in flight');
    const ask = stepOf(await storedRun(kit.store, 'r1'), 'Ask');
    assert.deepEqual([ask.status, ask.messageId], ['FAILED', 'm-1']);
  });
});
