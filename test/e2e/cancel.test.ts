import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import { behaviours, jobsOfRun, runCli, startE2eStack, until } from './harness.js';

const RUN = 'cx-par';

const stateOf = (job: SimulatedJob) => job.history.at(-1)?.state;
const prefix = (job: SimulatedJob) => job.name.replace(/-[0-9a-f]{12}$/, '');

describe('e2e: the cancel command on the local stack', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  /** The built CLI against the stack; its exit code and stdout with stderr. */
  async function dfchain(...args: string[]): Promise<{ code: number | null; stdout: string }> {
    const ran = await runCli(stack, args, {}, 30_000);
    return { code: ran.code, stdout: ran.code === 0 ? ran.stdout : `${ran.stdout}${ran.stderr}` };
  }

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('cancels a running Parallel: both branch jobs end cancelled, the run ends CANCELLED, nothing more launches', async () => {
    // Long jobs: only the cancel can end them within the test.
    behaviours.set(RUN, () => ({ runMs: 600_000 }));
    await stack.publish({ dfchain: 'start', chain: 'fanout', runId: RUN, input: {} });
    await until('both branch jobs run', () => {
      const jobs = jobsOfRun(stack, RUN);
      return jobs.length === 2 && jobs.every((job) => stateOf(job) === 'JOB_STATE_RUNNING');
    });

    const published = await dfchain('cancel', RUN, '--cause', 'stopped by the e2e test');
    assert.equal(published.code, 0, published.stdout);
    assert.match(published.stdout, /published cancel of run cx-par as message/);

    const ended = await stack.waitForLine(
      (l) => l.json?.['runId'] === RUN && l.json['event'] === 'run.cancelled',
    );
    assert.equal(await stack.waitForRunEnd(RUN), 'run.cancelled');
    const error = { Error: 'States.Cancelled', Cause: 'stopped by the e2e test' };
    assert.deepEqual(ended.json?.['error'], error);
    await until('both jobs are cancelled', () =>
      jobsOfRun(stack, RUN).every((job) => stateOf(job) === 'JOB_STATE_CANCELLED'),
    );
    assert.deepEqual(jobsOfRun(stack, RUN).map(prefix).sort(), ['p-left', 'p-right']);

    const status = await dfchain('status', RUN, '--json');
    assert.equal(status.code, 0, status.stdout);
    const shown = JSON.parse(status.stdout) as { status: string; error: unknown };
    assert.equal(shown.status, 'CANCELLED');
    assert.deepEqual(shown.error, error);

    // A repeated command changes nothing; the join is never launched.
    assert.equal((await dfchain('cancel', RUN)).code, 0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const jobs = jobsOfRun(stack, RUN);
    assert.deepEqual(jobs.map(prefix).sort(), ['p-left', 'p-right']);
    assert.ok(jobs.every((job) => stateOf(job) === 'JOB_STATE_CANCELLED'));
    const lines = stack.runLines(RUN).map((line) => line['event']);
    assert.equal(lines.filter((event) => event === 'run.cancelled').length, 1);
    assert.ok(!lines.includes('run.succeeded') && !lines.includes('run.failed'));
    const again = await dfchain('status', RUN, '--json');
    assert.equal((JSON.parse(again.stdout) as { status: string }).status, 'CANCELLED');
  });
});
