import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { runAction } from '../../../src/console/actions.js';
import { RUNS, consoleContext, stockedStore, unreachable } from './kit.js';

describe('console actions: runAction', () => {
  afterEach(() => sinon.restore());

  async function allowed() {
    return consoleContext({ store: await stockedStore(), allowActions: true });
  }

  it('read-only: forbidden, naming --allow-actions and the command that does it instead', async () => {
    const ctx = consoleContext({ store: await stockedStore() });
    for (const action of ['cancel', 'redrive'] as const) {
      assert.deepEqual(await runAction(ctx, action, 'r-run'), {
        status: 403,
        problem: {
          kind: 'forbidden',
          error: `this console is read-only: start it with "dfchain console --allow-actions" to ${action} runs from the page (or run "dfchain ${action} r-run")`,
        },
      });
    }
    assert.deepEqual(ctx.publisher.published, []);
  });

  it('not a run id: bad-request, the store is not read', async () => {
    const ctx = await allowed();
    const get = sinon.spy(ctx.store, 'get');
    for (const id of ['R-UPPER', 'a/b', '', 'x'.repeat(64)]) {
      const done = await runAction(ctx, 'cancel', id);
      assert.ok('problem' in done && done.problem.kind === 'bad-request', id);
    }
    sinon.assert.notCalled(get);
  });

  it('cancel: only a RUNNING run (a queued one too); redrive: only FAILED or CANCELLED with a stop', async () => {
    const ctx = await allowed();
    const kinds = async (action: 'cancel' | 'redrive', id: string) => {
      const done = await runAction(ctx, action, id);
      return 'problem' in done ? done.problem.kind : 'published';
    };
    assert.equal(await kinds('cancel', 'r-ok'), 'refused');
    assert.equal(await kinds('cancel', 'r-bad'), 'refused');
    assert.equal(await kinds('cancel', 'r-run'), 'published');
    assert.equal(await kinds('cancel', 'q1'), 'published');
    assert.equal(await kinds('redrive', 'r-run'), 'refused');
    assert.equal(await kinds('redrive', 'r-ok'), 'refused');
    assert.equal(await kinds('redrive', 'r-bad'), 'published');
    await ctx.store.create({ ...RUNS.bad, id: 'r-lost', stopped: undefined });
    const lost = await runAction(ctx, 'redrive', 'r-lost');
    assert.ok('problem' in lost);
    assert.match(lost.problem.error, /kept no state to resume from/);
    assert.deepEqual(
      ctx.publisher.published.map((p) => [p.command['dfchain'], p.command['runId']]),
      [
        ['cancel', 'r-run'],
        ['cancel', 'q1'],
        ['redrive', 'r-bad'],
      ],
    );
    assert.equal(ctx.publisher.closed, 3, 'each publisher is closed after its command');
  });

  it('an unreachable store: unavailable with the failure line, nothing published', async () => {
    const ctx = await allowed();
    unreachable(ctx.store);
    assert.deepEqual(await runAction(ctx, 'cancel', 'r-run'), {
      status: 503,
      problem: {
        kind: 'unavailable',
        error:
          'dfchain console: cannot reach the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST): no connection; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST',
      },
    });
    assert.deepEqual(ctx.publisher.published, []);
  });

  it('a publish that fails: unavailable with the line dfchain cancel would print', async () => {
    const ctx = await allowed();
    sinon
      .stub(ctx.publisher, 'publish')
      .rejects(Object.assign(new Error('14 UNAVAILABLE: no connection'), { code: 14 }));
    assert.deepEqual(await runAction(ctx, 'cancel', 'r-run'), {
      status: 503,
      problem: {
        kind: 'unavailable',
        error:
          'dfchain cancel: cannot reach the Pub/Sub emulator at 127.0.0.1:8 (PUBSUB_EMULATOR_HOST): no connection; start the emulator, or correct or unset PUBSUB_EMULATOR_HOST',
      },
    });
  });
});
