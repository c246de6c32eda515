import { strict as assert } from 'node:assert';
import type { dataflow_v1b3 } from 'googleapis/build/src/apis/dataflow/index.js';
import sinon from 'sinon';
import { createDataflowPort } from '../../../../src/dataflow/googleapis.js';
import type { LogEntry } from '../../../../src/local/simulator/index.js';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, T0, harness, rejection } from './helpers.js';

const Q = 1_000;
const RUN = 5_000;
const CANCEL = 700;

/** The Google error JSON of a rejection. */
function googleError(error: { response?: { data?: unknown } }): unknown {
  return error.response?.data;
}

describe('simulator: cancel (jobs.update)', () => {
  let clock: sinon.SinonFakeTimers;
  let h: Harness;
  let entries: LogEntry[];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    entries = [];
    h = await harness({
      defaults: { queuedMs: Q, runMs: RUN, cancelMs: CANCEL },
      sink: (entry) => void entries.push(entry),
    });
  });
  afterEach(async () => {
    await h.sim.stop();
    clock.restore();
  });

  const states = () => h.sim.jobs()[0]!.history.map((change) => change.state);

  it('a running job shows JOB_STATE_CANCELLING at once, then ends JOB_STATE_CANCELLED cancelMs later, logged as any end', async () => {
    const job = await h.launch('to-cancel');
    await clock.tickAsync(Q + 100);
    const answer = await h.update(job.id!);
    assert.equal(answer.id, job.id);
    assert.equal(answer.currentState, 'JOB_STATE_CANCELLING');
    assert.equal(answer.requestedState, 'JOB_STATE_CANCELLED');
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLING');
    await clock.tickAsync(CANCEL - 1);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLING');
    assert.equal(entries.length, 0);
    await clock.tickAsync(1);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLED');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.textPayload, 'Worker pool stopped.');
    assert.equal(entries[0]!.resource.labels.job_id, job.id);
    assert.equal(entries[0]!.timestamp, new Date(T0 + Q + 100 + CANCEL).toISOString());
    // The job's own end never comes: it was cancelled.
    await clock.tickAsync(RUN);
    assert.equal(entries.length, 1);
    assert.deepEqual(states(), [
      'JOB_STATE_QUEUED',
      'JOB_STATE_RUNNING',
      'JOB_STATE_CANCELLING',
      'JOB_STATE_CANCELLED',
    ]);
    assert.equal(h.sim.calls.update, 1);
  });

  it('a queued job is cancelled before it ever runs', async () => {
    const job = await h.launch('queued');
    await h.update(job.id!);
    await clock.tickAsync(Q + RUN);
    assert.deepEqual(states(), ['JOB_STATE_QUEUED', 'JOB_STATE_CANCELLING', 'JOB_STATE_CANCELLED']);
    assert.equal(entries.length, 1);
  });

  it('cancelMs comes from the job behaviour; apiLagMs and logDelayMs apply to the end as to any other', async () => {
    h.sim.configure({
      defaults: { queuedMs: Q, runMs: RUN, cancelMs: 2_000, apiLagMs: 3_000, logDelayMs: 500 },
    });
    const job = await h.launch('slow-cancel');
    await clock.tickAsync(Q);
    await h.update(job.id!);
    await clock.tickAsync(2_000 + 499);
    assert.equal(entries.length, 0);
    await clock.tickAsync(1);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.timestamp, new Date(T0 + Q + 2_000).toISOString());
    await clock.tickAsync(3_000 - 500 - 1);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLING');
    await clock.tickAsync(1);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLED');
  });

  it('a second cancel of a job still cancelling changes nothing', async () => {
    const job = await h.launch('twice');
    await clock.tickAsync(Q);
    await h.update(job.id!);
    await clock.tickAsync(CANCEL - 1);
    const again = await h.update(job.id!);
    assert.equal(again.currentState, 'JOB_STATE_CANCELLING');
    await clock.tickAsync(1);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLED');
    assert.deepEqual(states(), [
      'JOB_STATE_QUEUED',
      'JOB_STATE_RUNNING',
      'JOB_STATE_CANCELLING',
      'JOB_STATE_CANCELLED',
    ]);
    assert.equal(entries.length, 1);
  });

  it('a job that ended is refused with 400 FAILED_PRECONDITION, even while the API still shows it running', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, apiLagMs: 10_000 } });
    const job = await h.launch('ended');
    await clock.tickAsync(Q + RUN);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_RUNNING');
    const error = await rejection(h.update(job.id!));
    assert.equal(error.status, 400);
    assert.deepEqual(googleError(error), {
      error: {
        code: 400,
        message: `Workflow modification failed. Causes: (simulated): Cannot perform operation 'cancel' on Job: ${job.id}. Job has terminated in state SUCCESS: Workflow job: ${job.id} ended.`,
        status: 'FAILED_PRECONDITION',
      },
    });
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, outcome: 'FAILED' } });
    const failed = await h.launch('failed');
    await clock.tickAsync(Q + RUN);
    const refused = await rejection(h.update(failed.id!));
    assert.match(
      (googleError(refused) as { error: { message: string } }).error.message,
      /Job has terminated in state FAILED/,
    );
  });

  it('404 for an unknown job, and for a new job while the API does not show it yet', async () => {
    const unknown = await rejection(h.update('2026-11-22_05_35_45-1'));
    assert.equal(unknown.status, 404);
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, notFoundMs: 3_000 } });
    const job = await h.launch('not-yet');
    const error = await rejection(h.update(job.id!));
    assert.equal(error.status, 404);
    assert.deepEqual(googleError(error), {
      error: {
        code: 404,
        message: `(${job.id}): Job ${job.id} not found in project ${PROJECT} location ${LOCATION}.`,
        status: 'NOT_FOUND',
      },
    });
    assert.deepEqual(states().slice(-1), ['JOB_STATE_QUEUED']);
    await clock.tickAsync(3_000);
    await h.update(job.id!);
  });

  for (const [name, body, mask, message] of [
    [
      'no requested state',
      { labels: { a: 'b' } },
      undefined,
      'Simulator: jobs.update supports only a cancel, body {"requestedState":"JOB_STATE_CANCELLED"} with no updateMask; got {"labels":{"a":"b"}}',
    ],
    [
      'another requested state',
      { requestedState: 'JOB_STATE_DRAINED' },
      undefined,
      'Simulator: jobs.update supports only a cancel, body {"requestedState":"JOB_STATE_CANCELLED"} with no updateMask; got {"requestedState":"JOB_STATE_DRAINED"}',
    ],
    [
      'a state that does not exist',
      { requestedState: 'CANCELLED' },
      undefined,
      `Invalid value at 'job.requested_state' (type.googleapis.com/google.dataflow.v1beta3.JobState), "CANCELLED"`,
    ],
    [
      'a state and an update mask',
      { requestedState: 'JOB_STATE_CANCELLED' },
      'labels',
      'Request specifies both a requested job state (JOB_STATE_CANCELLED) and an update mask (labels): the state and the mask cannot be updated together.',
    ],
    [
      'an unknown field',
      { requestedState: 'JOB_STATE_CANCELLED', stateRequested: 'x' },
      undefined,
      'Invalid JSON payload received. Unknown name "stateRequested": Cannot find field.',
    ],
  ] as const) {
    it(`400 INVALID_ARGUMENT for ${name}, and the job runs on`, async () => {
      const job = await h.launch('valid');
      // The client sends the body as JSON, unchecked: a wrong field or value reaches the API.
      const error = await rejection(h.update(job.id!, body as dataflow_v1b3.Schema$Job, mask));
      assert.deepEqual(googleError(error), {
        error: { code: 400, message, status: 'INVALID_ARGUMENT' },
      });
      assert.deepEqual(states(), ['JOB_STATE_QUEUED']);
    });
  }

  it('an unknown query parameter is refused as on every route', async () => {
    const job = await h.launch('query');
    const response = await fetch(
      `${h.sim.rootUrl}v1b3/projects/${PROJECT}/locations/${LOCATION}/jobs/${job.id}?force=true`,
      { method: 'PUT', body: '{"requestedState":"JOB_STATE_CANCELLED"}' },
    );
    assert.equal(response.status, 400);
    assert.match(
      ((await response.json()) as { error: { message: string } }).error.message,
      /Unknown name "force": Cannot bind query parameter/,
    );
  });

  it('faults: an injected fault cancels nothing; afterEffect cancels and loses the answer', async () => {
    const job = await h.launch('faulted');
    h.sim.injectFaults({ operation: 'update', count: 1, fault: 503 });
    assert.equal((await rejection(h.update(job.id!))).status, 503);
    assert.deepEqual(states(), ['JOB_STATE_QUEUED']);
    h.sim.injectFaults({ operation: 'update', count: 1, fault: 500, afterEffect: true });
    assert.equal((await rejection(h.update(job.id!))).status, 500);
    assert.deepEqual(states(), ['JOB_STATE_QUEUED', 'JOB_STATE_CANCELLING']);
    assert.deepEqual(
      { ...h.sim.calls },
      {
        launch: 1,
        get: 0,
        list: 0,
        update: 2,
        metrics: 0,
        runJob: 0,
        getExecution: 0,
        listExecutions: 0,
        cancelExecution: 0,
        other: 0,
      },
    );
  });

  it("the googleapis adapter's cancelJob: accepted, replayed while cancelling, and replayed after the end are all success", async () => {
    const port = createDataflowPort({ rootUrl: h.sim.rootUrl, timeoutMs: 5_000 });
    const ref = { projectId: PROJECT, location: LOCATION };
    const job = await h.launch('adapter');
    await clock.tickAsync(Q);
    await port.cancelJob(ref, job.id!);
    await port.cancelJob(ref, job.id!);
    await clock.tickAsync(CANCEL);
    await port.cancelJob(ref, job.id!);
    assert.equal(h.sim.calls.update, 3);
    assert.equal(h.sim.calls.get, 0, 'the refusal names the end: no look-up');
    assert.equal(entries.length, 1);
    await assert.rejects(port.cancelJob(ref, 'nope'), { name: 'DataflowPermanentError' });
  });
});
