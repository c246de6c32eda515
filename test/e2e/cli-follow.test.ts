import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalStack } from '../../src/local/stack.js';
import { behaviours, jobsOfRun, startE2eStack, until } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('e2e: dfchain start --follow and status --watch on the local stack', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  /** The built CLI against the stack, stdout not a terminal; its exit code and output. */
  function dfchain(...args: string[]): Promise<Outcome> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { ...process.env, ...stack.clientEnv(), NO_COLOR: '' }, timeout: 90_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
            stdout,
            stderr,
          }),
      );
    });
  }

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('start --follow: the Parallel run live, states and jobs as they come, exit 0 when it SUCCEEDED', async () => {
    const run = await dfchain('start', 'fanout', '--run-id', 'cf-ok', '--follow');
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^published start of chain fanout as message \S+ on /);
    assert.ok(
      lines.includes('following run cf-ok of chain fanout (Ctrl-C stops following, not the run)'),
      run.stdout,
    );
    for (const pattern of [
      /^\d\d:\d\d:\d\d {2}job p-left-[0-9a-f]{12} \(Fan\[0\]\/Left\) launched as \S+ in \S+$/m,
      /^\d\d:\d\d:\d\d {2}job p-left-[0-9a-f]{12} \(Fan\[0\]\/Left\) SUCCEEDED after \d+s \[JOB_STATE_DONE\]$/m,
      /^\d\d:\d\d:\d\d {2}run cf-ok SUCCEEDED after \d+s$/m,
    ]) {
      assert.match(run.stdout, pattern);
    }
    // Not a terminal: no escape sequences, no spinner.
    assert.ok(!run.stdout.includes('\x1b') && !run.stdout.includes('⠋'), run.stdout);
    assert.match(lines.at(-1) ?? '', /run cf-ok SUCCEEDED/);
  });

  it('start --follow: exit 2 when the run FAILED, with its error', async () => {
    behaviours.set('cf-failed', () => ({ outcome: 'FAILED' }));
    const run = await dfchain(
      'start',
      'branch',
      '--run-id',
      'cf-failed',
      '--input',
      '{"mode":"full"}',
      '--follow',
    );
    assert.equal(run.code, 2, `${run.stdout}${run.stderr}`);
    assert.match(
      run.stdout,
      /job b-full-[0-9a-f]{12} \(Full\) FAILED after \d+s \[JOB_STATE_FAILED\]/,
    );
    assert.match(
      run.stdout.trimEnd().split('\n').at(-1) ?? '',
      /run cf-failed FAILED after \d+s: /,
    );
  });

  it('start --follow and status --watch: exit 3 and 0 when a cancel ends the run', async () => {
    behaviours.set('cf-cancel', () => ({ runMs: 600_000 }));
    const following = dfchain('start', 'fanout', '--run-id', 'cf-cancel', '--follow');
    await until('both branch jobs run', () => jobsOfRun(stack, 'cf-cancel').length === 2);
    const watching = dfchain('status', 'cf-cancel', '--watch');
    // Let the watch render the running run at least once.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const cancelled = await dfchain('cancel', 'cf-cancel');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const [follow, watch] = await Promise.all([following, watching]);
    assert.equal(follow.code, 3, `${follow.stdout}${follow.stderr}`);
    assert.match(follow.stdout, /run cf-cancel CANCELLED after \d+s: States\.Cancelled: /);
    assert.equal(watch.code, 0, `${watch.stdout}${watch.stderr}`);
    const renders = watch.stdout
      .split('\n')
      .filter((line) => line.startsWith('run cf-cancel  chain fanout'));
    assert.match(renders[0] ?? '', /RUNNING/);
    assert.match(renders.at(-1) ?? '', /CANCELLED/);
  });
});
