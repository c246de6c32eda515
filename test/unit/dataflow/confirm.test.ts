import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import {
  NOT_FOUND_LIMIT_MS,
  confirmJobEnded,
  type ConfirmRetryInfo,
} from '../../../src/dataflow/confirm.js';
import type { JobSummary } from '../../../src/dataflow/job.js';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import {
  DataflowPermanentError,
  DataflowTransientError,
  JobNeverVisibleError,
  JobNotConfirmedError,
  JobNotFoundError,
} from '../../../src/errors.js';

const ref = { projectId: 'my-proj', location: 'europe-west4' };
const details = { operation: 'jobs.get', httpStatus: 404, status: 'NOT_FOUND' };
const job = (currentState: string): JobSummary => ({
  id: 'j-1',
  name: 'daily-ingest-r1-0',
  projectId: 'my-proj',
  location: 'europe-west4',
  currentState,
  labels: {},
});
const notFound = () =>
  new JobNotFoundError('Dataflow jobs.get failed: HTTP 404 NOT_FOUND', details);

function portWith(getJob: sinon.SinonStub): DataflowPort {
  return {
    getJob,
    listJobsByName: sinon.stub().rejects(new Error('not used')),
    listActiveJobs: sinon.stub().rejects(new Error('not used')),
    launchFlexTemplate: sinon.stub().rejects(new Error('not used')),
    launchTemplate: sinon.stub().rejects(new Error('not used')),
    cancelJob: sinon.stub().rejects(new Error('not used')),
  };
}

describe('confirmJobEnded', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    // No jitter: delays are exactly 250, 500, 1000, … ms, so call counts are exact.
    sinon.stub(Math, 'random').returns(0);
  });

  afterEach(() => {
    clock.restore();
    sinon.restore();
  });

  it('retries NOT_FOUND and RUNNING with backoff until the API says DONE', async () => {
    const getJob = sinon.stub();
    getJob.onCall(0).rejects(notFound());
    getJob.onCall(1).resolves(job('JOB_STATE_RUNNING'));
    getJob.onCall(2).resolves(job('JOB_STATE_DONE'));
    const retries: ConfirmRetryInfo[] = [];
    const confirmed = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 60_000,
      onRetry: (info) => retries.push(info),
    });
    await clock.tickAsync(249);
    assert.equal(getJob.callCount, 1, 'waits 250 ms before the second call');
    await clock.tickAsync(1);
    assert.equal(getJob.callCount, 2);
    await clock.tickAsync(500);
    assert.deepEqual(await confirmed, job('JOB_STATE_DONE'));
    assert.equal(getJob.callCount, 3);
    assert.deepEqual(getJob.firstCall.args, [ref, 'j-1']);
    assert.deepEqual(
      retries.map(({ attempt, lastSeen }) => ({ attempt, lastSeen })),
      [
        { attempt: 1, lastSeen: 'NOT_FOUND' },
        { attempt: 2, lastSeen: 'JOB_STATE_RUNNING' },
      ],
    );
  });

  it('retries transient errors', async () => {
    const getJob = sinon.stub();
    getJob
      .onCall(0)
      .rejects(new DataflowTransientError('HTTP 503', { operation: 'jobs.get', httpStatus: 503 }));
    getJob.onCall(1).resolves(job('JOB_STATE_FAILED'));
    const confirmed = confirmJobEnded(portWith(getJob), ref, 'j-1', { deadlineMs: 60_000 });
    await clock.tickAsync(250);
    assert.equal((await confirmed).currentState, 'JOB_STATE_FAILED');
    assert.equal(getJob.callCount, 2);
  });

  it('fails at once, without retrying, on a permanent error such as 403', async () => {
    const denied = new DataflowPermanentError('HTTP 403 PERMISSION_DENIED', {
      operation: 'jobs.get',
      httpStatus: 403,
    });
    const getJob = sinon.stub().rejects(denied);
    const onRetry = sinon.spy();
    const confirmed = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 60_000,
      onRetry,
    });
    const outcome = confirmed.catch((e: unknown) => e);
    await clock.tickAsync(0);
    assert.equal(await outcome, denied);
    assert.equal(getJob.callCount, 1);
    assert.equal(onRetry.callCount, 0);
  });

  it('past the deadline throws a retryable JobNotConfirmedError naming the job, last state and deadline', async () => {
    const getJob = sinon.stub().resolves(job('JOB_STATE_RUNNING'));
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', { deadlineMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    await clock.tickAsync(10_000);
    const error = await outcome;
    assert.ok(error instanceof JobNotConfirmedError);
    assert.equal(
      error.message,
      'job j-1 in projects/my-proj/locations/europe-west4 is not confirmed ended within the 10000 ms deadline: the API last said JOB_STATE_RUNNING; the delivery fails so Pub/Sub redelivers it',
    );
    assert.equal(error.retryable, true);
    assert.ok(error.cause instanceof JobNotConfirmedError);
    // Calls at 0, 250, 750, 1750, 3750, 7750 and, cut short by the deadline, 10000 ms.
    assert.equal(getJob.callCount, 7);
  });

  it('caps the delay at maxDelayMs and names NOT_FOUND as the last answer', async () => {
    const getJob = sinon.stub().callsFake(() => Promise.reject(notFound()));
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 30_000,
      minDelayMs: 1000,
      maxDelayMs: 5000,
    }).catch((e: unknown) => e);
    await clock.tickAsync(30_000);
    const error = await outcome;
    assert.ok(error instanceof JobNotConfirmedError, String(error));
    assert.match(error.message, /the API last said NOT_FOUND;/);
    assert.ok(error.cause instanceof JobNotFoundError);
    // 0, 1 s, 3 s, 7 s, then every 5 s: 12, 17, 22, 27, and 30 s at the deadline.
    assert.equal(getJob.callCount, 9);
  });

  it('a job that stays NOT_FOUND past the lag bound is acknowledged as foreign, not polled to the deadline', async () => {
    assert.equal(NOT_FOUND_LIMIT_MS, 45_000);
    const getJob = sinon.stub().callsFake(() => Promise.reject(notFound()));
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 120_000,
      minDelayMs: 100,
      maxDelayMs: 5000,
    }).catch((e: unknown) => e);
    await clock.tickAsync(120_000);
    const error = await outcome;
    assert.ok(error instanceof JobNeverVisibleError);
    assert.equal(error.retryable, false);
    assert.match(
      error.message,
      /^job j-1 in projects\/my-proj\/locations\/europe-west4 was still NOT_FOUND 4\d s after its message arrived, beyond the API's lag: a message about a job that does not exist here$/,
    );
    // Polled up to the bound (0.1, 0.2, 0.4 … then every 5 s up to 45 s), not to 120 s.
    assert.ok(getJob.callCount <= 16, `${getJob.callCount} calls`);
  });

  it('keeps waiting past the lag bound for a job it has seen (only NOT_FOUND ever is foreign)', async () => {
    const getJob = sinon.stub();
    getJob.onCall(0).resolves(job('JOB_STATE_RUNNING'));
    getJob.callsFake(() => Promise.reject(notFound()));
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 60_000,
      maxDelayMs: 5000,
    }).catch((e: unknown) => e);
    await clock.tickAsync(60_000);
    assert.ok((await outcome) instanceof JobNotConfirmedError);
  });

  it('jitters the delays between 1x and 2x', async () => {
    (Math.random as sinon.SinonStub).returns(0.999);
    const getJob = sinon.stub();
    getJob.onCall(0).rejects(notFound());
    getJob.onCall(1).resolves(job('JOB_STATE_DONE'));
    const confirmed = confirmJobEnded(portWith(getJob), ref, 'j-1', { deadlineMs: 60_000 });
    await clock.tickAsync(498);
    assert.equal(getJob.callCount, 1);
    await clock.tickAsync(2);
    await confirmed;
    assert.equal(getJob.callCount, 2);
  });
});

describe('confirmJobEnded: what it reports, on a clock far from zero', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-11-22T10:00:00.000Z') });
    sinon.stub(Math, 'random').returns(0);
  });

  afterEach(() => {
    clock.restore();
    sinon.restore();
  });

  it('gives up on a job never seen exactly when the NOT_FOUND bound is reached, with the 404 as cause', async () => {
    const getJob = sinon.stub().callsFake(() => Promise.reject(notFound()));
    // Calls at 0, 100, 300 and 700 ms: the bound is reached at the fourth.
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 10_000,
      minDelayMs: 100,
      notFoundLimitMs: 700,
    }).catch((e: unknown) => e);
    await clock.tickAsync(10_000);
    const error = await outcome;
    assert.ok(error instanceof JobNeverVisibleError, String(error));
    assert.equal(
      error.message,
      "job j-1 in projects/my-proj/locations/europe-west4 was still NOT_FOUND 1 s after its message arrived, beyond the API's lag: a message about a job that does not exist here",
    );
    assert.ok(error.cause instanceof JobNotFoundError);
    assert.equal(getJob.callCount, 4);
  });

  it('a NOT_FOUND bound equal to the deadline is no bound: the deadline answers, retryable', async () => {
    const getJob = sinon.stub().callsFake(() => Promise.reject(notFound()));
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 10_000,
      notFoundLimitMs: 10_000,
    }).catch((e: unknown) => e);
    await clock.tickAsync(10_000);
    const error = await outcome;
    assert.ok(error instanceof JobNotConfirmedError, String(error));
    assert.equal(error.retryable, true);
  });

  it('past the deadline, its cause says which state the API last showed', async () => {
    const getJob = sinon.stub().resolves(job('JOB_STATE_RUNNING'));
    const outcome = confirmJobEnded(portWith(getJob), ref, 'j-1', { deadlineMs: 1000 }).catch(
      (e: unknown) => e,
    );
    await clock.tickAsync(1000);
    const error = await outcome;
    assert.ok(error instanceof JobNotConfirmedError);
    assert.ok(error.cause instanceof JobNotConfirmedError);
    assert.equal(
      error.cause.message,
      'the API shows the job as JOB_STATE_RUNNING, not terminal yet',
    );
  });

  it('reports a transient error as the last answer by its message', async () => {
    const getJob = sinon.stub();
    getJob
      .onCall(0)
      .rejects(new DataflowTransientError('Dataflow jobs.get failed: HTTP 503', details));
    getJob.onCall(1).resolves(job('JOB_STATE_DONE'));
    const retries: string[] = [];
    const confirmed = confirmJobEnded(portWith(getJob), ref, 'j-1', {
      deadlineMs: 10_000,
      onRetry: (info) => retries.push(info.lastSeen),
    });
    await clock.tickAsync(250);
    await confirmed;
    assert.deepEqual(retries, ['Dataflow jobs.get failed: HTTP 503']);
  });
});
