import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { Step } from '../../../src/engine/run.js';
import { DataflowPermanentError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { LEASE_MS, jobEndedEvent, startEvent, storedRun, tickEvent, type Kit } from './kit.js';
import { EUROPE, createScopesKit, heldCall, jobNameIn, type HeldCall } from './scopes-kit.js';

const A = jobNameIn('fan', 'fan-a', 'Fan[0]/A');
const B = jobNameIn('fan', 'fan-b', 'Fan[1]/B');
const CA = jobNameIn('fanc', 'fanc-a', 'Fan[0]/A');
const CB = jobNameIn('fanc', 'fanc-b', 'Fan[1]/B');

/** The steps of run r1's documents still in flight, by job name (a branch's are in its part). */
async function inFlight(kit: Kit): Promise<Record<string, Step>> {
  const root = await kit.store.get('r1');
  const docs = [...(root ? [root] : []), ...(await kit.store.parts('r1'))];
  return Object.assign({}, ...docs.map((doc) => doc.steps)) as Record<string, Step>;
}

/** Every step of run r1, in flight or ended, by job name. */
async function steps(kit: Kit): Promise<Record<string, Step>> {
  return { ...(await inFlight(kit)), ...(await storedRun(kit.store, 'r1')).steps };
}

function named(kit: Kit, name: string) {
  return kit.dataflow.jobs.filter((job) => job.name === name);
}

/** A launch stub that holds the call for `held`'s job name and creates every other job. */
function holdLaunchOf(kit: Kit, name: string, call: HeldCall): void {
  kit.dataflow.launch.callsFake((ref, request) =>
    request.launchParameter.jobName === name
      ? call.promise
      : Promise.resolve().then(() => kit.dataflow.create(ref, request)),
  );
}

describe('handler: abandoned steps of a Parallel', () => {
  let kit: Kit;

  afterEach(() => sinon.restore());

  describe('a failed branch cancels its sibling', () => {
    beforeEach(async () => {
      kit = createScopesKit();
      await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
      assert.deepEqual(
        kit.dataflow.jobs.map((job) => [job.name, job.currentState]),
        [
          [A, 'JOB_STATE_RUNNING'],
          [B, 'JOB_STATE_RUNNING'],
        ],
      );
      kit.dataflow.setState(A, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));
    });

    it("cancels the sibling's job through the API exactly once, and fails the run", async () => {
      const b = kit.dataflow.job(B);
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, b.id);
      assert.equal(b.currentState, 'JOB_STATE_CANCELLED');
      const run = await storedRun(kit.store, 'r1');
      assert.equal(run.status, 'FAILED');
      assert.deepEqual(run.error, {
        Error: 'Dataflow.JobFailed',
        Cause: `Dataflow job ${A} (${kit.dataflow.job(A).id}) in europe-west4 ended JOB_STATE_FAILED`,
      });
      assert.equal((await steps(kit))[B]?.abandoned, true);
      assert.deepEqual(
        kit.logger.named('job.cancelling').map((line) => [line['jobName'], line['scope']]),
        [[B, 'Fan[1]']],
      );
      assert.equal(kit.logger.named('run.failed').length, 1);
      sinon.assert.calledTwice(kit.dataflow.launch);
    });

    it("the sibling's JOB_STATE_CANCELLED end is recorded once (the step leaves flight); redeliveries change nothing", async () => {
      kit.dataflow.reset();
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(B), 'm-end-b'));
      const recorded = await storedRun(kit.store, 'r1');
      const current = await steps(kit);
      assert.deepEqual((await kit.store.get('r1'))?.steps, {}, 'nothing left in flight');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(B), 'm-end-b'));
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));

      sinon.assert.notCalled(kit.dataflow.cancel);
      sinon.assert.notCalled(kit.dataflow.launch);
      assert.deepEqual(
        [current[B]?.status, current[B]?.jobState],
        ['FAILED', 'JOB_STATE_CANCELLED'],
      );
      assert.deepEqual(await storedRun(kit.store, 'r1'), recorded);
      assert.equal(kit.logger.named('run.failed').length, 1, 'the run failed once');
      assert.equal(kit.dataflow.jobs.length, 2);
    });
  });

  describe('a caught branch failure: the run goes on', () => {
    it("records the sibling's JOB_STATE_CANCELLED end without effect", async () => {
      kit = createScopesKit();
      await handleEvent(kit.deps, startEvent({ chain: 'fanc' }));
      kit.dataflow.setState(CA, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CA), 'm-end-a'));
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, kit.dataflow.job(CB).id);
      const caught = await storedRun(kit.store, 'r1');
      assert.equal(caught.frames?.['']?.state, 'Hold');

      kit.dataflow.reset();
      kit.logger.clear();
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CB), 'm-end-b'));
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CB), 'm-end-b'));

      const run = await storedRun(kit.store, 'r1');
      const b = (await steps(kit))[CB];
      assert.deepEqual(
        [b?.status, b?.abandoned, b?.jobState],
        ['FAILED', true, 'JOB_STATE_CANCELLED'],
      );
      assert.equal((await inFlight(kit))[CB], undefined, 'no longer in flight');
      assert.deepEqual(run.frames, caught.frames, 'the run did not move');
      assert.deepEqual(run.timers, caught.timers);
      sinon.assert.notCalled(kit.dataflow.cancel);
      sinon.assert.notCalled(kit.dataflow.launch);
      assert.deepEqual(kit.logger.events(), ['job.confirmed', 'message.ignored']);
    });
  });

  describe('a sibling abandoned while its launch is in flight', () => {
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
      kit = createScopesKit();
      clock = sinon.useFakeTimers();
    });

    afterEach(() => clock.restore());

    it('is cancelled once the launch returns, and never launched twice', async () => {
      const held = heldCall();
      holdLaunchOf(kit, B, held);
      const start = handleEvent(kit.deps, startEvent({ chain: 'fan' }));
      await clock.tickAsync(0);
      assert.equal((await steps(kit))[A]?.status, 'LAUNCHED');
      assert.equal((await steps(kit))[B]?.status, 'INTENDED');

      // A fails meanwhile: B is abandoned, with no job to cancel yet.
      kit.dataflow.setState(A, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));
      assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
      assert.deepEqual(
        [(await steps(kit))[B]?.status, (await steps(kit))[B]?.abandoned],
        ['INTENDED', true],
      );
      sinon.assert.notCalled(kit.dataflow.cancel);

      // B's launch call returns: its job exists now, and is cancelled at once.
      const launchB = kit.dataflow.launch
        .getCalls()
        .find((c) => c.args[1].launchParameter.jobName === B);
      held.resolve(kit.dataflow.create(launchB!.args[0], launchB!.args[1]));
      await clock.tickAsync(0);
      await start;

      const b = kit.dataflow.job(B);
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, b.id);
      assert.equal(b.currentState, 'JOB_STATE_CANCELLED');
      sinon.assert.calledTwice(kit.dataflow.launch);
      assert.equal(named(kit, B).length, 1);
      const step = (await steps(kit))[B];
      assert.deepEqual([step?.status, step?.jobId, step?.abandoned], ['LAUNCHED', b.id, true]);
      assert.deepEqual(kit.logger.named('job.unrecorded'), []);

      // Its end changes nothing, and nothing relaunches it.
      await handleEvent(kit.deps, jobEndedEvent(b, 'm-end-b'));
      await handleEvent(kit.deps, startEvent({ chain: 'fan' }, 'm-start-again'));
      sinon.assert.calledTwice(kit.dataflow.launch);
      sinon.assert.calledOnce(kit.dataflow.cancel);
    });
  });

  describe('an abandoned intent whose holder died, taken over by the tick', () => {
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
      kit = createScopesKit();
      clock = sinon.useFakeTimers();
    });

    afterEach(() => clock.restore());

    /**
     * B's launch hangs while A fails (the Parallel's failure is caught: the run goes on). Then
     * B's holder dies: its call ends with no record, after creating the job when `created`.
     */
    async function abandonThenDie(created: boolean): Promise<void> {
      const held = heldCall();
      holdLaunchOf(kit, CB, held);
      const start = handleEvent(kit.deps, startEvent({ chain: 'fanc' }));
      await clock.tickAsync(0);
      kit.dataflow.setState(CA, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CA), 'm-end-a'));
      // A fresh job end leaves another delivery's held launch to it: no look-up at all.
      assert.equal(kit.logger.named('launch.held').length, 0, 'left to its holder');
      assert.ok(!kit.dataflow.listByName.getCalls().some((c) => c.args[1] === CB));

      const call = kit.dataflow.launch
        .getCalls()
        .find((c) => c.args[1].launchParameter.jobName === CB);
      if (created) kit.dataflow.create(call!.args[0], call!.args[1]);
      held.reject(new Error('instance died'));
      await clock.tickAsync(0);
      await assert.rejects(start, /instance died/);

      const b = (await steps(kit))[CB];
      assert.deepEqual([b?.status, b?.abandoned], ['INTENDED', true]);
      assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING');
      kit.dataflow.reset();
      kit.logger.clear();
      kit.clock.advance(LEASE_MS);
    }

    it('looks it up by name and drops the intent when no job exists: never launched', async () => {
      await abandonThenDie(false);
      await handleEvent(kit.deps, tickEvent('m-tick-1'));

      sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, CB);
      sinon.assert.notCalled(kit.dataflow.launch);
      sinon.assert.notCalled(kit.dataflow.cancel);
      assert.equal(named(kit, CB).length, 0);
      assert.equal((await inFlight(kit))[CB], undefined, 'no longer in flight');
      const b = (await steps(kit))[CB];
      assert.deepEqual([b?.status, b?.abandoned, b?.lease], ['FAILED', true, undefined]);
      assert.equal((await storedRun(kit.store, 'r1')).frames?.['']?.state, 'Hold');

      // Later ticks have nothing left to do with it.
      kit.dataflow.reset();
      await handleEvent(kit.deps, tickEvent('m-tick-2'));
      sinon.assert.notCalled(kit.dataflow.listByName);
      sinon.assert.notCalled(kit.dataflow.launch);
    });

    it('adopts and cancels the job when it exists: never launched again', async () => {
      await abandonThenDie(true);
      await handleEvent(kit.deps, tickEvent('m-tick-1'));

      const job = kit.dataflow.job(CB);
      sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, CB);
      sinon.assert.notCalled(kit.dataflow.launch);
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, job.id);
      assert.equal(job.currentState, 'JOB_STATE_CANCELLED');
      assert.equal(named(kit, CB).length, 1);
      const b = (await steps(kit))[CB];
      assert.deepEqual([b?.status, b?.jobId, b?.abandoned], ['LAUNCHED', job.id, true]);
      assert.ok(kit.logger.events().includes('job.adopted'));

      // Its end is then recorded without effect.
      kit.dataflow.reset();
      await handleEvent(kit.deps, jobEndedEvent(job, 'm-end-b'));
      const ended = (await steps(kit))[CB];
      assert.deepEqual([ended?.status, ended?.jobState], ['FAILED', 'JOB_STATE_CANCELLED']);
      sinon.assert.notCalled(kit.dataflow.launch);
      sinon.assert.notCalled(kit.dataflow.cancel);
    });
  });

  describe('an abandoned job adopted while its holder still holds the lease', () => {
    let clock: sinon.SinonFakeTimers;

    afterEach(() => clock.restore());

    it('is cancelled as soon as its holder records the launch, and never launched twice', async () => {
      kit = createScopesKit();
      clock = sinon.useFakeTimers();
      const held = heldCall();
      holdLaunchOf(kit, CB, held);
      const start = handleEvent(kit.deps, startEvent({ chain: 'fanc' }));
      await clock.tickAsync(0);
      const call = kit.dataflow.launch
        .getCalls()
        .find((c) => c.args[1].launchParameter.jobName === CB);
      const job = kit.dataflow.create(call!.args[0], call!.args[1]);
      kit.dataflow.setState(CA, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CA), 'm-end-a'));
      held.resolve(job);
      await clock.tickAsync(0);
      await start;
      assert.ok(kit.logger.events().includes('job.launched'));
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, job.id);

      await handleEvent(kit.deps, tickEvent());
      sinon.assert.calledOnceWithExactly(kit.dataflow.cancel, EUROPE, job.id);
      assert.equal(kit.dataflow.job(CB).currentState, 'JOB_STATE_CANCELLED');
      sinon.assert.calledTwice(kit.dataflow.launch);
      assert.equal(named(kit, CB).length, 1);
      assert.deepEqual(kit.logger.named('job.unrecorded'), []);
    });
  });

  describe('abandoned jobs of an ended run, and adoption (found by these tests, fixed)', () => {
    let clock: sinon.SinonFakeTimers | undefined;

    afterEach(() => clock?.restore());

    it('a job a failed run abandoned is re-cancelled by the tick when the first cancel failed', async () => {
      // src/handler/side-effects.ts cancelJob logs a failed cancel "the next tick tries again",
      // but handleTick only reads store.listRunning(): once a branch failure has ended the run
      // FAILED, no tick ever looks at its abandoned job again, and the job runs on.
      kit = createScopesKit();
      await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
      kit.dataflow.cancel.rejects(
        new DataflowPermanentError('Dataflow jobs.update failed: HTTP 403 PERMISSION_DENIED', {
          operation: 'jobs.update',
          httpStatus: 403,
          status: 'PERMISSION_DENIED',
        }),
      );
      kit.dataflow.setState(A, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));
      assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
      assert.equal(kit.logger.named('job.cancel_failed').length, 1);
      assert.equal(kit.dataflow.job(B).currentState, 'JOB_STATE_RUNNING');

      kit.dataflow.reset();
      await handleEvent(kit.deps, tickEvent());
      assert.deepEqual(
        kit.dataflow.cancel.args,
        [[EUROPE, kit.dataflow.job(B).id]],
        'the tick cancels the abandoned job again',
      );
      assert.equal(kit.dataflow.job(B).currentState, 'JOB_STATE_CANCELLED');
    });

    it('the end of a job a failed run abandoned is recorded: the step leaves flight', async () => {
      // Step.abandoned says an abandoned job's "end is recorded without effect". Once a branch
      // failure has ended the run, onJobEnded's staleReason answers "run r1 already FAILED"
      // instead: the sibling stays LAUNCHED in the FAILED run's steps for good, and never
      // reaches the history.
      kit = createScopesKit();
      await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
      kit.dataflow.setState(A, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(B), 'm-end-b'));

      const live = await inFlight(kit);
      assert.deepEqual(Object.keys(live), [], 'nothing left in flight in the FAILED run');
      // B's branch keeps its ended step itself (Run.ended).
      const branch = (await kit.store.parts('r1')).find((part) => part.part?.index === 1);
      const b = branch?.ended?.find((step) => step.jobName === B);
      assert.deepEqual(
        [b?.status, b?.jobState, b?.abandoned],
        ['FAILED', 'JOB_STATE_CANCELLED', true],
      );
    });

    it('a job created by the dead holder of an intent a failed run abandoned is cancelled', async () => {
      // As above: B's launch is in flight when A's failure ends the run; the holder dies after
      // Dataflow created the job. executeLaunches skips runs that are not RUNNING, and the
      // tick lists only RUNNING runs, so nobody ever looks B up: its job runs on.
      kit = createScopesKit();
      clock = sinon.useFakeTimers();
      const held = heldCall();
      holdLaunchOf(kit, B, held);
      const start = handleEvent(kit.deps, startEvent({ chain: 'fan' }));
      await clock.tickAsync(0);
      kit.dataflow.setState(A, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));
      const call = kit.dataflow.launch
        .getCalls()
        .find((c) => c.args[1].launchParameter.jobName === B);
      kit.dataflow.create(call!.args[0], call!.args[1]);
      held.reject(new Error('instance died'));
      await clock.tickAsync(0);
      await assert.rejects(start, /instance died/);
      kit.clock.advance(LEASE_MS);

      // The start is redelivered, and ticks come: one of them must settle B.
      await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
      await handleEvent(kit.deps, tickEvent());
      assert.equal(
        kit.dataflow.job(B).currentState,
        'JOB_STATE_CANCELLED',
        "B's job, created by the dead holder, is cancelled",
      );
    });

    it("an abandoned intent whose launch is held: a sibling's redelivery leaves it to its holder, whose answer cancels it", async () => {
      // Once this was one document: the redelivery of A's end adopted B's held launch and had
      // to carry out its cancel. B now lives in its own part, which A's redelivery never
      // touches; the promise stays: B's job is cancelled once its launch is recorded, once.
      kit = createScopesKit();
      clock = sinon.useFakeTimers();
      const held = heldCall();
      holdLaunchOf(kit, CB, held);
      const start = handleEvent(kit.deps, startEvent({ chain: 'fanc' }));
      await clock.tickAsync(0);
      // The call created the job; its answer is still on the way.
      const call = kit.dataflow.launch
        .getCalls()
        .find((c) => c.args[1].launchParameter.jobName === CB);
      const job = kit.dataflow.create(call!.args[0], call!.args[1]);

      kit.dataflow.setState(CA, 'JOB_STATE_FAILED');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CA), 'm-end-a'));
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(CA), 'm-end-a'));
      assert.ok(!kit.logger.events().includes('job.adopted'), 'nobody adopts it meanwhile');
      const b = (await steps(kit))[CB];
      assert.deepEqual([b?.status, b?.abandoned], ['INTENDED', true]);
      sinon.assert.notCalled(kit.dataflow.cancel);

      held.resolve(job);
      await clock.tickAsync(0);
      await start;
      assert.deepEqual(kit.dataflow.cancel.args, [[EUROPE, job.id]], 'cancelled once recorded');
      sinon.assert.calledTwice(kit.dataflow.launch);
      assert.equal(named(kit, CB).length, 1);
    });
  });
});
