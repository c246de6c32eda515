import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { timerName } from '../../../src/engine/names.js';
import { DataflowPermanentError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { KIT_NONCE, jobEndedEvent, startEvent, storedRun, tickEvent, type Kit } from './kit.js';
import { EUROPE, createScopesKit, jobNameIn, timerEvent } from './scopes-kit.js';

const GO = jobNameIn('pause', 'go', 'Go');
const CA = jobNameIn('fanc', 'fanc-a', 'Fan[0]/A');
const CB = jobNameIn('fanc', 'fanc-b', 'Fan[1]/B');

const FORBIDDEN = new DataflowPermanentError(
  'Dataflow jobs.update failed: HTTP 403 PERMISSION_DENIED',
  { operation: 'jobs.update', httpStatus: 403, status: 'PERMISSION_DENIED' },
);

describe('handler: tick, timers and abandoned jobs', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createScopesKit();
  });

  afterEach(() => sinon.restore());

  function tickDone() {
    const lines = kit.logger.named('tick.done');
    return lines[lines.length - 1];
  }

  describe('a timer whose delivery was lost', () => {
    const PAUSE_TIMER = timerName(KIT_NONCE, 'wait', 'Pause', 0);

    beforeEach(async () => {
      await handleEvent(kit.deps, startEvent({ chain: 'pause' }));
      assert.equal(kit.timers.scheduled.length, 1, 'scheduled, and then lost');
      kit.dataflow.reset();
      kit.logger.clear();
    });

    it('is left alone before it is due', async () => {
      const before = await storedRun(kit.store, 'r1');
      kit.clock.advance(59_999);
      await handleEvent(kit.deps, tickEvent());
      assert.deepEqual(await storedRun(kit.store, 'r1'), before);
      assert.equal(tickDone()?.['timersFired'], 0);
      sinon.assert.notCalled(kit.dataflow.launch);
    });

    it('is fired by the tick once overdue, and its late delivery then changes nothing', async () => {
      kit.clock.advance(75_000);
      await handleEvent(kit.deps, tickEvent());

      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.equal(kit.dataflow.launch.firstCall.args[1].launchParameter.jobName, GO);
      const run = await storedRun(kit.store, 'r1');
      assert.deepEqual(run.timers, {});
      assert.equal(run.steps[GO]?.status, 'LAUNCHED');
      assert.equal(tickDone()?.['timersFired'], 1);
      assert.equal(
        tickDone()?.message,
        'tick: 1 running run(s); 1 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 0 still waiting, 0 failed, 0 deferred to a later tick',
      );

      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER));
      await handleEvent(kit.deps, tickEvent('m-tick-2'));
      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.deepEqual(await storedRun(kit.store, 'r1'), run);
    });
  });

  it('fires a lost retry timer: attempt 1 launches under its own name', async () => {
    const first = jobNameIn('retry', 'tr', 'T', 0);
    await handleEvent(kit.deps, startEvent({ chain: 'retry' }));
    kit.dataflow.setState(first, 'JOB_STATE_FAILED');
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(first)));
    kit.clock.advance(30_000);

    await handleEvent(kit.deps, tickEvent());
    assert.deepEqual(
      kit.dataflow.jobs.map((job) => job.name),
      [first, jobNameIn('retry', 'tr', 'T', 1)],
    );
    assert.equal(tickDone()?.['timersFired'], 1);
  });

  describe('an abandoned job still active', () => {
    beforeEach(async () => {
      await handleEvent(kit.deps, startEvent({ chain: 'fanc' }));
      kit.dataflow.cancel.onFirstCall().rejects(FORBIDDEN);
      kit.dataflow.setState(CA, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CA), 'm-end-a'));

      const b = kit.dataflow.job(CB);
      assert.deepEqual(kit.logger.named('job.cancel_failed'), [
        {
          severity: 'WARNING',
          event: 'job.cancel_failed',
          message: `run r1: cancelling ${CB} (${b.id}) failed: Dataflow jobs.update failed: HTTP 403 PERMISSION_DENIED; the next tick tries again`,
          runId: 'r1',
          chain: 'fanc',
          state: 'B',
          jobName: CB,
          jobId: b.id,
        },
      ]);
      const run = await storedRun(kit.store, 'r1');
      assert.equal(run.status, 'RUNNING', 'the failure was caught');
      // B's step is in its branch's part, stopped with the Parallel.
      const branch = (await kit.store.parts('r1')).find((part) => part.steps[CB] !== undefined);
      assert.equal(branch?.status, 'CANCELLED');
      assert.deepEqual(
        [branch?.steps[CB]?.status, branch?.steps[CB]?.abandoned],
        ['LAUNCHED', true],
      );
      const active = await kit.dataflow.port.listActiveJobs(EUROPE);
      assert.deepEqual(
        active.map((job) => job.name),
        [CB],
      );
      kit.dataflow.reset();
      kit.logger.clear();
    });

    it('is cancelled again by the tick', async () => {
      await handleEvent(kit.deps, tickEvent());

      const b = kit.dataflow.job(CB);
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, b.id);
      assert.equal(b.currentState, 'JOB_STATE_CANCELLED');
      sinon.assert.notCalled(kit.dataflow.launch);
      assert.equal(
        tickDone()?.message,
        'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 1 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 0 still waiting, 0 failed, 0 deferred to a later tick',
      );
    });

    it('and the next tick records its end without effect', async () => {
      await handleEvent(kit.deps, tickEvent('m-tick-1'));
      const before = await storedRun(kit.store, 'r1');
      kit.dataflow.reset();
      await handleEvent(kit.deps, tickEvent('m-tick-2'));

      sinon.assert.notCalled(kit.dataflow.cancel);
      sinon.assert.notCalled(kit.dataflow.launch);
      const run = await storedRun(kit.store, 'r1');
      assert.deepEqual(
        [run.steps[CB]?.status, run.steps[CB]?.jobState],
        ['FAILED', 'JOB_STATE_CANCELLED'],
      );
      assert.deepEqual(run.frames, before.frames, 'the run did not move');
      assert.equal((await kit.store.get('r1'))?.steps[CB], undefined);
    });

    it('a cancel that fails again is logged, and the tick still succeeds', async () => {
      kit.dataflow.cancel.rejects(FORBIDDEN);
      await handleEvent(kit.deps, tickEvent());
      sinon.assert.calledOnce(kit.dataflow.cancel);
      assert.equal(kit.logger.named('job.cancel_failed').length, 1);
      assert.equal(kit.logger.named('delivery.retry').length, 0);
      assert.equal(kit.dataflow.job(CB).currentState, 'JOB_STATE_RUNNING');
    });
  });
});
