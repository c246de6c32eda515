import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import { behaviours, jobsOfRun, runCli, startE2eStack } from './harness.js';

const RUN = 'cost-1';

/** Seconds a simulated job had workers: from RUNNING to its terminal state. */
function workerSeconds(job: SimulatedJob): number {
  const running = job.history.find((change) => change.state === 'JOB_STATE_RUNNING');
  assert.ok(running, `${job.name} ran`);
  return (job.history.at(-1)!.time - running.time) / 1000;
}

interface Figures {
  readonly vcpuSeconds: number;
  readonly memoryMbSeconds: number;
  readonly pdGbSeconds: number;
  readonly billableShuffleGb: number;
}

/** What the simulator reports for `workers` machines of `vcpus` and `memoryMb` with `diskGb` disks. */
function figures(s: number, workers: number, vcpus: number, memoryMb: number, diskGb: number) {
  const vcpuSeconds = Math.round(workers * vcpus * s);
  return {
    vcpuSeconds,
    memoryMbSeconds: Math.round(workers * memoryMb * s),
    pdGbSeconds: Math.round(workers * diskGb * s),
    billableShuffleGb: Math.round((vcpuSeconds / 1024) * 1000) / 1000,
  };
}

/** By hand, per docs/cost.md: hours x hourly rate, GB x per-GB rate (memory MB / 1024). */
function dollars(f: Figures, vcpuHour: number, memoryGbHour: number): number {
  return (
    (f.vcpuSeconds / 3600) * vcpuHour +
    (f.memoryMbSeconds / 1024 / 3600) * memoryGbHour +
    (f.pdGbSeconds / 3600) * 0.000054 +
    f.billableShuffleGb * 0.011
  );
}

const round4 = (usd: number) => Math.round(usd * 1e4) / 1e4;

interface StepShown {
  readonly state: string;
  readonly usage?: Figures & { readonly metricTime?: string };
  readonly cost?: number;
  readonly flexrs?: true;
}

describe('e2e: the cost of a run on the local stack', function () {
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

  it('stores each job usage from jobs.getMetrics, totals it on run.succeeded, and status --json shows the cost', async () => {
    behaviours.set(RUN, (jobName) => ({ runMs: jobName.startsWith('c-crunch') ? 3000 : 1500 }));
    await stack.publish({ dfchain: 'start', chain: 'costed', runId: RUN, input: {} });
    assert.equal(await stack.waitForRunEnd(RUN), 'run.succeeded');

    const [crunch, report] = jobsOfRun(stack, RUN);
    assert.ok(crunch && report, 'both jobs ran');
    // Crunch: 2 x n1-standard-2 (2 vCPU, 7.5 GB), 30 GB disks; Report: 1 x n1-standard-1, 25 GB.
    const crunchUse = figures(workerSeconds(crunch), 2, 2, 7680, 30);
    const reportUse = figures(workerSeconds(report), 1, 1, 3840, 25);
    assert.ok(crunchUse.vcpuSeconds >= 12, `Crunch ran 3 s on 4 vCPUs: ${crunchUse.vcpuSeconds}`);
    const crunchUsd = dollars(crunchUse, 0.056, 0.003557);
    const reportUsd = dollars(reportUse, 0.0336, 0.0021342);

    const status = await dfchain('status', RUN, '--json');
    assert.equal(status.code, 0, status.stdout);
    const shown = JSON.parse(status.stdout) as {
      status: string;
      steps: StepShown[];
      total?: { usage: Figures; cost: { usd: number; currency: string } };
    };
    assert.equal(shown.status, 'SUCCEEDED');
    const byState = Object.fromEntries(shown.steps.map((step) => [step.state, step]));
    const stored = (state: string) => {
      const usage = byState[state]?.usage;
      assert.ok(usage, `${state} has its usage stored`);
      return {
        vcpuSeconds: usage.vcpuSeconds,
        memoryMbSeconds: usage.memoryMbSeconds,
        pdGbSeconds: usage.pdGbSeconds,
        billableShuffleGb: usage.billableShuffleGb,
      };
    };
    assert.deepEqual(stored('Crunch'), crunchUse);
    assert.deepEqual(stored('Report'), reportUse);
    assert.equal(byState['Crunch']?.cost, round4(crunchUsd));
    assert.equal(byState['Report']?.cost, round4(reportUsd));
    assert.equal(byState['Report']?.flexrs, true);
    assert.equal(shown.total?.usage.vcpuSeconds, crunchUse.vcpuSeconds + reportUse.vcpuSeconds);
    assert.equal(shown.total?.cost.usd, round4(crunchUsd + reportUsd));
    assert.equal(shown.total?.cost.currency, 'USD');

    // The run's end line carries the same total, kept on the run as its jobs ended.
    const end = stack.runLines(RUN).find((line) => line['event'] === 'run.succeeded');
    assert.ok(end, 'a run.succeeded line');
    const usage = end['usage'] as Figures;
    assert.equal(usage.vcpuSeconds, crunchUse.vcpuSeconds + reportUse.vcpuSeconds);
    assert.equal(usage.memoryMbSeconds, crunchUse.memoryMbSeconds + reportUse.memoryMbSeconds);
    assert.equal((end['cost'] as { usd: number }).usd, round4(crunchUsd + reportUsd));
    assert.match(String(end['message']), /succeeded \(estimated cost \d+\.\d{4} USD\)$/);

    const text = await dfchain('status', RUN);
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, /VCPU-H +COST USD/);
    assert.match(
      text.stdout,
      new RegExp(`^total .*estimated cost ${round4(crunchUsd + reportUsd).toFixed(4)} USD`, 'm'),
    );
    assert.equal(stack.simulator.calls.metrics >= 2, true, 'the function asked jobs.getMetrics');
  });
});
