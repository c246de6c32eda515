import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { usageFromMetrics } from '../../../../src/cost/metrics.js';
import { createDataflowPort } from '../../../../src/dataflow/googleapis.js';
import { DataflowPermanentError } from '../../../../src/errors.js';
import { machineShape } from '../../../../src/local/simulator/metrics.js';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, T0, harness } from './helpers.js';

const Q = 1_000;
const RUN = 60_000;
const ref = { projectId: PROJECT, location: LOCATION };

describe('simulator: jobs.getMetrics', () => {
  let clock: sinon.SinonFakeTimers;
  let h: Harness;

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    h = await harness({ defaults: { queuedMs: Q, runMs: RUN } });
  });
  afterEach(async () => {
    await h.sim.stop();
    clock.restore();
  });

  const metricsOf = async (jobId: string) =>
    (await h.df.projects.locations.jobs.getMetrics({ ...ref, jobId }, { retry: false })).data;

  it("answers Google's JobMetrics shape: service totals with origin, name and original_name, scalar and updateTime", async () => {
    const job = await h.launch('sized', { numWorkers: 2, machineType: 'n1-standard-4' });
    await clock.tickAsync(Q + RUN);
    const answer = await metricsOf(job.id!);
    const at = new Date(T0 + Q + RUN).toISOString();
    assert.equal(answer.metricTime, at);
    const vcpu = answer.metrics!.find((m) => m.name?.name === 'TotalVcpuTime');
    assert.deepEqual(vcpu, {
      name: {
        origin: 'dataflow/v1b3',
        name: 'TotalVcpuTime',
        context: { original_name: 'Service-cpu_num_seconds' },
      },
      scalar: 2 * 4 * 60,
      updateTime: at,
    });
    assert.equal(h.sim.calls.metrics, 1);
  });

  it('derives the figures from the time the workers ran and the launch environment', async () => {
    const job = await h.launch('sized', {
      numWorkers: 2,
      machineType: 'n1-standard-4',
      diskSizeGb: 50,
    });
    await clock.tickAsync(Q + RUN + 30_000);
    // 2 workers x 60 s; n1-standard-4: 4 vCPU, 15 GB = 15360 MB; 50 GB disks.
    assert.deepEqual(usageFromMetrics(await metricsOf(job.id!)), {
      vcpuSeconds: 480,
      memoryMbSeconds: 2 * 15360 * 60,
      pdGbSeconds: 2 * 50 * 60,
      ssdGbSeconds: 0,
      shuffleGb: 0.469,
      billableShuffleGb: 0.469,
      streamingGb: 0,
    });
  });

  it('defaults to one n1-standard-1 worker with a 25 GB disk; grows while the job runs', async () => {
    const job = await h.launch('plain');
    await clock.tickAsync(Q + 10_000);
    const early = usageFromMetrics(await metricsOf(job.id!));
    assert.equal(early?.vcpuSeconds, 10);
    assert.equal(early?.memoryMbSeconds, 3840 * 10);
    assert.equal(early?.pdGbSeconds, 25 * 10);
    await clock.tickAsync(RUN);
    assert.equal(usageFromMetrics(await metricsOf(job.id!))?.vcpuSeconds, 60);
  });

  it('a job that never had workers has no resource metrics; an unknown job is a 404, through the port', async () => {
    h.sim.configure({ defaults: { queuedMs: Q, runMs: RUN, outcome: 'LAUNCH_FAILED' } });
    const failed = await h.launch('no-workers');
    await clock.tickAsync(Q);
    const answer = await metricsOf(failed.id!);
    assert.deepEqual(answer, { metricTime: new Date(T0 + Q).toISOString() });
    const port = createDataflowPort({ rootUrl: h.sim.rootUrl });
    assert.deepEqual(await port.getMetrics!(ref, failed.id!), {
      metricTime: new Date(T0 + Q).toISOString(),
      metrics: [],
    });
    await assert.rejects(port.getMetrics!(ref, 'nope'), DataflowPermanentError);
  });
});

describe('simulator: machine shapes', () => {
  it('reads predefined types and falls back to n1-standard-1', () => {
    assert.deepEqual(machineShape('n2-highmem-8'), { vcpus: 8, memoryMb: 65536 });
    assert.deepEqual(machineShape('e2-standard-2'), { vcpus: 2, memoryMb: 8192 });
    assert.deepEqual(machineShape('custom-4-8192'), { vcpus: 1, memoryMb: 3840 });
    assert.deepEqual(machineShape(undefined), { vcpus: 1, memoryMb: 3840 });
  });
});
