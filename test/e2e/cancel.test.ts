import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import { behaviours, jobsOfRun, startE2eStack } from './harness.js';

const CLI = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/cli/main.js');
const RUN = 'cx-par';

const stateOf = (job: SimulatedJob) => job.history.at(-1)?.state;
const prefix = (job: SimulatedJob) => job.name.replace(/-[0-9a-f]{12}$/, '');

/** Polls `check` every 100 ms until it is true; fails after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('e2e: the cancel command on the local stack', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  /** Runs the built CLI against the stack; resolves with its exit code and output. */
  async function dfchain(...args: string[]): Promise<{ code: number; stdout: string }> {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: { ...process.env, ...stack.clientEnv() },
        timeout: 30_000,
      });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
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
