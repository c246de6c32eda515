import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedExecution } from '../../src/local/simulator/index.js';
import { executionsOfRun, runBehaviours, startE2eStack, until } from './harness.js';

const start = (runId: string) => ({
  dfchain: 'start',
  chain: 'runjob',
  runId,
  input: { day: '2026-11-21' },
});
const lineOf = (stack: LocalStack, runId: string, event: string) =>
  stack.runLines(runId).find((line) => line['event'] === event) ?? {};
const errorOf = (stack: LocalStack, runId: string, event: string) =>
  (lineOf(stack, runId, event)['error'] ?? {}) as { Error?: string; Cause?: string };
const countOf = (stack: LocalStack, runId: string, event: string) =>
  stack.runLines(runId).filter((line) => line['event'] === event).length;
const jobsOf = (executions: SimulatedExecution[]) => executions.map((e) => e.job);
const markers = (runId: string, execution: SimulatedExecution, chain = 'runjob') => ({
  DFCHAIN_RUN: runId,
  DFCHAIN_CHAIN: chain,
  DFCHAIN_STEP: execution.env['DFCHAIN_STEP'],
});

describe('e2e: run:job Tasks (Cloud Run job executions)', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('runs the executions in order with the overrides and markers; each result reaches the next state', async () => {
    await stack.publish(start('rj-ok'));
    assert.equal(await stack.waitForRunEnd('rj-ok'), 'run.succeeded');
    const executions = executionsOfRun(stack, 'rj-ok');
    assert.deepEqual(jobsOf(executions), ['rj-transform', 'rj-publish']);
    const [transform, publish] = executions as [SimulatedExecution, SimulatedExecution];
    const step = transform.env['DFCHAIN_STEP'];
    assert.match(step ?? '', /^runjob-/, 'the step marker is the step name');
    assert.deepEqual(transform.request, {
      overrides: {
        containerOverrides: [
          {
            args: ['--full'],
            env: [
              { name: 'MODE', value: 'full' },
              { name: 'DAY', value: '2026-11-21' },
              { name: 'DFCHAIN_STEP', value: step },
              { name: 'DFCHAIN_RUN', value: 'rj-ok' },
              { name: 'DFCHAIN_CHAIN', value: 'runjob' },
            ],
          },
        ],
        taskCount: 2,
        timeout: '600s',
      },
    });
    assert.deepEqual(transform.env, {
      MODE: 'full',
      DAY: '2026-11-21',
      ...markers('rj-ok', transform),
    });
    assert.deepEqual(publish.env, markers('rj-ok', publish), 'one unnamed override, markers only');
    assert.notEqual(publish.env['DFCHAIN_STEP'], step);
    assert.ok(
      publish.createTime >= (transform.ended?.time ?? Infinity),
      'Publish waits for Transform',
    );
    const result = (execution: SimulatedExecution, succeededCount: number) => ({
      executionName: execution.execution,
      job: execution.job,
      location: 'europe-west4',
      succeededCount,
      failedCount: 0,
    });
    assert.deepEqual(lineOf(stack, 'rj-ok', 'run.succeeded')['output'], {
      day: '2026-11-21',
      transform: result(transform, 2),
      publish: result(publish, 1),
    });
  });

  it('a failed execution is caught (Run.ExecutionFailed): the next Task never runs', async () => {
    runBehaviours.set('rj-caught', () => ({ outcome: 'FAILED', failedTasks: 1 }));
    await stack.publish(start('rj-caught'));
    assert.equal(await stack.waitForRunEnd('rj-caught'), 'run.succeeded');
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-caught')), ['rj-transform']);
    const output = lineOf(stack, 'rj-caught', 'run.succeeded')['output'] as {
      error: { Error: string; Cause: string };
    };
    assert.equal(output.error.Error, 'Run.ExecutionFailed');
    assert.match(output.error.Cause, /1 of 2 tasks succeeded, 1 failed/);
  });

  it('a failed execution nothing catches fails the run with Run.ExecutionFailed', async () => {
    runBehaviours.set('rj-uncaught', (run) =>
      run.job === 'rj-publish' ? { outcome: 'FAILED', failedTasks: 1 } : {},
    );
    await stack.publish(start('rj-uncaught'));
    assert.equal(await stack.waitForRunEnd('rj-uncaught'), 'run.failed');
    assert.equal(errorOf(stack, 'rj-uncaught', 'run.failed').Error, 'Run.ExecutionFailed');
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-uncaught')), ['rj-transform', 'rj-publish']);
  });

  it('cancelling the run cancels its running execution in Cloud Run', async () => {
    runBehaviours.set('rj-cancel', () => ({ runMs: 600_000 }));
    await stack.publish(start('rj-cancel'));
    await until('the execution starts', () => executionsOfRun(stack, 'rj-cancel').length === 1);
    await stack.publish({ dfchain: 'cancel', runId: 'rj-cancel', cause: 'e2e' });
    assert.equal(await stack.waitForRunEnd('rj-cancel'), 'run.cancelled');
    await until('the execution is cancelled', () =>
      executionsOfRun(stack, 'rj-cancel').every((e) => e.ended?.outcome === 'CANCELLED'),
    );
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-cancel')), ['rj-transform']);
  });

  it('TimeoutSeconds: past it the execution is cancelled and the run fails with States.Timeout', async () => {
    runBehaviours.set('rj-timeout', () => ({ runMs: 60_000 }));
    await stack.publish(start('rj-timeout'));
    assert.equal(await stack.waitForRunEnd('rj-timeout'), 'run.failed');
    assert.equal(errorOf(stack, 'rj-timeout', 'run.failed').Error, 'States.Timeout');
    await until('the timed-out execution is cancelled', () =>
      executionsOfRun(stack, 'rj-timeout').every((e) => e.ended?.outcome === 'CANCELLED'),
    );
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-timeout')), ['rj-transform']);
  });

  it('every completion entry delivered twice: each execution counted once, the next Task run once', async () => {
    const published = stack.sinkStats.published;
    stack.sinkCopies = 2;
    try {
      await stack.publish(start('rj-dup'));
      assert.equal(await stack.waitForRunEnd('rj-dup'), 'run.succeeded');
      // The last entry's copy may still be on its way: wait for it to be seen and ignored.
      await until('both copies of both entries are handled', () =>
        stack
          .runLines('rj-dup')
          .some(
            (l) =>
              l['event'] === 'message.ignored' &&
              l['jobId'] === executionsOfRun(stack, 'rj-dup')[1]?.name,
          ),
      );
    } finally {
      stack.sinkCopies = 1;
    }
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-dup')), ['rj-transform', 'rj-publish']);
    assert.equal(countOf(stack, 'rj-dup', 'job.launched'), 2);
    assert.equal(countOf(stack, 'rj-dup', 'job.confirmed'), 2);
    assert.equal(countOf(stack, 'rj-dup', 'run.succeeded'), 1);
    assert.ok(stack.sinkStats.published - published >= 4, 'each completion entry published twice');
  });

  it('an execution cancelled by a user in the console fails the run with Run.ExecutionCancelled', async () => {
    runBehaviours.set('rj-user-cancel', () => ({ runMs: 600_000, cancelMs: 200 }));
    await stack.publish(start('rj-user-cancel'));
    await until(
      'the execution starts',
      () => executionsOfRun(stack, 'rj-user-cancel').length === 1,
    );
    const [execution] = executionsOfRun(stack, 'rj-user-cancel');
    assert.ok(stack.simulator.cancelExecution(execution!.name));
    assert.equal(await stack.waitForRunEnd('rj-user-cancel'), 'run.failed');
    assert.equal(errorOf(stack, 'rj-user-cancel', 'run.failed').Error, 'Run.ExecutionCancelled');
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-user-cancel')), ['rj-transform']);
  });

  it('the API lagging the completion entry (still running): the end is recorded once executions.get shows it', async () => {
    runBehaviours.set('rj-lag', (run) => (run.job === 'rj-transform' ? { apiLagMs: 1500 } : {}));
    await stack.publish(start('rj-lag'));
    assert.equal(await stack.waitForRunEnd('rj-lag'), 'run.succeeded');
    const [transform, publish] = executionsOfRun(stack, 'rj-lag');
    assert.ok(transform?.ended && publish, 'both executions ran');
    assert.ok(publish.createTime - transform.ended.time >= 1500, 'Publish waited for the API');
    assert.equal(countOf(stack, 'rj-lag', 'job.confirmed'), 2);
  });

  it('a completion entry lost on the way: the tick finds the ended execution and the run goes on', async () => {
    const chaos = stack.sinkChaos;
    const dropped = stack.sinkStats.dropped.length;
    stack.sinkChaos = { ...chaos, dropRate: 1 };
    try {
      await stack.publish(start('rj-no-entry'));
      await until(
        'Transform ends and its entry is dropped',
        () => stack.sinkStats.dropped.length > dropped,
      );
    } finally {
      stack.sinkChaos = chaos;
    }
    assert.equal(executionsOfRun(stack, 'rj-no-entry').length, 1, 'nothing else woke the run');
    await stack.publish({ dfchain: 'tick' });
    assert.equal(await stack.waitForRunEnd('rj-no-entry'), 'run.succeeded');
    assert.deepEqual(jobsOf(executionsOfRun(stack, 'rj-no-entry')), ['rj-transform', 'rj-publish']);
  });

  for (const fault of ['reset', 500] as const) {
    it(`a jobs.run that started its execution but lost its answer (${fault}) starts one execution, adopted by its marker`, async () => {
      const runId = `rj-lost-${fault}`;
      stack.simulator.injectFaults({ operation: 'runJob', count: 1, fault, afterEffect: true });
      await stack.publish(start(runId));
      assert.equal(await stack.waitForRunEnd(runId), 'run.succeeded');
      assert.deepEqual(jobsOf(executionsOfRun(stack, runId)), ['rj-transform', 'rj-publish']);
      assert.equal(countOf(stack, runId, 'job.adopted'), 1);
      assert.equal(countOf(stack, runId, 'job.launched'), 1);
    });
  }

  it('a Map runs one execution per item, never more than 2 at once (MaxConcurrency 2)', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    await stack.publish({ dfchain: 'start', chain: 'runeach', runId: 'rj-each', input: { items } });
    assert.equal(await stack.waitForRunEnd('rj-each'), 'run.succeeded');
    const executions = executionsOfRun(stack, 'rj-each');
    assert.deepEqual(executions.map((e) => e.env['ITEM']).sort(), items);
    const parts = new Set(executions.map((e) => e.env['DFCHAIN_PART']));
    assert.equal(parts.size, 5, 'each item in a part of its own');
    assert.ok(!parts.has(undefined));
    // Executions that ran at once: at each start, how many started and had not ended.
    const peak = Math.max(
      ...executions.map(
        (e) =>
          executions.filter(
            (other) =>
              other.createTime <= e.createTime && (other.ended?.time ?? Infinity) > e.createTime,
          ).length,
      ),
    );
    assert.equal(peak, 2);
    const output = lineOf(stack, 'rj-each', 'run.succeeded')['output'] as {
      executionName: string;
    }[];
    const byItem = new Map(executions.map((e) => [e.env['ITEM'], e.execution]));
    assert.deepEqual(
      output.map((result) => result.executionName),
      items.map((item) => byItem.get(item)),
      'results in item order',
    );
  });
});
