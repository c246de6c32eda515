import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { Chain, ChainDefinition, TaskState } from '../../../src/chain/types.js';
import { RunPermanentError, RunQuotaError, RunTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  INPUT,
  LEASE_MS,
  NOW,
  createKit,
  pubsubEvent,
  startEvent,
  stepOf,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';
import { executionEndedEvent, FakeCloudRun, unanswered } from './run-kit.js';
import { jobNameIn, timerEvent } from './scopes-kit.js';

const MARKER = (step: string, run = 'r1', chain = 'jobs') => [
  { name: 'DFCHAIN_STEP', value: step },
  { name: 'DFCHAIN_RUN', value: run },
  { name: 'DFCHAIN_CHAIN', value: chain },
];

/** "jobs": Transform runs job `transform` with two container overrides, its failure caught. */
const JOBS: ChainDefinition = {
  StartAt: 'Transform',
  States: {
    Transform: {
      Type: 'Task',
      Resource: 'run:job',
      Region: 'europe-west4',
      Parameters: {
        job: 'transform',
        overrides: {
          containerOverrides: [
            {
              name: 'main',
              args: ['--full'],
              env: [
                { name: 'MODE', value: 'full' },
                { name: 'DAY', 'value.$': '$.date' },
              ],
            },
            { name: 'sidecar' },
          ],
          taskCount: 2,
          timeout: '600s',
        },
      },
      TimeoutSeconds: 600,
      ResultPath: '$.run',
      Catch: [{ ErrorEquals: ['Run.ExecutionFailed'], ResultPath: '$.error', Next: 'Caught' }],
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
    Caught: { Type: 'Pass', End: true },
  },
};

const solo: TaskState = {
  Type: 'Task',
  Resource: 'run:job',
  Parameters: { job: 'projects/my-proj/locations/us-central1/jobs/solo' },
  End: true,
};

/** "bare": one run:job by full name, no overrides, nothing caught. */
const BARE: ChainDefinition = { StartAt: 'Solo', States: { Solo: solo } };

/** "runeach": a Map over `$.items`, job `work` per item with the item as ITEM, 2 at once. */
const RUN_EACH: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ItemProcessor: {
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: 'run:job',
            Region: 'europe-west4',
            Parameters: {
              job: 'work',
              overrides: { containerOverrides: [{ env: [{ name: 'ITEM', 'value.$': '$' }] }] },
            },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

/** "retried": T runs job `flaky`, a failed execution tried once more after 30 s. */
const RETRIED: ChainDefinition = {
  StartAt: 'T',
  States: {
    T: {
      Type: 'Task',
      Resource: 'run:job',
      Region: 'europe-west4',
      Parameters: { job: 'flaky' },
      Retry: [{ ErrorEquals: ['Run.ExecutionFailed'], IntervalSeconds: 30, MaxAttempts: 1 }],
      End: true,
    },
  },
};

const CHAINS: Chain[] = [
  { name: 'retried', file: 'retried.json', definition: RETRIED },
  { name: 'jobs', file: 'jobs.json', definition: JOBS },
  { name: 'bare', file: 'bare.json', definition: BARE },
  { name: 'runeach', file: 'runeach.json', definition: RUN_EACH },
];

const TRANSFORM = jobNameIn('jobs', 'runjob', 'Transform');
const SOLO = jobNameIn('bare', 'runjob', 'Solo');
const EUROPE = { projectId: 'my-proj', location: 'europe-west4' };

describe('handler: run:job Tasks (Cloud Run job executions)', () => {
  let kit: Kit;
  let run: FakeCloudRun;
  const start = (chain = 'jobs', input = INPUT) =>
    handleEvent(kit.deps, startEvent({ chain, runId: 'r1', input }));

  beforeEach(() => {
    run = new FakeCloudRun();
    kit = createKit({ cloudRun: run.port, chains: new ChainCatalog(CHAINS) });
  });

  afterEach(() => sinon.restore());

  it('sends jobs.run with the overrides as resolved and the step marker in every container override', async () => {
    await start();

    sinon.assert.calledOnce(run.runJob);
    const [ref, body] = run.runJob.firstCall.args;
    assert.deepEqual(ref, { ...EUROPE, job: 'transform' });
    assert.deepEqual(body, {
      overrides: {
        containerOverrides: [
          {
            name: 'main',
            args: ['--full'],
            env: [
              { name: 'MODE', value: 'full' },
              { name: 'DAY', value: '2026-11-21' },
              ...MARKER(TRANSFORM),
            ],
          },
          { name: 'sidecar', env: MARKER(TRANSFORM) },
        ],
        taskCount: 2,
        timeout: '600s',
      },
    });
    const step = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
    assert.deepEqual([step.status, step.jobId], ['LAUNCHED', run.only('transform').name]);
    assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'job.launched']);
  });

  it('a Task without overrides gets one unnamed override carrying the marker; a full job name needs no Region', async () => {
    await start('bare');

    sinon.assert.calledOnceWithExactly(
      run.runJob,
      { projectId: 'my-proj', location: 'us-central1', job: 'solo' },
      { overrides: { containerOverrides: [{ env: MARKER(SOLO, 'r1', 'bare') }] } },
    );
  });

  it('a succeeded execution hands {executionName, job, location, succeededCount, failedCount} to the next state', async () => {
    await start();
    const execution = run.only('transform');
    run.end(execution, 'SUCCEEDED');
    await handleEvent(kit.deps, executionEndedEvent(execution));

    sinon.assert.calledOnceWithExactly(run.getExecution, execution.name);
    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'SUCCEEDED');
    assert.deepEqual(stored.output, {
      ...INPUT,
      run: {
        executionName: 'transform-00001',
        job: 'transform',
        location: 'europe-west4',
        succeededCount: 2,
        failedCount: 0,
      },
    });
    const step = stepOf(stored, 'Transform');
    assert.deepEqual([step.status, step.jobState], ['SUCCEEDED', 'SUCCEEDED']);
    assert.equal(kit.logger.named('job.confirmed').length, 1);
  });

  it('a failed execution raises Run.ExecutionFailed, which Catch takes', async () => {
    await start();
    const execution = run.only('transform');
    run.end(execution, 'FAILED');
    await handleEvent(kit.deps, executionEndedEvent(execution));

    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'SUCCEEDED');
    const error = (stored.output as { error: { Error: string; Cause: string } }).error;
    assert.equal(error.Error, 'Run.ExecutionFailed');
    assert.match(error.Cause, /transform-00001 failed \(1 of 2 tasks succeeded, 1 failed/);
    assert.match(error.Cause, /exit code: 1/);
  });

  it('a cancelled execution (in the console) fails an uncaught Task with Run.ExecutionCancelled', async () => {
    await start('bare');
    const execution = run.only('solo');
    run.end(execution, 'CANCELLED');
    await handleEvent(kit.deps, executionEndedEvent(execution));

    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'FAILED');
    assert.equal(stored.error?.Error, 'Run.ExecutionCancelled');
    assert.match(stored.error?.Cause ?? '', /was cancelled/);
    sinon.assert.notCalled(run.cancelExecution);
  });

  it('a refused jobs.run (RunPermanentError) fails the Task with Run.LaunchFailed, called once', async () => {
    run.runJob.rejects(
      new RunPermanentError('Cloud Run jobs.run failed: HTTP 404 NOT_FOUND (job solo)', {
        operation: 'jobs.run',
        httpStatus: 404,
        status: 'NOT_FOUND',
      }),
    );
    await start('bare');

    sinon.assert.calledOnce(run.runJob);
    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'FAILED');
    assert.equal(stored.error?.Error, 'Run.LaunchFailed');
    assert.match(stored.error?.Cause ?? '', /HTTP 404 NOT_FOUND/);
    assert.equal(run.executions.length, 0);
  });

  describe('exactly once', () => {
    let timers: sinon.SinonFakeTimers;

    beforeEach(() => {
      timers = sinon.useFakeTimers();
    });

    afterEach(() => timers.restore());

    it('an unanswered jobs.run that did start its execution is found by its marker and adopted, not run again', async () => {
      run.runJob.onCall(0).callsFake((ref, request) => {
        run.start(ref, request);
        return Promise.reject(unanswered());
      });
      const started = start();
      await timers.tickAsync(5_000);
      await started;

      sinon.assert.calledOnce(run.runJob);
      sinon.assert.callOrder(run.runJob, run.listExecutions);
      const step = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
      assert.deepEqual([step.status, step.jobId], ['LAUNCHED', run.only('transform').name]);
      assert.deepEqual(kit.logger.events().slice(-1), ['job.adopted']);
    });

    it('an unanswered jobs.run that started nothing is looked up, then called again: one execution', async () => {
      run.runJob.onCall(0).rejects(unanswered());
      const started = start();
      await timers.tickAsync(5_000);
      await started;

      sinon.assert.calledTwice(run.runJob);
      sinon.assert.callOrder(run.runJob, run.listExecutions, run.runJob);
      assert.equal(run.executions.length, 1);
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
    });

    it('a jobs.run answered 500 after it started the execution is looked up and adopted, not run again', async () => {
      run.runJob.onCall(0).callsFake((ref, request) => {
        run.start(ref, request);
        return Promise.reject(
          new RunTransientError('Cloud Run jobs.run failed: HTTP 500 INTERNAL', {
            operation: 'jobs.run',
            httpStatus: 500,
            status: 'INTERNAL',
          }),
        );
      });
      const started = start();
      await timers.tickAsync(5_000);
      await started;

      sinon.assert.calledOnce(run.runJob);
      assert.equal(
        run.only('transform').name,
        stepOf(await storedRun(kit.store, 'r1'), 'Transform').jobId,
      );
      assert.deepEqual(kit.logger.events().slice(-1), ['job.adopted']);
    });

    it('a quota refusal (429, nothing created) is called again without a look-up', async () => {
      run.runJob.onCall(0).rejects(
        new RunQuotaError('Cloud Run jobs.run failed: HTTP 429 RESOURCE_EXHAUSTED', {
          operation: 'jobs.run',
          httpStatus: 429,
          status: 'RESOURCE_EXHAUSTED',
        }),
      );
      const started = start();
      await timers.tickAsync(5_000);
      await started;

      sinon.assert.calledTwice(run.runJob);
      sinon.assert.notCalled(run.listExecutions);
      assert.equal(run.executions.length, 1);
    });
  });

  describe('a holder that died in its jobs.run call (its lease lapses)', () => {
    it('the tick looks the marker up first and adopts the execution the dead holder started', async () => {
      // The call reaches Cloud Run, then the instance freezes: no answer, ever.
      run.runJob.onCall(0).callsFake((ref, request) => {
        run.start(ref, request);
        return new Promise(() => undefined);
      });
      void start();
      await new Promise((resolve) => setImmediate(resolve));
      sinon.assert.calledOnce(run.runJob);
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'INTENDED');

      kit.clock.advance(LEASE_MS + 1);
      await handleEvent(kit.deps, tickEvent());

      sinon.assert.calledOnce(run.runJob);
      sinon.assert.calledOnce(run.listExecutions);
      const step = stepOf(await storedRun(kit.store, 'r1'), 'Transform');
      assert.deepEqual([step.status, step.jobId], ['LAUNCHED', run.only('transform').name]);
    });

    it('the tick looks first, finds nothing and runs the job itself: one execution', async () => {
      run.runJob.onCall(0).returns(new Promise(() => undefined));
      void start();
      await new Promise((resolve) => setImmediate(resolve));

      kit.clock.advance(LEASE_MS + 1);
      await handleEvent(kit.deps, tickEvent());

      sinon.assert.calledTwice(run.runJob);
      assert.ok(
        run.listExecutions.firstCall.calledBefore(run.runJob.secondCall),
        'looked up first',
      );
      assert.equal(run.executions.length, 1);
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Transform').status, 'LAUNCHED');
    });
  });

  it("Retry: a failed execution is run again after IntervalSeconds under the next attempt's marker", async () => {
    await start('retried');
    const [first] = run.executions;
    assert.ok(first);
    assert.equal(first.env['DFCHAIN_STEP'], jobNameIn('retried', 'runjob', 'T', 0));
    run.end(first, 'FAILED');
    await handleEvent(kit.deps, executionEndedEvent(first, 'm-end-1'));
    sinon.assert.calledOnce(run.runJob);
    const retry = kit.timers.scheduled.at(-1);
    assert.equal(retry?.dueAt, new Date(Date.parse(NOW) + 30_000).toISOString());

    kit.clock.advance(30_000);
    await handleEvent(kit.deps, timerEvent(retry.name));
    sinon.assert.calledTwice(run.runJob);
    const second = run.executions[1];
    assert.ok(second);
    assert.equal(second.env['DFCHAIN_STEP'], jobNameIn('retried', 'runjob', 'T', 1));
    // A late copy of the first execution's entry finds its step ended: nothing happens.
    await handleEvent(kit.deps, executionEndedEvent(first, 'm-end-1-late'));
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING');

    run.end(second, 'SUCCEEDED');
    await handleEvent(kit.deps, executionEndedEvent(second, 'm-end-2'));
    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'SUCCEEDED');
    assert.equal((stored.output as { executionName: string }).executionName, second.execution);
  });

  it('a run cancelled while its jobs.run call is in flight cancels the execution once the call answers', async () => {
    let answer: () => void = () => undefined;
    run.runJob.onCall(0).callsFake(
      (ref, request) =>
        new Promise((resolve) => {
          const started = run.start(ref, request);
          answer = () => resolve(started);
        }),
    );
    const starting = start();
    await new Promise((resolve) => setImmediate(resolve));
    sinon.assert.calledOnce(run.runJob);
    await handleEvent(
      kit.deps,
      pubsubEvent({ dfchain: 'cancel', runId: 'r1', cause: 'unit' }, 'm-cancel'),
    );
    assert.equal((await storedRun(kit.store, 'r1')).status, 'CANCELLED');
    sinon.assert.notCalled(run.cancelExecution);

    answer();
    await starting;
    const execution = run.only('transform');
    sinon.assert.calledOnceWithExactly(run.cancelExecution, execution.name);
    assert.equal(execution.outcome, 'CANCELLED');
  });

  it('the same completion entry twice has one effect; the second is ignored', async () => {
    await start();
    const execution = run.only('transform');
    run.end(execution, 'SUCCEEDED');
    await handleEvent(kit.deps, executionEndedEvent(execution, 'm-1'));
    const after = await storedRun(kit.store, 'r1');
    await handleEvent(kit.deps, executionEndedEvent(execution, 'm-2'));

    assert.deepEqual(await storedRun(kit.store, 'r1'), after);
    assert.equal(kit.logger.named('job.confirmed').length, 1);
    assert.equal(kit.logger.named('run.succeeded').length, 1);
    const [ignored] = kit.logger.named('message.ignored');
    assert.match(String(ignored?.['reason']), /already recorded \(duplicate event\)/);
    // The line names the run and step, as a Dataflow job's ignored end does.
    assert.deepEqual(
      [ignored?.['runId'], ignored?.['jobName'], ignored?.['chain'], ignored?.['jobId']],
      ['r1', TRANSFORM, 'jobs', execution.name],
    );
  });

  it('the end of an execution without dfchain markers (started by hand) is ignored', async () => {
    await start();
    const foreign = run.start({ ...EUROPE, job: 'transform' }, {});
    const execution = run.executions.find((e) => e.name === foreign.name)!;
    run.end(execution, 'FAILED');
    const before = await storedRun(kit.store, 'r1');
    await handleEvent(kit.deps, executionEndedEvent(execution));

    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    const [ignored] = kit.logger.named('message.ignored');
    assert.match(String(ignored?.['reason']), /not started by dfchain/);
    assert.equal(ignored?.['jobId'], foreign.name);
  });

  it('TimeoutSeconds: the timer cancels the execution through executions.cancel and raises States.Timeout', async () => {
    await start();
    const due = new Date(Date.parse(NOW) + 600_000).toISOString();
    const timer = kit.timers.scheduled.find((t) => t.dueAt === due);
    assert.ok(timer, 'a timer 600 s on');
    kit.clock.advance(600_000);
    await handleEvent(kit.deps, timerEvent(timer.name));

    const execution = run.only('transform');
    sinon.assert.calledOnceWithExactly(run.cancelExecution, execution.name);
    assert.equal(execution.outcome, 'CANCELLED');
    const stored = await storedRun(kit.store, 'r1');
    // States.Timeout is not Run.ExecutionFailed: the Catch does not take it.
    assert.equal(stored.status, 'FAILED');
    assert.equal(stored.error?.Error, 'States.Timeout');

    // The cancelled execution's own end changes nothing.
    await handleEvent(kit.deps, executionEndedEvent(execution));
    assert.equal((await storedRun(kit.store, 'r1')).error?.Error, 'States.Timeout');
  });

  it('the tick records an execution whose completion entry was lost', async () => {
    await start();
    const execution = run.only('transform');
    await handleEvent(kit.deps, tickEvent('m-tick-1'));
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING', 'still running: waits');

    run.end(execution, 'SUCCEEDED');
    await handleEvent(kit.deps, tickEvent('m-tick-2'));

    sinon.assert.alwaysCalledWithExactly(run.getExecution, execution.name);
    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'SUCCEEDED');
    assert.equal(
      (stored.output as { run: { executionName: string } }).run.executionName,
      execution.execution,
    );
    sinon.assert.calledOnce(run.runJob);
  });

  it("a Map item's run:job carries DFCHAIN_PART; its end reaches the item's part document", async () => {
    await start('runeach', { items: ['a', 'b', 'c'] });

    assert.equal(run.executions.length, 2, 'MaxConcurrency 2');
    const parts = await kit.store.parts('r1');
    const keys = parts.map((part) => part.part?.key).sort();
    assert.deepEqual(
      run.executions.map((e) => e.env['DFCHAIN_PART']).sort(),
      keys,
      'each execution names its part',
    );
    assert.deepEqual(
      run.executions.map((e) => e.env['ITEM']),
      ['a', 'b'],
    );
    for (const execution of run.executions) assert.equal(execution.env['DFCHAIN_RUN'], 'r1');

    for (let i = 0; i < 3; i++) {
      const execution = run.executions[i];
      assert.ok(execution, `execution ${i} started`);
      run.end(execution, 'SUCCEEDED');
      await handleEvent(kit.deps, executionEndedEvent(execution, `m-end-${i}`));
      const part = (await kit.store.parts('r1')).find(
        (p) => p.part?.key === execution.env['DFCHAIN_PART'],
      );
      assert.ok(part, `part ${execution.env['DFCHAIN_PART']} stored`);
      assert.ok(
        (part.ended ?? []).some((step) => step.jobId === execution.name),
        `the end of ${execution.name} is recorded in its part`,
      );
    }

    sinon.assert.callCount(run.runJob, 3);
    const stored = await storedRun(kit.store, 'r1');
    assert.equal(stored.status, 'SUCCEEDED');
    assert.deepEqual(
      (stored.output as { executionName: string }[]).map((r) => r.executionName),
      ['work-00001', 'work-00002', 'work-00003'],
    );
  });
});
