import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { timerName } from '../../../src/engine/names.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { KIT_NONCE, NOW, jobEndedEvent, startEvent, stepOf, storedRun, type Kit } from './kit.js';
import { createScopesKit, jobNameIn, timerEvent } from './scopes-kit.js';

const PAUSE_TIMER = timerName(KIT_NONCE, 'wait', 'Pause', 0);
const GO = jobNameIn('pause', 'go', 'Go');
const after = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

describe('handler: timers', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createScopesKit();
  });

  afterEach(() => sinon.restore());

  describe('the timer command on a Wait', () => {
    beforeEach(async () => {
      await handleEvent(kit.deps, startEvent({ chain: 'pause' }));
      assert.deepEqual(kit.timers.scheduled, [
        { name: PAUSE_TIMER, runId: 'r1', dueAt: after(60) },
      ]);
      sinon.assert.notCalled(kit.dataflow.launch);
      kit.logger.clear();
    });

    it('fires the Wait when due: the next state launches, the timer is gone', async () => {
      kit.clock.advance(60_000);
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER));

      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.equal(kit.dataflow.launch.firstCall.args[1].launchParameter.jobName, GO);
      const run = await storedRun(kit.store, 'r1');
      assert.deepEqual(run.timers, {});
      assert.equal(run.frames?.['']?.state, 'Go');
      assert.equal(stepOf(run, 'Go').status, 'LAUNCHED');
      assert.deepEqual(kit.logger.events(), ['step.intended', 'job.launched']);
      assert.equal(kit.timers.scheduled.length, 1, 'nothing scheduled again');
    });

    it('a delivery before the due time changes nothing and schedules the timer again', async () => {
      const before = await storedRun(kit.store, 'r1');
      kit.clock.advance(30_000);
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-early'));

      assert.deepEqual(await storedRun(kit.store, 'r1'), before);
      assert.deepEqual(kit.timers.scheduled, [
        { name: PAUSE_TIMER, runId: 'r1', dueAt: after(60) },
        { name: PAUSE_TIMER, runId: 'r1', dueAt: after(60) },
      ]);
      sinon.assert.notCalled(kit.dataflow.launch);
      assert.deepEqual(kit.logger.lines, []);

      // Delivered again when due, it fires.
      kit.clock.advance(30_000);
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-due'));
      sinon.assert.calledOnce(kit.dataflow.launch);
    });

    it('a duplicate delivery after it fired changes nothing', async () => {
      kit.clock.advance(60_000);
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-1'));
      const fired = await storedRun(kit.store, 'r1');
      kit.logger.clear();

      kit.clock.advance(1_000);
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-1'));
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-2'));

      assert.deepEqual(await storedRun(kit.store, 'r1'), fired);
      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.equal(kit.timers.scheduled.length, 1, 'a fired timer is not scheduled again');
      assert.deepEqual(kit.logger.lines, []);
    });

    it('a timer of a run that ended changes nothing', async () => {
      kit.clock.advance(60_000);
      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER));
      kit.dataflow.setState(GO, 'JOB_STATE_DONE');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(GO)));
      const ended = await storedRun(kit.store, 'r1');
      assert.equal(ended.status, 'SUCCEEDED');

      await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-late'));
      assert.deepEqual(await storedRun(kit.store, 'r1'), ended);
      assert.equal(kit.timers.scheduled.length, 1);
    });

    it('a timer the run does not have changes nothing and is not scheduled', async () => {
      const before = await storedRun(kit.store, 'r1');
      const other = timerName(KIT_NONCE, 'wait', 'Other', 0);
      kit.clock.advance(3_600_000);
      await handleEvent(kit.deps, timerEvent(other));
      assert.deepEqual(await storedRun(kit.store, 'r1'), before);
      assert.equal(kit.timers.scheduled.length, 1);
    });
  });

  it('a timer of a run that is not stored is logged and acknowledged', async () => {
    await handleEvent(kit.deps, timerEvent(PAUSE_TIMER, 'm-x', 'nobody'));
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'WARNING',
        event: 'message.ignored',
        message: `timer ${PAUSE_TIMER}: no run nobody is stored`,
        reason: 'unknown run',
        category: 'foreign',
      },
    ]);
  });

  it('a duplicate start of a run waiting on a Wait schedules its timer again', async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'pause' }, 'm-1'));
    const before = await storedRun(kit.store, 'r1');
    kit.clock.advance(10_000);
    await handleEvent(kit.deps, startEvent({ chain: 'pause' }, 'm-1'));
    await handleEvent(kit.deps, startEvent({ chain: 'pause' }, 'm-2'));

    const request = { name: PAUSE_TIMER, runId: 'r1', dueAt: after(60) };
    assert.deepEqual(kit.timers.scheduled, [request, request, request]);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.equal(kit.logger.named('message.duplicate').length, 2);
    sinon.assert.notCalled(kit.dataflow.launch);
  });

  it('a timer that cannot be scheduled is logged; the run is committed all the same', async () => {
    sinon.stub(kit.timers, 'schedule').rejects(new Error('Cloud Tasks unavailable'));
    await handleEvent(kit.deps, startEvent({ chain: 'pause' }));
    assert.equal((await storedRun(kit.store, 'r1')).timers?.[PAUSE_TIMER]?.dueAt, after(60));
    assert.deepEqual(kit.logger.named('timer.schedule_failed'), [
      {
        severity: 'WARNING',
        event: 'timer.schedule_failed',
        message: `run r1: scheduling timer ${PAUSE_TIMER} (due ${after(60)}) failed: Cloud Tasks unavailable; the tick fires it when due`,
        runId: 'r1',
        chain: 'pause',
        timer: PAUSE_TIMER,
      },
    ]);
  });

  describe('Retry', () => {
    const T0 = jobNameIn('retry', 'tr', 'T', 0);
    const T1 = jobNameIn('retry', 'tr', 'T', 1);
    const RETRY_TIMER = timerName(KIT_NONCE, 'retry', 'T', 0);

    it("the failed job's end arms a retry timer; firing it launches attempt 1 under a new name", async () => {
      await handleEvent(kit.deps, startEvent({ chain: 'retry' }));
      kit.dataflow.setState(T0, 'JOB_STATE_FAILED');
      kit.clock.advance(5_000);
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(T0)));

      assert.deepEqual(kit.timers.scheduled, [
        { name: RETRY_TIMER, runId: 'r1', dueAt: after(35) },
      ]);
      sinon.assert.calledOnce(kit.dataflow.launch);
      const waiting = await storedRun(kit.store, 'r1');
      assert.equal(waiting.status, 'RUNNING');
      assert.equal(waiting.frames?.['']?.wait, 'retry');
      assert.deepEqual(
        kit.logger.named('state.retrying').map((line) => [line['attempt'], line['dueAt']]),
        [[1, after(35)]],
      );

      kit.clock.advance(30_000);
      await handleEvent(kit.deps, timerEvent(RETRY_TIMER));

      sinon.assert.calledTwice(kit.dataflow.launch);
      assert.notEqual(T1, T0);
      assert.deepEqual(
        kit.dataflow.jobs.map((job) => [job.name, job.currentState]),
        [
          [T0, 'JOB_STATE_FAILED'],
          [T1, 'JOB_STATE_RUNNING'],
        ],
      );
      const run = await storedRun(kit.store, 'r1');
      assert.deepEqual(
        [run.steps[T1]?.status, run.steps[T1]?.attempt, run.steps[T0]?.status],
        ['LAUNCHED', 1, 'FAILED'],
      );
      assert.deepEqual(run.timers, {});

      // A late duplicate of the retry timer or of attempt 0's end launches nothing more.
      await handleEvent(kit.deps, timerEvent(RETRY_TIMER, 'm-again'));
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(T0), 'm-end-again'));
      sinon.assert.calledTwice(kit.dataflow.launch);
      assert.deepEqual(await storedRun(kit.store, 'r1'), run);
    });
  });
});
