import { strict as assert } from 'node:assert';
import { usageFromMetrics, type MetricUpdate } from '../../../src/cost/metrics.js';
import { NO_USAGE } from '../../../src/cost/usage.js';

const service = (name: string, scalar: unknown, context: Record<string, string> = {}) =>
  ({ name: { origin: 'dataflow/v1b3', name, context }, scalar }) satisfies MetricUpdate;

describe('cost: usageFromMetrics reads the service totals of jobs.getMetrics', () => {
  it('maps every resource metric to its field, in Dataflow units', () => {
    const usage = usageFromMetrics({
      metricTime: '2026-11-30T10:00:00Z',
      metrics: [
        service('TotalVcpuTime', 3237830, { original_name: 'Service-cpu_num_seconds' }),
        service('TotalMemoryUsage', 21550998323),
        service('TotalPdUsage', 80945756),
        service('TotalSsdUsage', 0),
        service('TotalShuffleDataProcessed', 12.5),
        service('BillableShuffleDataProcessed', 6.25),
        service('TotalStreamingDataProcessed', 0),
        service('CurrentVcpuCount', 152),
      ],
    });
    assert.deepEqual(usage, {
      vcpuSeconds: 3237830,
      memoryMbSeconds: 21550998323,
      pdGbSeconds: 80945756,
      ssdGbSeconds: 0,
      shuffleGb: 12.5,
      billableShuffleGb: 6.25,
      streamingGb: 0,
    });
  });

  it('prefers the committed value to the tentative one, and takes a tentative one alone', () => {
    const usage = usageFromMetrics({
      metrics: [
        service('TotalVcpuTime', 99, { tentative: 'true' }),
        service('TotalVcpuTime', 100),
        service('TotalPdUsage', 7, { tentative: 'true' }),
      ],
    });
    assert.deepEqual(usage, { ...NO_USAGE, vcpuSeconds: 100, pdGbSeconds: 7 });
  });

  it('ignores user counters, per-step metrics, and values that are not non-negative numbers; reads int64 strings', () => {
    const usage = usageFromMetrics({
      metrics: [
        { name: { origin: 'user', name: 'TotalVcpuTime' }, scalar: 1 },
        service('TotalVcpuTime', 5, { step: 's2' }),
        service('TotalMemoryUsage', -1),
        service('TotalPdUsage', 'many'),
        service('TotalSsdUsage', '42'),
        { name: null, scalar: 3 },
        { name: { origin: 'dataflow', name: 'TotalShuffleDataProcessed' }, scalar: 2 },
      ],
    });
    assert.deepEqual(usage, { ...NO_USAGE, ssdGbSeconds: 42, shuffleGb: 2 });
  });

  it('is undefined when no resource metric is there (none yet, or a job without workers)', () => {
    assert.equal(usageFromMetrics({ metricTime: '2026-11-30T10:00:00Z' }), undefined);
    assert.equal(usageFromMetrics({ metrics: [service('CurrentVcpuCount', 1)] }), undefined);
  });
});
