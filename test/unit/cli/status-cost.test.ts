import { strict as assert } from 'node:assert';
import { renderRun, runView, statusCommand } from '../../../src/cli/status.js';
import { parsePriceTable } from '../../../src/cost/prices.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:30:00.000Z';
const T2 = '2026-11-22T11:00:00.000Z';

/** 1 vCPU-hour, 3.75 GB-hours of memory, 25 GB-hours of PD, 2 GB shuffled. */
const N1_HOUR = {
  ...NO_USAGE,
  vcpuSeconds: 3600,
  memoryMbSeconds: 3840 * 3600,
  pdGbSeconds: 25 * 3600,
  shuffleGb: 2,
  billableShuffleGb: 2,
};

function step(name: string, extra: Partial<Step> = {}): Step {
  return {
    state: name,
    attempt: 0,
    jobName: `${name.toLowerCase()}-0123456789ab`,
    projectId: 'p',
    location: 'us-central1',
    request: { launchParameter: { jobName: `${name.toLowerCase()}-0123456789ab` } },
    status: 'SUCCEEDED',
    intendedAt: T0,
    jobId: `j-${name}`,
    launchedAt: T0,
    endedAt: T1,
    jobState: 'JOB_STATE_DONE',
    ...extra,
  };
}

const INGEST = step('Ingest', { usage: { ...N1_HOUR, metricTime: T1 } });
const LOAD = step('Load', {
  endedAt: T2,
  usage: N1_HOUR,
  request: {
    launchParameter: {
      jobName: 'load-0123456789ab',
      environment: { flexrsGoal: 'FLEXRS_COST_OPTIMIZED' },
    },
  },
});
const BLIND = step('Blind', { endedAt: T2 });
const RUNNING = step('Publish', {
  status: 'LAUNCHED',
  endedAt: undefined,
  jobState: undefined,
});

const run = (): Run => ({
  ...emptyRun(),
  status: 'RUNNING',
  steps: { [RUNNING.jobName]: RUNNING },
});

describe('dfchain status: resource use and estimated cost', () => {
  // Ingest, batch: 0.056 + 3.75 x 0.003557 + 25 x 0.000054 + 2 x 0.011 = 0.09268875
  // Load, FlexRS:  0.0336 + 3.75 x 0.0021342 + 0.00135 + 0.022 = 0.06495325
  it('shows each ended step usage and cost, and the run total priced step by step', () => {
    const view = runView(run(), [INGEST, LOAD, BLIND]);
    const byState = Object.fromEntries(view.steps.map((s) => [s.state, s]));
    assert.deepEqual(byState['Ingest']!.usage, { ...N1_HOUR, metricTime: T1 });
    assert.equal(byState['Ingest']!.cost, 0.0927);
    assert.equal(byState['Ingest']!.flexrs, undefined);
    assert.equal(byState['Load']!.cost, 0.065);
    assert.equal(byState['Load']!.flexrs, true);
    assert.equal(byState['Blind']!.usage, undefined);
    assert.equal(byState['Publish']!.cost, undefined);
    assert.deepEqual(view.total, {
      usage: {
        ...NO_USAGE,
        vcpuSeconds: 7200,
        memoryMbSeconds: 2 * 3840 * 3600,
        pdGbSeconds: 50 * 3600,
        shuffleGb: 4,
        billableShuffleGb: 4,
      },
      cost: {
        usd: 0.1576,
        vcpu: 0.0896,
        memory: 0.0213,
        pd: 0.0027,
        ssd: 0,
        shuffle: 0.044,
        streaming: 0,
        currency: 'USD',
        prices: {
          source:
            'https://cloud.google.com/dataflow/pricing (us-central1 rates as quoted by apache/beam dataflow_cost_consts.py and GoogleCloudPlatform/DataflowTemplates PerformanceBenchmarkingBase.java)',
          date: '2026-11-30',
        },
      },
      unknown: 1,
    });
  });

  it('prints VCPU-H and COST USD columns and a total line once a step has usage', () => {
    const lines = renderRun(runView(run(), [INGEST, LOAD, BLIND]));
    assert.match(
      lines[1]!,
      /^SCOPE +STATE +STATUS +JOB NAME +JOB ID +LOCATION +DURATION +VCPU-H +COST USD$/,
    );
    assert.match(lines[2]!, /^- +Ingest +SUCCEEDED .* us-central1 +\S+ \S+ +1\.000 +0\.0927$/);
    assert.match(
      lines[3]!,
      /^- +Load +SUCCEEDED .* us-central1 +\S+ \S+ +1\.000 +0\.0650 \(FlexRS\)$/,
    );
    assert.match(lines[4]!, /^- +Blind +SUCCEEDED .* us-central1 +\S+ \S+ +\? +\?$/);
    assert.match(lines[5]!, /^- +Publish +LAUNCHED .* us-central1 +- +- +-$/);
    assert.equal(
      lines[6],
      'total 2.000 vCPU-h, 7.500 GB-h memory, 50.000 GB-h PD, 4.000 GB shuffle; estimated cost 0.1576 USD (1 step(s) without metrics left out) (prices: 2026-11-30)',
    );
  });

  it('no cost columns and no total while no step recorded usage', () => {
    const view = runView(run(), [BLIND]);
    assert.equal(view.total, undefined);
    const lines = renderRun(view);
    assert.match(lines[1]!, /LOCATION +DURATION$/);
    assert.equal(
      lines.some((line) => line.startsWith('total ')),
      false,
    );
  });

  it('--json carries the total, at the prices given', async () => {
    const store = new MemoryRunStore();
    await store.create(run());
    await store.update('r1', (r) => ({ run: r, archive: [INGEST], result: undefined }));
    const prices = parsePriceTable(
      '{"source": "test", "date": "2026-01-01", "regions": {"us-central1": {"batch": {"vcpuHour": 1}}}}',
    );
    const out: string[] = [];
    const code = await statusCommand(
      store,
      'r1',
      { json: true, prices },
      (l) => out.push(l),
      () => {},
    );
    assert.equal(code, 0);
    const json = JSON.parse(out[0]!) as { total: { cost: { usd: number; prices: unknown } } };
    // 1 + 0.01333875 + 0.00135 + 0.022
    assert.equal(json.total.cost.usd, 1.0367);
    assert.deepEqual(json.total.cost.prices, { source: 'test', date: '2026-01-01' });
  });
});
