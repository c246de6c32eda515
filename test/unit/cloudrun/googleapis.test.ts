import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { createCloudRunPort } from '../../../src/cloudrun/googleapis.js';
import type { RunJobRef } from '../../../src/cloudrun/execution.js';
import { findMarked, markRequest } from '../../../src/cloudrun/step-marker.js';
import {
  ExecutionNotFoundError,
  RunPermanentError,
  RunQuotaError,
  RunTransientError,
} from '../../../src/errors.js';
import type { Simulator } from '../../../src/local/simulator/index.js';
import { startSimulator } from '../../../src/local/simulator/index.js';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const REF: RunJobRef = { projectId: 'proj-1', location: 'europe-west4', job: 'transform' };
const JOB = 'projects/proj-1/locations/europe-west4/jobs/transform';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('cloudrun: the googleapis port against the simulator', () => {
  let clock: sinon.SinonFakeTimers;
  let sim: Simulator;
  let port: ReturnType<typeof createCloudRunPort>;

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    sim = await startSimulator({ runJobs: [JOB], runDefaults: { pendingMs: 100, runMs: 900 } });
    port = createCloudRunPort({ rootUrl: sim.rootUrl, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    await sim.stop();
    clock.restore();
  });

  it('runJob returns the execution named in the Operation metadata, without waiting for it', async () => {
    const started = await port.runJob(REF, { overrides: { taskCount: 2 } });
    assert.match(started.name, new RegExp(`^${JOB}/executions/transform-[a-z0-9]{5}$`));
    assert.deepEqual(started.ref, REF);
    assert.equal(started.execution, started.name.split('/').at(-1));
    assert.equal(sim.executions()[0]?.ended, undefined, 'still running');
  });

  it('getExecution classifies it running, then succeeded with its counts', async () => {
    const { name } = await port.runJob(REF, { overrides: { taskCount: 2 } });
    const running = await port.getExecution(name);
    assert.equal(running.outcome, 'RUNNING');
    await clock.tickAsync(1_000);
    const done = await port.getExecution(name);
    assert.deepEqual(
      [done.outcome, done.succeededCount, done.failedCount, done.taskCount, done.cause],
      ['SUCCEEDED', 2, 0, 2, undefined],
    );
    assert.equal(done.completionTime, new Date(T0 + 1_000).toISOString());
  });

  it('a failed execution is FAILED with the condition message as cause; a cancelled one CANCELLED', async () => {
    sim.configure({
      runBehaviour: ({ env }) => ({ outcome: env['MODE'] === 'bad' ? 'FAILED' : 'CANCELLED' }),
    });
    const bad = await port.runJob(REF, {
      overrides: { containerOverrides: [{ env: [{ name: 'MODE', value: 'bad' }] }] },
    });
    const user = await port.runJob(REF, {});
    await clock.tickAsync(1_000);
    const failed = await port.getExecution(bad.name);
    assert.equal(failed.outcome, 'FAILED');
    assert.equal(
      failed.cause,
      `(simulated) Task ${bad.execution}-task0 failed with exit code: 1 and message: The container exited with an error. (NON_ZERO_EXIT_CODE); 1 failed, 0 cancelled, 0 succeeded of 1 tasks`,
    );
    const cancelled = await port.getExecution(user.name);
    assert.equal(cancelled.outcome, 'CANCELLED');
    assert.equal(cancelled.cancelledCount, 1);
  });

  it('listExecutions reads every page, newest first, with the template env', async () => {
    const names: string[] = [];
    for (let i = 0; i < 105; i++) {
      names.push(
        (await port.runJob(REF, markRequest({}, { step: `s-${i}`, run: 'r', chain: 'c' }))).name,
      );
      await clock.tickAsync(1);
    }
    const listed = await port.listExecutions(REF);
    assert.equal(listed.length, 105);
    assert.equal(listed[0]?.name, names[104]);
    assert.equal(listed[104]?.name, names[0]);
    assert.equal(sim.calls.listExecutions, 2, 'two pages of 100');
    assert.equal(findMarked(listed, 's-7')?.name, names[7]);
  });

  it('a lost runJob answer leaves an execution the step marker finds, so a retry need not run again', async () => {
    const request = markRequest(
      { overrides: { taskCount: 1 } },
      { step: 'r1-abc', run: 'r1', chain: 'daily' },
    );
    sim.injectFaults({ operation: 'runJob', count: 1, fault: 503, afterEffect: true });
    const error = await failure(port.runJob(REF, request));
    assert.ok(error instanceof RunTransientError, error.message);
    const found = findMarked(await port.listExecutions(REF), 'r1-abc');
    assert.equal(found?.name, sim.executions()[0]?.name);
    assert.equal(sim.executions().length, 1);
  });

  it('cancelExecution asks once, and an execution that already ended resolves too', async () => {
    const { name } = await port.runJob(REF, {});
    await clock.tickAsync(200);
    await port.cancelExecution(name);
    await port.cancelExecution(name);
    await clock.tickAsync(1_000);
    assert.equal((await port.getExecution(name)).outcome, 'CANCELLED');
    await port.cancelExecution(name);
    assert.equal(sim.calls.cancelExecution, 3);
  });

  it('types the errors: unknown job permanent, unknown execution not found (retryable), 429 quota', async () => {
    const missing = await failure(port.runJob({ ...REF, job: 'nope' }, {}));
    assert.ok(missing instanceof RunPermanentError);
    assert.equal(
      missing.message,
      "Cloud Run jobs.run projects/proj-1/locations/europe-west4/jobs/nope failed: HTTP 404 NOT_FOUND: Resource 'nope' of kind 'JOB' in region 'europe-west4' in project 'proj-1' does not exist. (the job (or execution) does not exist in that project and region: check Parameters.job and the Region)",
    );
    const unknown = await failure(port.getExecution(`${JOB}/executions/transform-zzzzz`));
    assert.ok(unknown instanceof ExecutionNotFoundError);
    sim.injectFaults({ operation: 'runJob', count: 1, fault: 429 });
    assert.ok((await failure(port.runJob(REF, {}))) instanceof RunQuotaError);
    const bad = await failure(port.runJob(REF, { overrides: { timeout: 'ten minutes' } }));
    assert.ok(bad instanceof RunPermanentError);
    const notAName = await failure(port.getExecution('transform-abcde'));
    assert.ok(notAName instanceof RunPermanentError);
    assert.equal(
      notAName.message,
      'Cloud Run executions.get: "transform-abcde" is not an execution name projects/P/locations/L/jobs/J/executions/E',
    );
  });

  it('a cancel refused for another reason than the end is not swallowed', async () => {
    const { name } = await port.runJob(REF, {});
    sim.injectFaults({ operation: 'cancelExecution', count: 1, fault: 503 });
    assert.ok((await failure(port.cancelExecution(name))) instanceof RunTransientError);
  });

  it('validateRunJob sends validateOnly and starts nothing; a refusal is permanent', async () => {
    await port.validateRunJob(REF, { overrides: { taskCount: 3 } });
    assert.deepEqual(sim.executions(), []);
    assert.equal(sim.calls.runJob, 1);
    assert.ok(
      (await failure(port.validateRunJob({ ...REF, job: 'nope' }, {}))) instanceof
        RunPermanentError,
    );
  });

  it('an Operation without an execution name is transient: the caller looks the execution up', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'projects/proj-1/locations/europe-west4/operations/op-1' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port: number } = server.address() as AddressInfo;
      const odd = createCloudRunPort({ rootUrl: `http://127.0.0.1:${number}/`, timeoutMs: 5_000 });
      const error = await failure(odd.runJob(REF, {}));
      assert.ok(error instanceof RunTransientError);
      assert.equal(
        error.message,
        `Cloud Run jobs.run ${JOB} answered an Operation without an execution name in its metadata ("projects/proj-1/locations/europe-west4/operations/op-1"): the execution is looked up by its step marker`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
