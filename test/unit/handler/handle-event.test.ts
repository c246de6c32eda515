import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { PoisonMessageError, StoreTransientError } from '../../../src/errors.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { createKit, pubsubEvent, startEvent, tickEvent, type Kit } from './kit.js';

describe('handleEvent', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  describe('errors from the store', () => {
    const cases: {
      name: string;
      error: Error;
      retried: boolean;
      event: string;
      severity: string;
      message: string;
      code: string;
    }[] = [
      {
        name: 'an unexpected Error is retried as UNEXPECTED',
        error: new Error('disk on fire'),
        retried: true,
        event: 'delivery.retry',
        severity: 'WARNING',
        message: 'disk on fire (message m-start will be redelivered)',
        code: 'UNEXPECTED',
      },
      {
        name: 'a StoreTransientError is retried',
        error: new StoreTransientError('Firestore unavailable'),
        retried: true,
        event: 'delivery.retry',
        severity: 'WARNING',
        message: 'Firestore unavailable (message m-start will be redelivered)',
        code: 'STORE_TRANSIENT',
      },
      {
        name: 'a PoisonMessageError is acknowledged',
        error: new PoisonMessageError('cannot ever work'),
        retried: false,
        event: 'message.rejected',
        severity: 'ERROR',
        message: 'cannot ever work (message m-start acknowledged; it will not be retried)',
        code: 'POISON_MESSAGE',
      },
    ];
    for (const { name, error, retried, event, severity, message, code } of cases) {
      it(name, async () => {
        sinon.stub(kit.store, 'create').rejects(error);

        const delivery = handleEvent(kit.deps, startEvent());
        if (retried) await assert.rejects(delivery, (thrown) => thrown === error);
        else await delivery;

        assert.equal(kit.dataflow.callCount, 0);
        assert.equal(kit.logger.lines.length, 1);
        const line = kit.logger.lines[0]!;
        assert.deepEqual(
          { severity: line.severity, event: line.event, message: line.message, code: line['code'] },
          { severity, event, message, code },
        );
        // Only a bug (not a dfchain error) needs its stack in the log.
        assert.equal(typeof line['stack'], code === 'UNEXPECTED' ? 'string' : 'undefined');
      });
    }
  });

  describe('messages that are not for dfchain', () => {
    const cases: {
      name: string;
      payload: unknown;
      severity: string;
      category: string;
      reason: string;
    }[] = [
      {
        name: 'a misspelt command is malformed',
        payload: { dfchain: 'strat', chain: 'daily' },
        severity: 'WARNING',
        category: 'malformed',
        reason:
          'unknown command "strat" (expected "start", "tick", "timer", "cancel", "redrive", "callback", "heartbeat"; did you mean "start"?)',
      },
      {
        name: 'a JSON message of another kind is foreign',
        payload: { hello: 'world' },
        severity: 'INFO',
        category: 'foreign',
        reason: 'message.data is neither a LogEntry nor a dfchain command (fields: hello)',
      },
    ];
    for (const { name, payload, severity, category, reason } of cases) {
      it(`${name}: logged as message.ignored and acknowledged`, async () => {
        await handleEvent(kit.deps, pubsubEvent(payload, 'm-7'));

        assert.equal(kit.dataflow.callCount, 0);
        assert.deepEqual(await kit.store.listRunning(), []);
        assert.deepEqual(kit.logger.lines, [
          {
            severity,
            event: 'message.ignored',
            message: `ignored ${category} message m-7: ${reason}`,
            reason,
            category,
          },
        ]);
      });
    }
  });

  describe('failures that are not dfchain errors', () => {
    it('a thrown non-Error is retried as UNEXPECTED, logged as its text without a stack', async () => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a dependency may reject with anything: the case under test
      sinon.stub(kit.store, 'listRunning').callsFake(() => Promise.reject('boom'));
      await assert.rejects(handleEvent(kit.deps, tickEvent('m-9')), (thrown) => thrown === 'boom');
      assert.deepEqual(kit.logger.named('delivery.retry'), [
        {
          severity: 'WARNING',
          event: 'delivery.retry',
          message: 'boom (message m-9 will be redelivered)',
          code: 'UNEXPECTED',
          stack: undefined,
        },
      ]);
    });

    it('an unexpected Error is retried with its stack, and an event without an id is named "?"', async () => {
      const error = new TypeError('x is not a function');
      sinon.stub(kit.store, 'listRunning').rejects(error);
      const { id: _id, ...withoutId } = tickEvent();
      await assert.rejects(handleEvent(kit.deps, withoutId), error);
      assert.deepEqual(kit.logger.named('delivery.retry'), [
        {
          severity: 'WARNING',
          event: 'delivery.retry',
          message: 'x is not a function (message ? will be redelivered)',
          code: 'UNEXPECTED',
          stack: error.stack,
        },
      ]);
    });

    it('a permanent error of an event without an id is acknowledged, named "?"', async () => {
      sinon.stub(kit.store, 'listRunning').rejects(new PoisonMessageError('never'));
      const { id: _id, ...withoutId } = tickEvent();
      await handleEvent(kit.deps, withoutId);
      assert.deepEqual(kit.logger.named('message.rejected'), [
        {
          severity: 'ERROR',
          event: 'message.rejected',
          message: 'never (message ? acknowledged; it will not be retried)',
          code: 'POISON_MESSAGE',
        },
      ]);
    });
  });
});

describe('handleEvent: a CloudEvent without an id', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  const withoutId = (event: IncomingEvent): IncomingEvent => {
    const { id: _id, ...rest } = event;
    return rest;
  };

  it('logs an ignored message with an empty id', async () => {
    await handleEvent(kit.deps, { type: 'com.example.other', data: {} });

    assert.deepEqual(
      kit.logger.named('message.ignored').map((line) => line.message),
      [
        'ignored foreign message : CloudEvent type "com.example.other" is not one dfchain handles (expected google.cloud.pubsub.topic.v1.messagePublished or google.cloud.dataflow.job.v1beta3.statusChanged)',
      ],
    );
  });

  it('derives the run id of a start without runId from an empty message id', async () => {
    await handleEvent(kit.deps, withoutId(startEvent({ runId: undefined })));

    assert.equal((await kit.store.get('daily-e3b0c44298fc1c14'))?.status, 'RUNNING');
  });
});

describe('handleEvent: leases of a rejected delivery', () => {
  afterEach(() => sinon.restore());

  it('gives back no lease, nor reads the run for it, when the delivery fails for good', async () => {
    const kit = createKit();
    await handleEvent(kit.deps, startEvent());
    const update = sinon.spy(kit.store, 'update');

    // The same run id with another input: refused, and acknowledged.
    await handleEvent(kit.deps, startEvent({ input: { date: '2026-11-22' } }, 'm-conflict'));

    assert.equal(kit.logger.named('message.rejected').length, 1);
    sinon.assert.notCalled(update);
  });
});
