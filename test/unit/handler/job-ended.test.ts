import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import {
  JobNotConfirmedError,
  JobNotFoundError,
  StorePermanentError,
} from '../../../src/errors.js';
import type { Run } from '../../../src/engine/run.js';
import type { JobEndedSignal } from '../../../src/events/signal.js';
import { invocation } from '../../../src/handler/invocation.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { handleJobEnded } from '../../../src/handler/job-ended.js';
import {
  NOW,
  PROJECT,
  createKit,
  jobEndedEvent,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';

const INGEST = jobNameOf('r1', 'Ingest');
const TRANSFORM = jobNameOf('r1', 'Transform');

describe('handler: job ended', () => {
  let kit: Kit;

  beforeEach(async () => {
    kit = createKit();
    await handleEvent(kit.deps, startEvent());
    kit.logger.clear();
  });

  afterEach(() => sinon.restore());

  it('confirms a completed step and launches the next one exactly once', async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    sinon.assert.calledOnceWithExactly(
      kit.dataflow.getJob,
      { projectId: PROJECT, location: 'europe-west4' },
      '2026-11-22_02_00_00-1001',
    );
    sinon.assert.calledTwice(kit.dataflow.launch);
    const [ref, request] = kit.dataflow.launch.secondCall.args;
    assert.deepEqual(ref, { projectId: PROJECT, location: 'us-central1' });
    assert.equal(request.launchParameter.jobName, TRANSFORM);
    assert.deepEqual(request.launchParameter.parameters, { source: INGEST, run: 'r1' });

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'RUNNING');
    assert.equal(stepOf(run, 'Ingest').status, 'SUCCEEDED');
    assert.equal(stepOf(run, 'Ingest').jobState, 'JOB_STATE_DONE');
    assert.equal(stepOf(run, 'Transform').status, 'LAUNCHED');
    assert.equal(stepOf(run, 'Transform').jobId, '2026-11-22_02_00_00-1002');
    assert.deepEqual(kit.logger.events(), ['job.confirmed', 'step.intended', 'job.launched']);
  });

  it('changes and launches nothing for a duplicate completion', async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    await handleEvent(kit.deps, jobEndedEvent(ingest, 'm-1'));
    const before = await storedRun(kit.store, 'r1');
    kit.logger.clear();

    await handleEvent(kit.deps, jobEndedEvent(ingest, 'm-2'));

    sinon.assert.calledTwice(kit.dataflow.launch);
    sinon.assert.notCalled(kit.dataflow.listByName);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    const reason = `job ${INGEST} is not in flight in run r1: its end was already recorded (duplicate event), or it is not a step of this run`;
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'INFO',
        event: 'message.ignored',
        message: `ignored logSink event for job ${INGEST} (2026-11-22_02_00_00-1001): ${reason}`,
        reason,
        jobName: INGEST,
        jobId: '2026-11-22_02_00_00-1001',
        runId: 'r1',
        chain: 'daily',
      },
    ]);
  });

  it('ignores a job whose name is not a chain job without calling Dataflow', async () => {
    const foreign = {
      id: '2026-11-22_02_00_00-9001',
      name: 'nightly-export',
      projectId: PROJECT,
      location: 'europe-west4',
    };
    kit.dataflow.reset();

    await handleEvent(kit.deps, jobEndedEvent(foreign));

    assert.equal(kit.dataflow.callCount, 0);
    const reason = 'not a dfchain job: its name matches no chain job-name prefix';
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'INFO',
        event: 'message.ignored',
        message: `ignored logSink event for job nightly-export (2026-11-22_02_00_00-9001): ${reason}`,
        reason,
        jobName: 'nightly-export',
        jobId: '2026-11-22_02_00_00-9001',
      },
    ]);
  });

  it('ignores a chain-like job without a dfchain-run label after one getJob', async () => {
    const lookalike = kit.dataflow.add({
      name: 'ingest-0123456789ab',
      currentState: 'JOB_STATE_DONE',
    });

    await handleEvent(kit.deps, jobEndedEvent(lookalike));

    sinon.assert.calledOnce(kit.dataflow.getJob);
    sinon.assert.calledOnce(kit.dataflow.launch);
    sinon.assert.notCalled(kit.dataflow.listByName);
    assert.deepEqual(kit.logger.events(), ['message.ignored']);
    assert.equal(kit.logger.lines[0]?.['reason'], 'not a dfchain job: it has no dfchain-run label');
  });

  it('fails the run when the job failed, launching nothing', async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_FAILED');

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    const run = await storedRun(kit.store, 'r1');
    const error = {
      Error: 'Dataflow.JobFailed',
      Cause: `Dataflow job ${INGEST} (2026-11-22_02_00_00-1001) in europe-west4 ended JOB_STATE_FAILED`,
    };
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, error);
    assert.equal(stepOf(run, 'Ingest').status, 'FAILED');
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(kit.logger.events(), ['job.confirmed', 'run.failed']);
  });

  it('acknowledges and rejects a job labelled with a run that does not exist', async () => {
    const name = jobNameOf('ghost', 'Ingest');
    const orphan = kit.dataflow.add({
      name,
      currentState: 'JOB_STATE_DONE',
      labels: { 'dfchain-run': 'ghost' },
    });

    await handleEvent(kit.deps, jobEndedEvent(orphan, 'm-9'));

    assert.equal(await kit.store.get('ghost'), undefined);
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'ERROR',
        event: 'message.rejected',
        message: `job ${name} (2026-11-22_02_00_00-1002) is labelled dfchain-run=ghost, but no such run is stored; was it started against another project or database? (message m-9 acknowledged; it will not be retried)`,
        code: 'POISON_MESSAGE',
      },
    ]);
  });

  describe('confirming with the API', () => {
    let timers: sinon.SinonFakeTimers;

    beforeEach(() => {
      timers = sinon.useFakeTimers();
    });

    afterEach(() => timers.restore());

    it('waits out NOT_FOUND and RUNNING, then advances on DONE', async () => {
      const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
      kit.dataflow.getJob
        .onCall(0)
        .rejects(
          new JobNotFoundError('HTTP 404 NOT_FOUND', { operation: 'jobs.get', httpStatus: 404 }),
        );
      kit.dataflow.getJob.onCall(1).resolves({ ...ingest, currentState: 'JOB_STATE_RUNNING' });

      const delivery = handleEvent(kit.deps, jobEndedEvent(ingest));
      await timers.tickAsync(5_000);
      await delivery;

      sinon.assert.calledThrice(kit.dataflow.getJob);
      sinon.assert.calledTwice(kit.dataflow.launch);
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
      assert.deepEqual(kit.logger.events(), ['job.confirmed', 'step.intended', 'job.launched']);
    });

    it('acknowledges a message about a job the API still does not know after 45 s: ignored, nothing launched, run untouched', async () => {
      const ghost = { ...kit.dataflow.job(INGEST), id: '2026-11-22_02_00_00-9999' };
      const before = await storedRun(kit.store, 'r1');
      const deps = { ...kit.deps, confirmDeadlineMs: 120_000 };

      const delivery = handleEvent(deps, jobEndedEvent(ghost, 'm-ghost'));
      await timers.tickAsync(47_000);
      await delivery;

      sinon.assert.alwaysCalledWithExactly(
        kit.dataflow.getJob,
        { projectId: PROJECT, location: 'europe-west4' },
        '2026-11-22_02_00_00-9999',
      );
      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.deepEqual(await storedRun(kit.store, 'r1'), before);
      const [ignored, ...more] = kit.logger.lines;
      assert.deepEqual(more, []);
      assert.equal(ignored?.event, 'message.ignored');
      assert.match(
        String(ignored?.['reason']),
        /^job 2026-11-22_02_00_00-9999 in projects\/my-proj\/locations\/europe-west4 was still NOT_FOUND 4[5-7] s after its message arrived, beyond the API's lag: a message about a job that does not exist here$/,
      );
    });

    it('fails the delivery (retryable) when the job is still RUNNING at the deadline', async () => {
      const ingest = kit.dataflow.job(INGEST);
      const before = await storedRun(kit.store, 'r1');

      const outcome = assert.rejects(
        handleEvent(kit.deps, jobEndedEvent(ingest, 'm-5')),
        JobNotConfirmedError,
      );
      await timers.tickAsync(31_000);
      await outcome;

      assert.ok(kit.dataflow.getJob.callCount > 10, 'kept asking until the deadline');
      sinon.assert.calledOnce(kit.dataflow.launch);
      assert.deepEqual(await storedRun(kit.store, 'r1'), before);
      assert.deepEqual(kit.logger.lines, [
        {
          severity: 'WARNING',
          event: 'delivery.retry',
          message:
            'job 2026-11-22_02_00_00-1001 in projects/my-proj/locations/europe-west4 is not confirmed ended within the 30000 ms deadline: the API last said JOB_STATE_RUNNING; the delivery fails so Pub/Sub redelivers it (message m-5 will be redelivered)',
          code: 'JOB_NOT_CONFIRMED',
        },
      ]);
    });
  });

  it('ignores a message naming another project with no API call', async () => {
    kit.dataflow.reset();
    const ingest = kit.dataflow.job(INGEST);
    await handleEvent(kit.deps, jobEndedEvent({ ...ingest, projectId: 'other-proj' }));

    assert.equal(kit.dataflow.callCount, 0);
    assert.equal(
      kit.logger.named('message.ignored')[0]?.['reason'],
      `it is in project other-proj; this function serves ${PROJECT}`,
    );
  });

  it('ignores a job with an empty dfchain-run label after one getJob, without retrying', async () => {
    const lookalike = kit.dataflow.add({
      name: 'ingest-0123456789ab',
      currentState: 'JOB_STATE_DONE',
      labels: { 'dfchain-run': '' },
    });
    await handleEvent(kit.deps, jobEndedEvent(lookalike));
    assert.equal(kit.logger.lines[0]?.['reason'], 'not a dfchain job: it has no dfchain-run label');
  });

  it('trusts an Eventarc direct event: no jobs.get, and the next step is launched', async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    kit.dataflow.reset();
    await handleEvent(kit.deps, {
      id: 'ea-1',
      type: 'google.cloud.dataflow.job.v1beta3.statusChanged',
      data: { payload: { ...ingest } },
    });

    sinon.assert.notCalled(kit.dataflow.getJob);
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
  });

  it("an Eventarc event whose labels do not name the step's run moves nothing", async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    await handleEvent(kit.deps, {
      id: 'ea-2',
      type: 'google.cloud.dataflow.job.v1beta3.statusChanged',
      data: { payload: { ...ingest, location: 'us-central1' } },
    });
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.match(
      String(kit.logger.named('message.ignored')[0]?.['reason']),
      /is not the job of step Ingest of run r1: it runs in projects\/my-proj\/locations\/us-central1/,
    );
  });

  it("fails the run when Firestore refuses for good to store a job's end, instead of leaving it RUNNING", async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    const update = kit.store.update.bind(kit.store);
    const refuse = sinon.stub(kit.store, 'update').callsFake(async (runId, change) => {
      if (refuse.callCount === 1)
        throw new StorePermanentError('Firestore update refused the document: too big');
      return update(runId, change);
    });

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, {
      Error: 'States.Runtime',
      Cause: `job ${INGEST} (2026-11-22_02_00_00-1001) ended JOB_STATE_DONE, but the run could not be stored with its result: Firestore update refused the document: too big`,
    });
    assert.equal(kit.logger.named('message.rejected').length, 1);
  });

  describe('what is confirmed with the API', () => {
    const OWN = { 'dfchain-run': 'r1', 'dfchain-chain': 'daily', 'dfchain-state': 'ingest' };
    const cases: ReadonlyArray<readonly [name: string, signal: Partial<JobEndedSignal>]> = [
      [
        'a log sink signal, even one that carries a state and labels',
        { source: 'logSink', reportedState: 'JOB_STATE_DONE', reportedLabels: OWN },
      ],
      [
        'an Eventarc signal whose state is not terminal',
        { source: 'eventarc', reportedState: 'JOB_STATE_RUNNING', reportedLabels: OWN },
      ],
      [
        'an Eventarc signal without labels',
        { source: 'eventarc', reportedState: 'JOB_STATE_DONE' },
      ],
    ];
    for (const [name, fields] of cases) {
      it(`confirms ${name} with one jobs.get`, async () => {
        const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
        kit.dataflow.reset();
        const signal: JobEndedSignal = {
          kind: 'jobEnded',
          source: 'logSink',
          jobId: ingest.id,
          jobName: ingest.name,
          projectId: ingest.projectId,
          location: ingest.location,
          launcherFailed: false,
          ...fields,
        };

        await handleJobEnded(invocation(kit.deps), signal);

        sinon.assert.calledOnceWithExactly(
          kit.dataflow.getJob,
          { projectId: PROJECT, location: 'europe-west4' },
          ingest.id,
        );
        assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
      });
    }
  });

  it('polls a job the API does not show yet again after 100 to 200 ms, not the whole poll interval', async () => {
    const timers = sinon.useFakeTimers();
    try {
      const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
      kit.dataflow.getJob
        .onCall(0)
        .rejects(
          new JobNotFoundError('HTTP 404 NOT_FOUND', { operation: 'jobs.get', httpStatus: 404 }),
        );

      const delivery = handleEvent(kit.deps, jobEndedEvent(ingest));
      await timers.tickAsync(99);
      sinon.assert.calledOnce(kit.dataflow.getJob);
      await timers.tickAsync(101);
      sinon.assert.calledTwice(kit.dataflow.getJob);
      await delivery;
    } finally {
      timers.restore();
    }
  });

  it("records the step's end at the clock's time of the recording", async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    kit.clock.advance(5_000);

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    const ended = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ended.status, 'SUCCEEDED');
    assert.equal(ended.endedAt, '2026-11-22T10:00:05.000Z');
  });

  it("leaves a run another delivery failed as it is when Firestore refuses for good to store a job's end", async () => {
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    const earlier = { Error: 'Dataflow.LaunchFailed', Cause: 'failed by another delivery' };
    const update = kit.store.update.bind(kit.store);
    const refuse = sinon.stub(kit.store, 'update').callsFake(async (runId, change) => {
      if (refuse.callCount !== 1) return update(runId, change);
      // Another delivery fails the run; then Firestore refuses this delivery's write.
      await update(runId, (run) => ({
        run: { ...(run as Run), status: 'FAILED', error: earlier, endTime: NOW },
        result: undefined,
      }));
      throw new StorePermanentError('Firestore update refused the document: too big');
    });
    kit.logger.clear();
    const writes = kit.store.trips.writes;

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    sinon.assert.calledTwice(refuse);
    assert.equal(kit.store.trips.writes - writes, 1, "the other delivery's only: no write of ours");
    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, earlier);
    assert.deepEqual(kit.logger.events(), ['message.rejected']);
  });
});
