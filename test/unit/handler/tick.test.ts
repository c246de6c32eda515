import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { DataflowTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  PROJECT,
  createKit,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';

const EUROPE = { projectId: PROJECT, location: 'europe-west4' };

describe('handler: tick', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  async function startAndForget(runId = 'r1'): Promise<void> {
    await handleEvent(kit.deps, startEvent({ runId }, `m-${runId}`));
    kit.dataflow.reset();
    kit.logger.clear();
  }

  it('advances a run whose job ended without an event, and launches the next step', async () => {
    await startAndForget();
    kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');

    await handleEvent(kit.deps, tickEvent());

    // Exactly a JobRef: the googleapis adapter sends every field of it as a query parameter.
    sinon.assert.calledOnceWithExactly(kit.dataflow.getJob, EUROPE, 'job-1');
    sinon.assert.calledOnce(kit.dataflow.launch);
    const run = await storedRun(kit.store, 'r1');
    assert.equal(stepOf(run, 'Ingest').status, 'SUCCEEDED');
    assert.equal(stepOf(run, 'Transform').status, 'LAUNCHED');
    assert.equal(stepOf(run, 'Transform').jobId, 'job-2');
    assert.deepEqual(kit.logger.events(), [
      'job.confirmed',
      'step.intended',
      'job.launched',
      'tick.done',
    ]);
  });

  it('launches a step recorded as intended but never launched', async () => {
    kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died before the launch/);
    kit.dataflow.reset();
    kit.logger.clear();

    await handleEvent(kit.deps, tickEvent());

    sinon.assert.calledOnceWithExactly(
      kit.dataflow.findJobByName,
      EUROPE,
      jobNameOf('r1', 'Ingest'),
    );
    sinon.assert.calledOnce(kit.dataflow.launch);
    sinon.assert.callOrder(kit.dataflow.findJobByName, kit.dataflow.launch);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.deepEqual(kit.logger.events(), ['job.launched', 'tick.done']);
  });

  it('leaves a run whose job is still running alone', async () => {
    await startAndForget();
    const before = await storedRun(kit.store, 'r1');

    await handleEvent(kit.deps, tickEvent());

    sinon.assert.calledOnce(kit.dataflow.getJob);
    assert.equal(kit.dataflow.callCount, 1);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.deepEqual(kit.logger.lines, [
      { severity: 'INFO', event: 'tick.done', message: 'tick: reconciled 1 running run(s)' },
    ]);
  });

  it('does not look at runs that ended', async () => {
    await startAndForget();
    kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_CANCELLED');
    await handleEvent(kit.deps, tickEvent('m-1'));
    assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
    kit.dataflow.reset();
    kit.logger.clear();

    await handleEvent(kit.deps, tickEvent('m-2'));

    assert.equal(kit.dataflow.callCount, 0);
    assert.deepEqual(kit.logger.events(), ['tick.done']);
    assert.equal(kit.logger.lines[0]?.message, 'tick: reconciled 0 running run(s)');
  });

  it('reconciles the other runs when one fails, then fails the delivery', async () => {
    await startAndForget('r1');
    await startAndForget('r2');
    kit.dataflow.setState(jobNameOf('r2', 'Ingest'), 'JOB_STATE_DONE');
    const outage = new DataflowTransientError('Dataflow jobs.get failed: HTTP 503 UNAVAILABLE', {
      operation: 'jobs.get',
      httpStatus: 503,
    });
    kit.dataflow.getJob.withArgs(sinon.match.any, 'job-1').rejects(outage);

    await assert.rejects(handleEvent(kit.deps, tickEvent('m-3')), (thrown) => thrown === outage);

    assert.equal(stepOf(await storedRun(kit.store, 'r2'), 'Transform').status, 'LAUNCHED');
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.deepEqual(kit.logger.named('tick.failed'), [
      {
        severity: 'WARNING',
        event: 'tick.failed',
        message: `tick: reconciling run r1 failed: ${outage.message}`,
        runId: 'r1',
        chain: 'daily',
      },
    ]);
    assert.deepEqual(kit.logger.events().slice(-2), ['tick.done', 'delivery.retry']);
  });
});
