import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import { behaviours, endTime, jobsOfRun, startE2eStack } from './harness.js';

const start = (chain: string, runId: string, input: object = {}) => ({
  dfchain: 'start',
  chain,
  runId,
  input,
});

const prefix = (job: SimulatedJob) => job.name.replace(/-[0-9a-f]{12}$/, '');

/** Most jobs of `jobs` that ever ran at the same moment (from the simulator's own timestamps). */
function mostAtOnce(jobs: readonly SimulatedJob[]): number {
  const edges = jobs.flatMap((job) => [
    { at: job.createTime, delta: 1 },
    { at: endTime(job), delta: -1 },
  ]);
  // An end and a start at the same millisecond: the end counts first.
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.delta;
    most = Math.max(most, now);
  }
  return most;
}

describe('e2e: the chain language on the local stack (Parallel, Map, Retry, Catch, Choice, Wait, timeout)', function () {
  this.timeout(180_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('Parallel: both branches run at once, and the join step gets both results', async () => {
    behaviours.set('lang-par', () => ({ runMs: 1500 }));
    await stack.publish(start('fanout', 'lang-par'));
    assert.equal(await stack.waitForRunEnd('lang-par'), 'run.succeeded');
    const jobs = jobsOfRun(stack, 'lang-par');
    assert.deepEqual(jobs.map(prefix).sort(), ['p-join', 'p-left', 'p-right']);
    const [left, right] = ['p-left', 'p-right'].map((p) => jobs.find((j) => prefix(j) === p)!);
    const join = jobs.find((j) => prefix(j) === 'p-join')!;
    assert.equal(mostAtOnce([left!, right!]), 2, 'the branches overlapped');
    assert.ok(join.createTime >= Math.max(endTime(left!), endTime(right!)), 'join after both');
    assert.deepEqual(join.request.launchParameter?.['parameters'], {
      left: left!.name,
      right: right!.name,
    });
  });

  it('Map: 20 items with MaxConcurrency 5 never run more than 5 jobs at once', async () => {
    const files = Array.from({ length: 20 }, (_, i) => `gs://in/part-${i}.csv`);
    behaviours.set('lang-map', () => ({ runMs: 400 }));
    await stack.publish(start('perfile', 'lang-map', { files }));
    assert.equal(await stack.waitForRunEnd('lang-map', 120_000), 'run.succeeded');
    const jobs = jobsOfRun(stack, 'lang-map');
    assert.equal(jobs.length, 20);
    assert.deepEqual(
      jobs
        .map(
          (job) => (job.request.launchParameter?.['parameters'] as Record<string, string>)['file'],
        )
        .sort(),
      [...files].sort(),
    );
    const most = mostAtOnce(jobs);
    assert.ok(most <= 5, `at most 5 at once, saw ${most}`);
    assert.ok(most >= 2, `items ran in parallel (saw ${most} at once)`);
    const done = stack.runLines('lang-map').find((l) => l['event'] === 'run.succeeded');
    assert.equal((done?.['output'] as unknown[]).length, 20);
  });

  it('Retry: the first attempt fails, the second (a new job name) succeeds', async () => {
    let attempts = 0;
    behaviours.set('lang-retry', () => (attempts++ === 0 ? { outcome: 'FAILED' } : {}));
    await stack.publish(start('flaky', 'lang-retry'));
    assert.equal(await stack.waitForRunEnd('lang-retry'), 'run.succeeded');
    const jobs = jobsOfRun(stack, 'lang-retry');
    assert.equal(jobs.length, 2);
    assert.notEqual(jobs[0]!.name, jobs[1]!.name);
    assert.ok(jobs[1]!.createTime - endTime(jobs[0]!) >= 1000, 'waited IntervalSeconds');
    assert.ok(stack.runLines('lang-retry').some((l) => l['event'] === 'state.retrying'));
  });

  it('Catch: a failed job routes to a clean-up job, and the run fails with the Fail state', async () => {
    behaviours.set('lang-catch', (jobName) =>
      jobName.startsWith('c-work') ? { outcome: 'FAILED' } : {},
    );
    await stack.publish(start('cleanup', 'lang-catch'));
    assert.equal(await stack.waitForRunEnd('lang-catch'), 'run.failed');
    const jobs = jobsOfRun(stack, 'lang-catch');
    assert.deepEqual(jobs.map(prefix), ['c-work', 'c-cleanup']);
    assert.deepEqual(jobs[1]!.request.launchParameter?.['parameters'], {
      reason: 'Dataflow.JobFailed',
    });
    const failed = stack.runLines('lang-catch').find((l) => l['event'] === 'run.failed');
    assert.deepEqual(failed?.['error'], {
      Error: 'Work.Failed',
      Cause: 'the work job failed; cleaned up',
    });
  });

  it('Choice: the run input picks the branch', async () => {
    await stack.publish(start('branch', 'lang-full', { mode: 'full' }));
    await stack.publish(start('branch', 'lang-delta', { mode: 'delta' }));
    assert.equal(await stack.waitForRunEnd('lang-full'), 'run.succeeded');
    assert.equal(await stack.waitForRunEnd('lang-delta'), 'run.succeeded');
    assert.deepEqual(jobsOfRun(stack, 'lang-full').map(prefix), ['b-full']);
    assert.deepEqual(jobsOfRun(stack, 'lang-delta').map(prefix), ['b-delta']);
  });

  it('Wait 3 s: the next job starts within 1 s of the due time, with no tick', async () => {
    await stack.publish(start('pause', 'lang-wait'));
    assert.equal(await stack.waitForRunEnd('lang-wait'), 'run.succeeded');
    const [first, second] = jobsOfRun(stack, 'lang-wait');
    const waiting = stack.runLines('lang-wait').find((l) => l['event'] === 'state.waiting');
    const due = Date.parse(String(waiting?.['dueAt']));
    assert.ok(due - endTime(first!) >= 3000 - 50, 'due 3 s after the first job ended');
    const late = second!.createTime - due;
    assert.ok(late >= 0 && late <= 1000, `second job launched ${late} ms after the due time`);
    assert.ok(!stack.runLines('lang-wait').some((l) => String(l['event']).startsWith('tick')));
  });

  it('TimeoutSeconds: a job past its timeout is cancelled through the API and the run fails with States.Timeout', async () => {
    behaviours.set('lang-timeout', () => ({ runMs: 120_000 }));
    await stack.publish(start('deadline', 'lang-timeout'));
    assert.equal(await stack.waitForRunEnd('lang-timeout'), 'run.failed');
    const failed = stack.runLines('lang-timeout').find((l) => l['event'] === 'run.failed');
    assert.equal((failed?.['error'] as { Error: string }).Error, 'States.Timeout');
    const last = () => jobsOfRun(stack, 'lang-timeout')[0]?.history.at(-1)?.state;
    const deadline = Date.now() + 20_000;
    while (last() !== 'JOB_STATE_CANCELLED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(last(), 'JOB_STATE_CANCELLED');
    assert.equal(jobsOfRun(stack, 'lang-timeout').length, 1);
  });
});
