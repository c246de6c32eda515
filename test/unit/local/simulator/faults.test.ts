import { strict as assert } from 'node:assert';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, harness, rejection } from './helpers.js';

describe('simulator: faults', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.sim.stop());

  for (const [fault, status, message] of [
    [429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric (simulated fault).'],
    [500, 'INTERNAL', 'Internal error encountered. (simulated fault)'],
    [503, 'UNAVAILABLE', 'The service is currently unavailable. (simulated fault)'],
  ] as const) {
    it(`${fault} on launch answers ${status} and creates no job`, async () => {
      h.sim.injectFaults({ operation: 'launch', count: 1, fault });
      const error = await rejection(h.launch('faulted'));
      assert.equal(error.status, fault);
      assert.equal(error.code, fault);
      assert.deepEqual(error.response?.data, { error: { code: fault, message, status } });
      assert.deepEqual(h.sim.jobs(), []);
      await h.launch('faulted');
      assert.equal(h.sim.jobs().length, 1);
    });
  }

  it('reset drops the socket: the client sees ECONNRESET', async () => {
    const job = await h.launch('job');
    h.sim.injectFaults({ operation: 'get', count: 1, fault: 'reset' });
    const error = await rejection(h.get(job.id!));
    assert.equal(error.code, 'ECONNRESET');
    assert.equal((await h.get(job.id!)).id, job.id);
  });

  it('timeout holds the call until the client gives up; stop() releases it', async () => {
    h.sim.injectFaults({ operation: 'list', count: 1, fault: 'timeout' });
    const abort = new AbortController();
    const pending = rejection(
      h.df.projects.locations.jobs.list(
        { projectId: PROJECT, location: LOCATION },
        { retry: false, signal: abort.signal },
      ),
    );
    while (h.sim.calls.list === 0) await nextTurn();
    abort.abort();
    const error = await pending;
    assert.match(error.message, /abort/i);
    assert.deepEqual(await h.list(), {});
  });

  it('counts apply per operation, in order; "any" matches every operation', async () => {
    const job = await h.launch('job');
    h.sim.injectFaults({ operation: 'get', count: 2, fault: 503 });
    h.sim.injectFaults({ operation: 'any', count: 1, fault: 429 });
    assert.equal((await rejection(h.list())).status, 429);
    assert.equal((await rejection(h.get(job.id!))).status, 503);
    assert.equal((await rejection(h.get(job.id!))).status, 503);
    assert.equal((await h.get(job.id!)).id, job.id);
    assert.deepEqual(
      { ...h.sim.calls },
      {
        launch: 1,
        get: 3,
        list: 1,
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

  it('the client retries a GET on 503 by default and then succeeds', async () => {
    const job = await h.launch('job');
    h.sim.injectFaults({ operation: 'get', count: 1, fault: 503 });
    const res = await h.df.projects.locations.jobs.get(
      { projectId: PROJECT, location: LOCATION, jobId: job.id! },
      { retryConfig: { retryDelay: 0 } },
    );
    assert.equal(res.data.id, job.id);
    assert.equal(h.sim.calls.get, 2);
  });

  it('afterEffect: the launch happens, its answer is lost, and the retry meets 409', async () => {
    h.sim.injectFaults({ operation: 'launch', count: 1, fault: 'reset', afterEffect: true });
    assert.equal((await rejection(h.launch('lost'))).code, 'ECONNRESET');
    const [job] = h.sim.jobs();
    assert.equal(job?.name, 'lost');
    assert.equal((await rejection(h.launch('lost'))).status, 409);
    assert.equal((await h.list({ name: 'lost' })).jobs?.[0]?.id, job.id);
  });

  it('faultRate draws faults from randomFaults with the injected random', async () => {
    const draws = [0.05, 0.7, 0.5, 0.9];
    h.sim.configure({ faultRate: 0.1, randomFaults: [429, 503], random: () => draws.shift() ?? 1 });
    assert.equal((await rejection(h.list())).status, 503);
    assert.deepEqual(await h.list(), {});
    assert.deepEqual(await h.list(), {});
    assert.deepEqual(
      { ...h.sim.calls },
      {
        launch: 0,
        get: 0,
        list: 3,
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

  it('rejects a count that is not a positive integer, naming the fix', () => {
    assert.throws(() => h.sim.injectFaults({ operation: 'get', count: 0, fault: 503 }), {
      name: 'RangeError',
      message: 'injectFaults: count must be a positive integer, got 0',
    });
  });
});
