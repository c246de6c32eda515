import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import type { LaunchRequestBody } from '../../src/local/simulator/types.js';
import { behaviours, jobsOfRun, runCli, startE2eStack, until } from './harness.js';

const FILES = ['a', 'b', 'c', 'd', 'e', 'f'];

const stateOf = (job: SimulatedJob) => job.history.at(-1)?.state;
const fileOf = (request: LaunchRequestBody) =>
  (request.launchParameter?.['parameters'] as Record<string, string> | undefined)?.['file'];
const reportsOf = (jobs: SimulatedJob[]) => jobs.filter((job) => job.name.startsWith('r-report-'));

/** Jobs per item file (the report's under "report"), each list in launch order. */
function byFile(jobs: SimulatedJob[]): Record<string, SimulatedJob[]> {
  const found: Record<string, SimulatedJob[]> = {};
  for (const job of jobs) {
    const key = fileOf(job.request) ?? 'report';
    (found[key] ??= []).push(job);
  }
  return found;
}

describe('e2e: the redrive command on the local stack', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
  });

  /** The built CLI against the stack; its exit code and all it printed. */
  async function dfchain(...args: string[]): Promise<{ code: number | null; out: string }> {
    const ran = await runCli(stack, args, {}, 30_000);
    return { code: ran.code, out: `${ran.stdout}${ran.stderr}` };
  }

  after(async () => {
    await stack?.stop();
  });

  /** Resolves with the run's end line logged after its `run.redriven` line number `count`. */
  async function endAfterRedrive(runId: string, count: number): Promise<string> {
    let redriven = false;
    const line = await stack.waitForLine((l) => {
      if (l.json?.['runId'] !== runId) return false;
      if (l.json['event'] === 'run.redriven' && l.json['redriveCount'] === count) redriven = true;
      return redriven && /^run\.(succeeded|failed|cancelled)$/.test(String(l.json['event']));
    }, 60_000);
    return String(line.json?.['event']);
  }

  it('resumes a run that failed inside a Map: only the failed and stopped items run again, completed jobs are kept', async () => {
    const run = 'rd-map';
    let healed = false;
    // a ends fast (c follows it in lane 0 and fails); b runs long, so the Map's failure stops it.
    behaviours.set(run, (_name, request) => {
      const file = fileOf(request);
      if (file === 'c' && !healed) return { outcome: 'FAILED', runMs: 100 };
      if (file === 'b' && !healed) return { runMs: 600_000 };
      return { runMs: 150 };
    });
    await stack.publish({
      dfchain: 'start',
      chain: 'redrive',
      runId: run,
      input: { files: FILES },
    });
    assert.equal(await stack.waitForRunEnd(run), 'run.failed');
    await until('b is cancelled', () =>
      (byFile(jobsOfRun(stack, run))['b'] ?? []).every(
        (job) => stateOf(job) === 'JOB_STATE_CANCELLED',
      ),
    );
    const before = byFile(jobsOfRun(stack, run));
    assert.deepEqual(Object.keys(before).sort(), ['a', 'b', 'c']);

    healed = true;
    await stack.publish({ dfchain: 'redrive', runId: run });
    assert.equal(await endAfterRedrive(run, 1), 'run.succeeded');

    const after = byFile(jobsOfRun(stack, run));
    // a succeeded before the failure: its job is kept, never launched again.
    assert.equal(after['a']?.length, 1);
    assert.deepEqual(after['a']?.[0]?.name, before['a']?.[0]?.name);
    // b was stopped and c failed: each runs once more, under a new job name.
    for (const file of ['b', 'c']) {
      assert.equal(after[file]?.length, 2, `${file} runs again once`);
      assert.notEqual(after[file]?.[0]?.name, after[file]?.[1]?.name);
      assert.equal(stateOf(after[file][1]!), 'JOB_STATE_DONE');
    }
    // d, e, f never started before: they start now, once each.
    for (const file of ['d', 'e', 'f']) assert.equal(after[file]?.length, 1, file);
    const reports = reportsOf(jobsOfRun(stack, run));
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0]?.request.launchParameter?.['parameters'], { redrive: '1' });
    const succeeded = stack
      .runLines(run)
      .filter((line) => line['event'] === 'run.succeeded')
      .at(-1);
    assert.ok(succeeded, 'the run logged run.succeeded');
  });

  it('resumes a run that failed after its Map: only the failed Task runs again, no item does', async () => {
    const run = 'rd-report';
    let healed = false;
    behaviours.set(run, (name) =>
      name.startsWith('r-report-') && !healed ? { outcome: 'FAILED', runMs: 100 } : { runMs: 100 },
    );
    await stack.publish({
      dfchain: 'start',
      chain: 'redrive',
      runId: run,
      input: { files: FILES },
    });
    assert.equal(await stack.waitForRunEnd(run), 'run.failed');
    const loads = jobsOfRun(stack, run).length - 1;
    assert.equal(loads, FILES.length);

    healed = true;
    // --follow waits for the function's redrive (the store still shows the failed run first)
    // and shows the run until it ends: exit 0 once it SUCCEEDED.
    const published = await dfchain('redrive', run, '--follow');
    assert.equal(published.code, 0, published.out);
    assert.match(published.out, /published redrive of run rd-report as message \S+/);
    assert.match(published.out, /it resumes from state Report/);
    assert.match(published.out, /following run rd-report of chain redrive/);
    assert.match(published.out, /SUCCEEDED/);
    assert.equal(await endAfterRedrive(run, 1), 'run.succeeded');
    const jobs = jobsOfRun(stack, run);
    assert.equal(jobs.length - reportsOf(jobs).length, FILES.length, 'no item ran again');
    assert.equal(reportsOf(jobs).length, 2);

    // The command refuses a run that succeeded, or that does not exist, before publishing.
    const refused = await dfchain('redrive', run);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.out.trim(),
      'dfchain redrive: run rd-report is SUCCEEDED: only a FAILED or CANCELLED run can be redriven',
    );
    const unknown = await dfchain('redrive', 'rd-nobody-here');
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /^dfchain redrive: no run rd-nobody-here in the store; /);

    // The function, sent one anyway, changes nothing and says why.
    await stack.publish({ dfchain: 'redrive', runId: run });
    const ignored = await stack.waitForLine(
      (l) =>
        l.json?.['event'] === 'message.ignored' &&
        l.json['runId'] === run &&
        String(l.json['reason']).includes('is SUCCEEDED'),
    );
    assert.match(
      String(ignored.json?.['message']),
      /only a FAILED or CANCELLED run can be redriven/,
    );
  });

  it('redrives a cancelled run, and a redrive of an unknown run is logged and acknowledged', async () => {
    const run = 'rd-cancel';
    let healed = false;
    behaviours.set(run, () => (healed ? { runMs: 100 } : { runMs: 600_000 }));
    await stack.publish({
      dfchain: 'start',
      chain: 'redrive',
      runId: run,
      input: { files: ['x'] },
    });
    await until('the load runs', () =>
      jobsOfRun(stack, run).some((job) => stateOf(job) === 'JOB_STATE_RUNNING'),
    );
    const cancelled = await dfchain('cancel', run, '--follow');
    assert.equal(cancelled.code, 0, cancelled.out);
    assert.match(cancelled.out, /CANCELLED/);
    assert.equal(await stack.waitForRunEnd(run), 'run.cancelled');
    healed = true;
    await stack.publish({ dfchain: 'redrive', runId: run });
    assert.equal(await endAfterRedrive(run, 1), 'run.succeeded');
    assert.equal(jobsOfRun(stack, run).length, 3, 'the cancelled load once more, then the report');

    await stack.publish({ dfchain: 'redrive', runId: 'rd-nobody' });
    await stack.waitForLine(
      (l) =>
        l.json?.['event'] === 'message.ignored' &&
        l.json['runId'] === 'rd-nobody' &&
        String(l.json['reason']).includes('no run rd-nobody'),
    );
  });
});
