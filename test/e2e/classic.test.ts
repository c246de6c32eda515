import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import { behaviours, endTime, jobsOfRun, startE2eStack, until } from './harness.js';

const stateOf = (job: SimulatedJob | undefined) => job?.history.at(-1)?.state;
const prefix = (job: SimulatedJob) => job.name.replace(/-[0-9a-f]{12}$/, '');
const start = (runId: string) => ({
  dfchain: 'start',
  chain: 'classic',
  runId,
  input: { day: '2026-11-21' },
});
const errorOf = (stack: LocalStack, runId: string, event: string) =>
  (stack.runLines(runId).find((line) => line['event'] === event)?.['error'] ?? {}) as {
    Error?: string;
  };

describe('e2e: a classic template Task (dataflow:template) beside a Flex one', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('launches the classic job through templates:launch, then the Flex job once it ended', async () => {
    await stack.publish(start('cl-ok'));
    assert.equal(await stack.waitForRunEnd('cl-ok'), 'run.succeeded');
    const jobs = jobsOfRun(stack, 'cl-ok');
    assert.deepEqual(jobs.map(prefix), ['cl-export', 'cl-ingest']);
    const [exported, ingest] = jobs as [SimulatedJob, SimulatedJob];
    // The classic request as the simulator received it: gcsPath from the query, the body
    // LaunchTemplateParameters, with the dfchain labels and without the Flex-only default.
    assert.deepEqual(exported.request, {
      gcsPath: 'gs://e2e/templates/cl-export',
      launchParameter: {
        jobName: exported.name,
        parameters: { day: '2026-11-21' },
        environment: {
          tempLocation: 'gs://e2e/tmp',
          maxWorkers: 2,
          additionalUserLabels: {
            'dfchain-run': 'cl-ok',
            'dfchain-chain': 'classic',
            'dfchain-state': 'export',
          },
        },
      },
    });
    assert.equal(exported.history[0]?.state, 'JOB_STATE_PENDING', 'no launcher: PENDING first');
    assert.equal(stateOf(exported), 'JOB_STATE_DONE');
    assert.deepEqual(ingest.request.launchParameter?.['parameters'], { source: exported.name });
    assert.equal(
      (ingest.request.launchParameter?.['environment'] as Record<string, unknown>)[
        'launcherMachineType'
      ],
      'n1-standard-2',
    );
    assert.ok(ingest.createTime >= endTime(exported), 'the Flex job waits for the classic one');
  });

  it('a failed classic job fails the run with Dataflow.JobFailed; the next Task never launches', async () => {
    behaviours.set('cl-fail', () => ({ outcome: 'FAILED' }));
    await stack.publish(start('cl-fail'));
    assert.equal(await stack.waitForRunEnd('cl-fail'), 'run.failed');
    assert.equal(errorOf(stack, 'cl-fail', 'run.failed').Error, 'Dataflow.JobFailed');
    assert.deepEqual(jobsOfRun(stack, 'cl-fail').map(prefix), ['cl-export']);
  });

  it('cancelling the run while the classic job runs cancels the job in Dataflow', async () => {
    behaviours.set('cl-cancel', () => ({ runMs: 600_000 }));
    await stack.publish(start('cl-cancel'));
    await until('the classic job runs', () =>
      jobsOfRun(stack, 'cl-cancel').some((job) => stateOf(job) === 'JOB_STATE_RUNNING'),
    );
    await stack.publish({ dfchain: 'cancel', runId: 'cl-cancel', cause: 'e2e' });
    assert.equal(await stack.waitForRunEnd('cl-cancel'), 'run.cancelled');
    await until('the classic job is cancelled', () =>
      jobsOfRun(stack, 'cl-cancel').every((job) => stateOf(job) === 'JOB_STATE_CANCELLED'),
    );
    assert.deepEqual(jobsOfRun(stack, 'cl-cancel').map(prefix), ['cl-export']);
  });

  it('TimeoutSeconds: past it the classic job is cancelled and the run fails with States.Timeout', async () => {
    behaviours.set('cl-timeout', () => ({ runMs: 120_000 }));
    await stack.publish(start('cl-timeout'));
    assert.equal(await stack.waitForRunEnd('cl-timeout'), 'run.failed');
    assert.equal(errorOf(stack, 'cl-timeout', 'run.failed').Error, 'States.Timeout');
    await until('the timed-out job is cancelled', () =>
      jobsOfRun(stack, 'cl-timeout').every((job) => stateOf(job) === 'JOB_STATE_CANCELLED'),
    );
    assert.deepEqual(jobsOfRun(stack, 'cl-timeout').map(prefix), ['cl-export']);
  });

  it("the classic job's end delivered twice launches the next Task once", async () => {
    const published = stack.sinkStats.published;
    stack.sinkCopies = 2;
    try {
      await stack.publish(start('cl-dup'));
      assert.equal(await stack.waitForRunEnd('cl-dup'), 'run.succeeded');
    } finally {
      stack.sinkCopies = 1;
    }
    assert.deepEqual(jobsOfRun(stack, 'cl-dup').map(prefix), ['cl-export', 'cl-ingest']);
    const events = stack.runLines('cl-dup').map((line) => line['event']);
    assert.equal(events.filter((event) => event === 'job.launched').length, 2);
    assert.equal(events.filter((event) => event === 'run.succeeded').length, 1);
    const ignoredEnd = stack
      .runLines('cl-dup')
      .filter(
        (l) => l['event'] === 'message.ignored' && String(l['jobName']).startsWith('cl-export'),
      );
    assert.ok(ignoredEnd.length >= 1, "the classic job's second end was seen and ignored");
    assert.ok(stack.sinkStats.published - published >= 4, 'each job end was published twice');
  });
});
