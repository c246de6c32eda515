import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { DataflowPermanentError, DataflowTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  LEASE_MS,
  PROJECT,
  createKit,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';

const INGEST = jobNameOf('r1', 'Ingest');
const EUROPE = { projectId: PROJECT, location: 'europe-west4' };
const launchDetails = { operation: 'flexTemplates.launch' };
const OWN_LABELS = { 'dfchain-run': 'r1', 'dfchain-chain': 'daily', 'dfchain-state': 'ingest' };

describe('handler: launches', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  it('adopts the job of the same name when the launch answers 409', async () => {
    kit.dataflow.add({ name: INGEST, labels: OWN_LABELS });

    await handleEvent(kit.deps, startEvent());

    sinon.assert.calledOnce(kit.dataflow.launch);
    sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, INGEST);
    // The list is a summary without labels: the job is read again with them before adoption.
    sinon.assert.calledOnceWithExactly(kit.dataflow.getJob, EUROPE, '2026-11-22_02_00_00-1001');
    assert.equal(kit.dataflow.jobs.length, 1);
    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'LAUNCHED');
    assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
    assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'job.adopted']);
    assert.equal(
      kit.logger.named('job.adopted')[0]?.message,
      `run r1 state Ingest: ${INGEST} was already launched (2026-11-22_02_00_00-1001); adopted it`,
    );
  });

  it("never adopts a job of the step's name whose labels name another run (409 adoption checks identity)", async () => {
    kit.dataflow.add({ name: INGEST, labels: { ...OWN_LABELS, 'dfchain-run': 'r0' } });

    await assert.rejects(handleEvent(kit.deps, startEvent()), DataflowTransientError);

    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'INTENDED');
    assert.equal(ingest.jobId, undefined);
    assert.equal(
      kit.logger.named('job.foreign')[0]?.message,
      `run r1 state Ingest: job 2026-11-22_02_00_00-1001 is named ${INGEST} but is not this step's job (its label dfchain-run is "r0", not "r1"); it is left alone`,
    );
  });

  it('retries the delivery when a 409 names a job that is not listed yet', async () => {
    kit.dataflow.add({ name: INGEST });
    kit.dataflow.listByName.resolves([]);

    await assert.rejects(handleEvent(kit.deps, startEvent()), DataflowTransientError);

    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'INTENDED');
    const retry = kit.logger.named('delivery.retry');
    assert.deepEqual(retry, [
      {
        severity: 'WARNING',
        event: 'delivery.retry',
        message: `launch of ${INGEST} answered 409 ALREADY_EXISTS but no job of this run's step Ingest is listed under that name yet; retrying (message m-start will be redelivered)`,
        code: 'DATAFLOW_TRANSIENT',
      },
    ]);
  });

  it('fails the run with Dataflow.LaunchFailed on a permanent launch error, and acknowledges', async () => {
    const refusal = 'Dataflow flexTemplates.launch failed: HTTP 403 PERMISSION_DENIED';
    kit.dataflow.launch.rejects(new DataflowPermanentError(refusal, launchDetails));

    await handleEvent(kit.deps, startEvent());

    sinon.assert.calledOnce(kit.dataflow.launch);
    const run = await storedRun(kit.store, 'r1');
    const error = { Error: 'Dataflow.LaunchFailed', Cause: `States.Ingest: ${refusal}` };
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, error);
    assert.deepEqual(stepOf(run, 'Ingest').error, error);
    assert.equal(stepOf(run, 'Ingest').status, 'FAILED');
    assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'run.failed']);
  });

  describe('transient launch errors', () => {
    let timers: sinon.SinonFakeTimers;

    beforeEach(() => {
      timers = sinon.useFakeTimers();
    });

    afterEach(() => timers.restore());

    it('fail the delivery, and the redelivery looks the job up before launching once', async () => {
      const unavailable = 'Dataflow flexTemplates.launch failed: HTTP 503 UNAVAILABLE';
      for (let call = 0; call < 4; call++) {
        kit.dataflow.launch
          .onCall(call)
          .rejects(new DataflowTransientError(unavailable, { ...launchDetails, httpStatus: 503 }));
      }

      const first = assert.rejects(handleEvent(kit.deps, startEvent()), DataflowTransientError);
      await timers.tickAsync(10_000);
      await first;

      sinon.assert.callCount(kit.dataflow.launch, 4);
      assert.equal(kit.dataflow.jobs.length, 0);
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'INTENDED');
      assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'delivery.retry']);
      assert.deepEqual(kit.logger.named('delivery.retry')[0], {
        severity: 'WARNING',
        event: 'delivery.retry',
        message: `${unavailable} (message m-start will be redelivered)`,
        code: 'DATAFLOW_TRANSIENT',
      });

      kit.dataflow.reset();
      kit.logger.clear();
      await handleEvent(kit.deps, startEvent());

      // Exactly a JobRef: the googleapis adapter sends every field of it as a query parameter.
      sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, INGEST);
      sinon.assert.calledOnce(kit.dataflow.launch);
      sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
      const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
      assert.equal(ingest.status, 'LAUNCHED');
      assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
      assert.deepEqual(kit.logger.events(), ['message.duplicate', 'job.launched']);
    });
  });

  it('adopts at once, without a second launch, a job launched by an invocation that died before recording it', async () => {
    kit.dataflow.launch.onCall(0).callsFake((ref, request) => {
      kit.dataflow.create(ref, request);
      return Promise.reject(new Error('instance died after the launch'));
    });
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died after the launch/);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'INTENDED');
    assert.equal(kit.dataflow.job(INGEST).id, '2026-11-22_02_00_00-1001');

    // The dead holder's lease still runs, but adopting an existing job needs no lease.
    kit.dataflow.reset();
    kit.logger.clear();
    await handleEvent(kit.deps, startEvent());

    sinon.assert.notCalled(kit.dataflow.launch);
    sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, INGEST);
    assert.equal(kit.dataflow.jobs.length, 1);
    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'LAUNCHED');
    assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
    assert.deepEqual(kit.logger.events(), ['message.duplicate', 'job.adopted']);
  });

  it('launches an intent whose holder died before launching only once its lease ran out, looking first', async () => {
    kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died before the launch/);

    // Until the dead holder's lease runs out, nobody else may launch: its call may be in flight.
    kit.dataflow.reset();
    kit.logger.clear();
    kit.clock.advance(LEASE_MS - 1);
    // Acknowledged, not failed: a failing push delivery would slow the whole subscription down,
    // and the tick takes the intent over once the lease has run out.
    await handleEvent(kit.deps, startEvent());
    sinon.assert.notCalled(kit.dataflow.launch);
    assert.deepEqual(kit.logger.events(), ['message.duplicate', 'launch.held']);
    assert.equal(
      kit.logger.named('launch.held')[0]?.message,
      `run r1 state Ingest: the launch of ${INGEST} is held by another delivery until 2026-11-22T10:02:30.000Z and Dataflow has no job of that name yet; left to it (a tick takes it over if that delivery died)`,
    );

    kit.dataflow.reset();
    kit.clock.advance(1);
    kit.logger.clear();
    await handleEvent(kit.deps, startEvent());

    sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.equal(kit.dataflow.jobs.length, 1);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.deepEqual(kit.logger.events(), ['message.duplicate', 'job.launched']);
  });
});
