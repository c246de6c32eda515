import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { JobOutcome, LogEntry } from '../../../../src/local/simulator/index.js';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, T0, harness, rejection } from './helpers.js';

const Q = 1_000;
const RUN = 5_000;

describe('simulator: job lifecycle', () => {
  let clock: sinon.SinonFakeTimers;
  let h: Harness;
  let entries: LogEntry[];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    entries = [];
    h = await harness({
      defaults: { queuedMs: Q, runMs: RUN },
      behaviour: ({ jobName }) => {
        const outcome = /^(done|failed|cancelled|launch-failed)/.exec(jobName)?.[1];
        return outcome ? { outcome: outcome.toUpperCase().replace('-', '_') as JobOutcome } : {};
      },
      sink: (entry) => void entries.push(entry),
    });
  });
  afterEach(async () => {
    await h.sim.stop();
    clock.restore();
  });

  /** The states `get` reports at each step, and the one log entry emitted. */
  async function walk(jobName: string, steps: number[]): Promise<{ states: string[]; id: string }> {
    const job = await h.launch(jobName);
    const states = [(await h.get(job.id!)).currentState!];
    for (const ms of steps) {
      await clock.tickAsync(ms);
      states.push((await h.get(job.id!)).currentState!);
    }
    return { states, id: job.id! };
  }

  function expectedEntry(id: string, name: string, at: number, launcherFailed: boolean): LogEntry {
    return {
      insertId: entries[0]!.insertId,
      logName: `projects/${PROJECT}/logs/dataflow.googleapis.com%2Fjob-message`,
      resource: {
        type: 'dataflow_step',
        labels: {
          job_id: id,
          job_name: name,
          project_id: entries[0]!.resource.labels.project_id,
          region: LOCATION,
          step_id: '',
        },
      },
      textPayload: launcherFailed
        ? 'Error occurred in the launcher container: Template launch failed. See console logs.'
        : 'Worker pool stopped.',
      severity: launcherFailed ? 'ERROR' : 'INFO',
      timestamp: new Date(at).toISOString(),
      receiveTimestamp: new Date(at).toISOString(),
      labels: {
        'dataflow.googleapis.com/job_id': id,
        'dataflow.googleapis.com/job_name': name,
        'dataflow.googleapis.com/region': LOCATION,
        'dataflow.googleapis.com/log_type': 'system',
      },
    };
  }

  for (const [name, final] of [
    ['done-1', 'JOB_STATE_DONE'],
    ['failed-1', 'JOB_STATE_FAILED'],
    ['cancelled-1', 'JOB_STATE_CANCELLED'],
  ] as const) {
    it(`${name}: QUEUED -> RUNNING -> ${final}, logging "Worker pool stopped." at the end`, async () => {
      const { states, id } = await walk(name, [Q - 1, 1, RUN - 1]);
      assert.deepEqual(states, [
        'JOB_STATE_QUEUED',
        'JOB_STATE_QUEUED',
        'JOB_STATE_RUNNING',
        'JOB_STATE_RUNNING',
      ]);
      assert.equal(entries.length, 0);
      await clock.tickAsync(1);
      assert.equal((await h.get(id)).currentState, final);
      assert.match(entries[0]!.insertId, /^[-_a-z0-9]+$/);
      assert.match(entries[0]!.resource.labels.project_id, /^\d{12}$/);
      assert.deepEqual(entries, [expectedEntry(id, name, T0 + Q + RUN, false)]);
    });
  }

  it('LAUNCH_FAILED: QUEUED -> FAILED after queuedMs, never RUNNING, logging the launcher error', async () => {
    const { states, id } = await walk('launch-failed-1', [Q - 1, 1, RUN]);
    assert.deepEqual(states, [
      'JOB_STATE_QUEUED',
      'JOB_STATE_QUEUED',
      'JOB_STATE_FAILED',
      'JOB_STATE_FAILED',
    ]);
    assert.deepEqual(entries, [expectedEntry(id, 'launch-failed-1', T0 + Q, true)]);
    assert.deepEqual(
      h.sim.jobs()[0]!.history.map((c) => c.state),
      ['JOB_STATE_QUEUED', 'JOB_STATE_FAILED'],
    );
  });

  it('apiLagMs: the log comes at T, the API keeps RUNNING until T + lag', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, apiLagMs: 30_000 } });
    const { states } = await walk('done-lag', [Q + RUN, 30_000 - 1, 1]);
    assert.deepEqual(states, [
      'JOB_STATE_QUEUED',
      'JOB_STATE_RUNNING',
      'JOB_STATE_RUNNING',
      'JOB_STATE_DONE',
    ]);
    assert.equal(entries[0]!.timestamp, new Date(T0 + Q + RUN).toISOString());
    const listed = await h.list({ name: 'done-lag', filter: 'ACTIVE' });
    assert.equal(listed.jobs, undefined);
  });

  it('apiLagMs: list also shows the job ACTIVE until T + lag', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, apiLagMs: 10_000 } });
    await h.launch('done-list');
    await clock.tickAsync(Q + RUN + 9_999);
    assert.equal((await h.list({ filter: 'ACTIVE' })).jobs?.[0]?.currentState, 'JOB_STATE_RUNNING');
    await clock.tickAsync(1);
    assert.equal(
      (await h.list({ filter: 'TERMINATED' })).jobs?.[0]?.currentState,
      'JOB_STATE_DONE',
    );
  });

  it('logDelayMs: the sink hears of the end late, with timestamp T and receiveTimestamp later', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, logDelayMs: 2_000 } });
    await h.launch('done-late-log');
    await clock.tickAsync(Q + RUN + 1_999);
    assert.equal(entries.length, 0);
    await clock.tickAsync(1);
    assert.equal(entries[0]!.timestamp, new Date(T0 + Q + RUN).toISOString());
    assert.equal(entries[0]!.receiveTimestamp, new Date(T0 + Q + RUN + 2_000).toISOString());
  });

  it('notFoundMs: get answers 404 for a while after creation, though launch returned the job', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, notFoundMs: 3_000 } });
    const job = await h.launch('done-nf');
    await clock.tickAsync(2_999);
    const error = await rejection(h.get(job.id!));
    assert.equal(error.status, 404);
    assert.equal((error.response?.data as { error: { status: string } }).error.status, 'NOT_FOUND');
    await clock.tickAsync(1);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_RUNNING');
  });

  it('409 ALREADY_EXISTS while a job of that name is active; a new launch once it ended', async () => {
    const first = await h.launch('done-dup');
    const error = await rejection(h.launch('done-dup'));
    assert.equal(error.status, 409);
    assert.deepEqual(error.response?.data, {
      error: {
        code: 409,
        message: `There is already an active job named done-dup with id: ${first.id}. If you want to submit a second job, try again by setting a different name.`,
        status: 'ALREADY_EXISTS',
      },
    });
    await clock.tickAsync(Q + RUN);
    const second = await h.launch('done-dup');
    assert.notEqual(second.id, first.id);
    assert.deepEqual(
      { ...h.sim.calls },
      {
        launch: 3,
        get: 0,
        list: 0,
        update: 0,
        metrics: 0,
        runJob: 0,
        getExecution: 0,
        listExecutions: 0,
        cancelExecution: 0,
        other: 0,
      },
    );
  });

  it('409 lasts until the API shows the end (T + apiLagMs), not just until the log', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, apiLagMs: 5_000 } });
    await h.launch('done-dup-lag');
    await clock.tickAsync(Q + RUN);
    assert.equal(entries.length, 1);
    assert.equal((await rejection(h.launch('done-dup-lag'))).status, 409);
    await clock.tickAsync(5_000);
    await h.launch('done-dup-lag');
  });

  it('cancel(jobId) cancels an active job now and logs it; false for an ended or unknown job', async () => {
    const job = await h.launch('done-to-cancel');
    await clock.tickAsync(Q + 10);
    assert.equal(h.sim.cancel(job.id!), true);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLED');
    assert.deepEqual(entries, [expectedEntry(job.id!, 'done-to-cancel', T0 + Q + 10, false)]);
    await clock.tickAsync(RUN);
    assert.equal(entries.length, 1);
    assert.equal(h.sim.cancel(job.id!), false);
    assert.equal(h.sim.cancel('nope'), false);
  });

  it('a sink that throws or rejects is recorded in sinkErrors and the simulator carries on', async () => {
    const boom = new Error('boom');
    h.sim.configure({ sink: () => Promise.reject(boom) });
    await h.launch('done-a');
    await clock.tickAsync(Q + RUN);
    h.sim.configure({
      sink: () => {
        throw boom;
      },
    });
    const job = await h.launch('done-b');
    await clock.tickAsync(Q + RUN);
    assert.deepEqual(h.sim.sinkErrors, [boom, boom]);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_DONE');
  });

  it('stop() clears every pending timer', async () => {
    await h.launch('done-pending');
    assert.equal(clock.countTimers(), 1);
    await h.sim.stop();
    assert.equal(clock.countTimers(), 0);
  });
});
