import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { JobSummary } from '../../../src/dataflow/job.js';
import { DataflowTransientError, StoreTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { claimLaunch } from '../../../src/engine/lease.js';
import {
  LEASE_MS,
  createKit,
  loseAnswerOfUpdate,
  jobEndedEvent,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';

const INGEST = jobNameOf('r1', 'Ingest');
const TRANSFORM = jobNameOf('r1', 'Transform');

/** A launch call that hangs until the test says how it ends, as a held socket does. */
function heldCall(): {
  promise: Promise<JobSummary>;
  timeOut: () => void;
} {
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<JobSummary>((_resolve, rejectWith) => {
    reject = rejectWith;
  });
  const timeOut = () =>
    reject(
      new DataflowTransientError('Dataflow flexTemplates.launch failed: no HTTP answer: timeout', {
        operation: 'flexTemplates.launch',
      }),
    );
  return { promise, timeOut };
}

describe('handler: exactly once under transient faults (regressions)', () => {
  let kit: Kit;
  let timers: sinon.SinonFakeTimers;

  beforeEach(async () => {
    kit = createKit();
    await handleEvent(kit.deps, startEvent());
    timers = sinon.useFakeTimers();
  });

  afterEach(() => {
    timers.restore();
    sinon.restore();
  });

  it('seed 1505212096 sequence: a held launch, a late stale event and a retry launch one job', async () => {
    // (1) A tick finds Ingest ended, intends Transform and sends its launch, which hangs.
    kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    const held = heldCall();
    kit.dataflow.launch.onCall(1).returns(held.promise);
    const tick = handleEvent(kit.deps, tickEvent());
    await timers.tickAsync(0);
    sinon.assert.calledTwice(kit.dataflow.launch);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'INTENDED');

    // (2) A late duplicate of Ingest's end is stale, and the intent is not its to launch: it
    // used to complete the "leftover" intent here and create a first Transform job.
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST), 'm-late'));
    assert.equal(kit.logger.named('launch.held').length, 1);
    sinon.assert.calledTwice(kit.dataflow.launch);
    assert.equal(kit.dataflow.jobs.length, 1);

    // (4) The held call times out with no answer; the retry looks first, then launches once.
    held.timeOut();
    await timers.tickAsync(5_000);
    await tick;
    sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
    const transforms = kit.dataflow.jobs.filter((job) => job.name === TRANSFORM);
    assert.equal(transforms.length, 1);
    const transform = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
    assert.equal(transform.status, 'LAUNCHED');
    assert.equal(transform.jobId, transforms[0]?.id);
    assert.deepEqual(kit.logger.named('job.unrecorded'), []);
  });

  it('a launch whose answer was lost after its job already ended is adopted, not launched again', async () => {
    kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    // The call executes, its job runs to the end at once, and the answer never arrives.
    kit.dataflow.launch.onCall(1).callsFake((ref, request) => {
      const job = kit.dataflow.create(ref, request);
      kit.dataflow.setState(job.name, 'JOB_STATE_DONE');
      return Promise.reject(
        new DataflowTransientError(
          'Dataflow flexTemplates.launch failed: no HTTP answer: socket hang up',
          {
            operation: 'flexTemplates.launch',
          },
        ),
      );
    });
    const ended = handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST)));
    await timers.tickAsync(5_000);
    await ended;

    // A name is unique only among active jobs: a blind retry would have made a second one.
    sinon.assert.calledTwice(kit.dataflow.launch);
    assert.equal(kit.dataflow.jobs.filter((job) => job.name === TRANSFORM).length, 1);
    const transform = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
    assert.equal(transform.status, 'LAUNCHED');
    assert.deepEqual(kit.logger.events().slice(-1), ['job.adopted']);
  });

  it('renews its lease before a launch call that would not fit in what is left of it', async () => {
    kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    const timeout = () =>
      Promise.reject(
        new DataflowTransientError(
          'Dataflow flexTemplates.launch failed: no HTTP answer: timeout',
          {
            operation: 'flexTemplates.launch',
          },
        ),
      );
    // Each failed call takes 70 s of the 150 s lease, as a call that times out does.
    for (const call of [1, 2]) {
      kit.dataflow.launch.onCall(call).callsFake(() => {
        kit.clock.advance(70_000);
        return timeout();
      });
    }
    let leaseAtThirdCall: string | undefined;
    kit.dataflow.launch.onCall(3).callsFake(async (ref, request) => {
      const run = await kit.store.get('r1');
      leaseAtThirdCall = run?.steps[TRANSFORM]?.lease?.until;
      return kit.dataflow.create(ref, request);
    });
    const ended = handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST)));
    await timers.tickAsync(10_000);
    await ended;

    // After 140 s only 10 s were left, less than a call (60 s) and the margins: renewed first.
    assert.equal(leaseAtThirdCall, new Date(kit.clock.now().getTime() + LEASE_MS).toISOString());
    sinon.assert.callCount(kit.dataflow.launch, 4);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
  });

  it('a holder whose lease was taken over stops without another launch call', async () => {
    kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    kit.dataflow.launch.onCall(1).callsFake(async () => {
      // The call hangs past the lease; meanwhile another delivery takes the launch over.
      kit.clock.advance(LEASE_MS + 1);
      await kit.store.update('r1', (run) => {
        const claim = claimLaunch(run!, TRANSFORM, {
          owner: 'someone-else',
          now: kit.clock.now().toISOString(),
          leaseMs: LEASE_MS,
        });
        return { run: claim.run, result: undefined };
      });
      throw new DataflowTransientError(
        'Dataflow flexTemplates.launch failed: no HTTP answer: timeout',
        {
          operation: 'flexTemplates.launch',
        },
      );
    });
    const ended = handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST)));
    await timers.tickAsync(10_000);
    await ended;

    sinon.assert.calledTwice(kit.dataflow.launch);
    assert.equal(kit.dataflow.jobs.filter((job) => job.name === TRANSFORM).length, 0);
    const transform = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
    assert.equal(transform.status, 'INTENDED');
    assert.equal(transform.lease?.owner, 'someone-else');
  });

  it('a delivery whose intent write failed after it landed gives its lease back: the redelivery launches at once', async () => {
    kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    const fault = loseAnswerOfUpdate(kit.store);
    await assert.rejects(
      handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST), 'm-1')),
      StoreTransientError,
    );
    const intended = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
    assert.equal(intended.status, 'INTENDED');
    assert.equal(intended.lease?.until, kit.clock.now().toISOString());

    fault.restore();
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST), 'm-1'));

    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
    assert.equal(kit.dataflow.jobs.filter((job) => job.name === TRANSFORM).length, 1);
  });

  it('a tick whose claim of an abandoned intent was lost gives it back: the next tick launches at once', async () => {
    // Transform's holder dies before sending its launch call; its lease then runs out.
    kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    kit.dataflow.launch.onCall(1).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(INGEST))));
    kit.clock.advance(LEASE_MS);

    const fault = loseAnswerOfUpdate(kit.store);
    await assert.rejects(handleEvent(kit.deps, tickEvent('m-tick-1')), StoreTransientError);
    fault.restore();
    const given = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
    assert.equal(given.status, 'INTENDED');
    assert.equal(given.lease?.until, kit.clock.now().toISOString());

    await handleEvent(kit.deps, tickEvent('m-tick-2'));
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
    assert.equal(kit.dataflow.jobs.filter((job) => job.name === TRANSFORM).length, 1);
  });
});
