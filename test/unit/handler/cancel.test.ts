import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { DEFAULT_CANCEL_CAUSE } from '../../../src/engine/cancel.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  createKit,
  jobEndedEvent,
  jobNameOf,
  pubsubEvent,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';
import { createScopesKit, jobNameIn } from './scopes-kit.js';

const cancelEvent = (runId = 'r1', cause?: string, id = 'm-cancel') =>
  pubsubEvent({ dfchain: 'cancel', runId, ...(cause === undefined ? {} : { cause }) }, id);

describe('handler: the cancel command', () => {
  let kit: Kit;

  afterEach(() => sinon.restore());

  describe('a run whose job runs', () => {
    beforeEach(async () => {
      kit = createKit();
      await handleEvent(kit.deps, startEvent());
      assert.equal(kit.dataflow.jobs.length, 1);
      kit.logger.clear();
    });

    it('cancels the job through the API and ends the run CANCELLED with its error', async () => {
      await handleEvent(kit.deps, cancelEvent('r1', 'operator said so'));

      const job = kit.dataflow.jobs[0]!;
      assert.equal(job.name, jobNameOf('r1', 'Ingest'));
      sinon.assert.calledOnceWithExactly(
        kit.dataflow.cancel,
        { projectId: job.projectId, location: job.location },
        job.id,
      );
      assert.equal(job.currentState, 'JOB_STATE_CANCELLED');
      const run = await storedRun(kit.store, 'r1');
      assert.equal(run.status, 'CANCELLED');
      const error = { Error: 'States.Cancelled', Cause: 'operator said so' };
      assert.deepEqual(run.error, error);
      assert.equal(stepOf(run, 'Ingest').abandoned, true);
      assert.deepEqual(kit.logger.events(), ['job.cancelling', 'run.cancelled']);
      assert.deepEqual(kit.logger.lines[1]?.['error'], error);
    });

    it('gives a default cause when the command has none', async () => {
      await handleEvent(kit.deps, cancelEvent());
      const run = await storedRun(kit.store, 'r1');
      assert.deepEqual(run.error, { Error: 'States.Cancelled', Cause: DEFAULT_CANCEL_CAUSE });
    });

    it('a repeated command changes nothing: no second cancel call, no line', async () => {
      await handleEvent(kit.deps, cancelEvent());
      const before = await storedRun(kit.store, 'r1');
      kit.logger.clear();
      await handleEvent(kit.deps, cancelEvent('r1', 'again', 'm-cancel-2'));

      assert.deepEqual(await storedRun(kit.store, 'r1'), before);
      sinon.assert.calledOnce(kit.dataflow.cancel);
      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.deepEqual(kit.logger.lines, []);
    });

    it("the cancelled job's end is recorded without launching the next state", async () => {
      await handleEvent(kit.deps, cancelEvent());
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.jobs[0]!));
      const run = await storedRun(kit.store, 'r1');
      assert.equal(run.status, 'CANCELLED');
      assert.deepEqual(run.error?.Error, 'States.Cancelled');
      const ingest = stepOf(run, 'Ingest');
      assert.equal(ingest.jobState, 'JOB_STATE_CANCELLED');
      assert.notEqual(ingest.endedAt, undefined);
      sinon.assert.calledOnce(kit.dataflow.launch);
    });
  });

  it('stops both branches of a running Parallel: their jobs are cancelled', async () => {
    kit = createScopesKit();
    await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
    const names = [jobNameIn('fan', 'fan-a', 'Fan[0]/A'), jobNameIn('fan', 'fan-b', 'Fan[1]/B')];
    assert.deepEqual(kit.dataflow.jobs.map((job) => job.name).sort(), [...names].sort());

    await handleEvent(kit.deps, cancelEvent());

    assert.deepEqual(
      kit.dataflow.jobs.map((job) => job.currentState),
      ['JOB_STATE_CANCELLED', 'JOB_STATE_CANCELLED'],
    );
    sinon.assert.calledTwice(kit.dataflow.cancel);
    assert.equal((await storedRun(kit.store, 'r1')).status, 'CANCELLED');
    const parts = await kit.store.parts('r1');
    assert.deepEqual(
      parts.map((part) => part.status),
      ['CANCELLED', 'CANCELLED'],
    );
    // Again: nothing more is cancelled or launched.
    await handleEvent(kit.deps, cancelEvent('r1', undefined, 'm-cancel-2'));
    sinon.assert.calledTwice(kit.dataflow.cancel);
    sinon.assert.calledTwice(kit.dataflow.launch);
  });

  it('stops a part a crash left running after the run was cancelled', async () => {
    kit = createScopesKit();
    await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
    // The cancel's write commits, then the delivery dies before it stops the parts.
    const died = sinon.stub(kit.store, 'groupParts').rejects(new Error('instance died'));
    await handleEvent(kit.deps, cancelEvent()).catch(() => undefined);
    died.restore();
    assert.equal((await storedRun(kit.store, 'r1')).status, 'CANCELLED');
    const left = await kit.store.parts('r1');
    assert.deepEqual(
      left.map((part) => part.status),
      ['RUNNING', 'RUNNING'],
    );

    await handleEvent(kit.deps, cancelEvent('r1', undefined, 'm-cancel-2'));
    const parts = await kit.store.parts('r1');
    assert.deepEqual(
      parts.map((part) => part.status),
      ['CANCELLED', 'CANCELLED'],
    );
    assert.deepEqual(
      kit.dataflow.jobs.map((job) => job.currentState),
      ['JOB_STATE_CANCELLED', 'JOB_STATE_CANCELLED'],
    );
  });

  it('a run that already ended stays as it ended', async () => {
    kit = createKit();
    await handleEvent(kit.deps, startEvent());
    const ingest = kit.dataflow.jobs[0]!;
    ingest.currentState = 'JOB_STATE_FAILED';
    await handleEvent(kit.deps, jobEndedEvent(ingest));
    const before = await storedRun(kit.store, 'r1');
    assert.equal(before.status, 'FAILED');
    kit.logger.clear();
    await handleEvent(kit.deps, cancelEvent());
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    sinon.assert.notCalled(kit.dataflow.cancel);
    assert.deepEqual(kit.logger.lines, []);
  });

  it('an unknown run id is logged and acknowledged', async () => {
    kit = createKit();
    await handleEvent(kit.deps, cancelEvent('nope'));
    assert.deepEqual(kit.logger.events(), ['message.ignored']);
    assert.equal(kit.logger.lines[0]?.['reason'], 'unknown run');
    sinon.assert.notCalled(kit.dataflow.cancel);
  });

  it('a malformed run id is ignored as malformed', async () => {
    kit = createKit();
    await handleEvent(kit.deps, cancelEvent('Not A Run'));
    assert.deepEqual(kit.logger.events(), ['message.ignored']);
    assert.equal(kit.logger.lines[0]?.['category'], 'malformed');
  });
});
