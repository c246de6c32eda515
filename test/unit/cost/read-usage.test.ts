import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { JobMetrics } from '../../../src/cost/metrics.js';
import { readUsage } from '../../../src/cost/read-usage.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import { DataflowPermanentError, DataflowTransientError } from '../../../src/errors.js';

const ref = { projectId: 'p', location: 'europe-west4' };
const METRICS: JobMetrics = {
  metricTime: '2026-11-30T10:00:00Z',
  metrics: [{ name: { origin: 'dataflow/v1b3', name: 'TotalVcpuTime' }, scalar: 60 }],
};

function port(getMetrics?: DataflowPort['getMetrics']): DataflowPort {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    getJob: unused,
    listJobsByName: unused,
    listActiveJobs: unused,
    launchFlexTemplate: unused,
    launchTemplate: unused,
    cancelJob: unused,
    ...(getMetrics ? { getMetrics } : {}),
  };
}

describe('cost: readUsage, best effort and bounded', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  it('returns the usage and its metric time', async () => {
    const get = sinon.stub().resolves(METRICS);
    assert.deepEqual(await readUsage(port(get), ref, 'j1'), {
      usage: { ...NO_USAGE, vcpuSeconds: 60 },
      metricTime: '2026-11-30T10:00:00Z',
    });
    assert.deepEqual(get.firstCall.args, [ref, 'j1']);
  });

  it('tries again after a transient fault', async () => {
    const get = sinon
      .stub()
      .onFirstCall()
      .rejects(
        new DataflowTransientError('Dataflow jobs.getMetrics failed: HTTP 503', { operation: 'x' }),
      )
      .onSecondCall()
      .resolves(METRICS);
    const read = await readUsage(port(get), ref, 'j1');
    assert.equal(read.usage?.vcpuSeconds, 60);
    assert.equal(get.callCount, 2);
  });

  it('gives up at once on a permanent fault, with its message as the reason', async () => {
    const get = sinon
      .stub()
      .rejects(
        new DataflowPermanentError('Dataflow jobs.getMetrics failed: HTTP 403', { operation: 'x' }),
      );
    assert.deepEqual(await readUsage(port(get), ref, 'j1'), {
      reason: 'Dataflow jobs.getMetrics failed: HTTP 403',
    });
    assert.equal(get.callCount, 1);
  });

  it('stops after the tries allowed while faults stay transient', async () => {
    const get = sinon.stub().rejects(new DataflowTransientError('HTTP 500', { operation: 'x' }));
    const read = await readUsage(port(get), ref, 'j1', { tries: 3 });
    assert.deepEqual(read, { reason: 'HTTP 500' });
    assert.equal(get.callCount, 3);
  });

  it('never waits past its budget for an answer that does not come', async () => {
    clock = sinon.useFakeTimers();
    const get = sinon.stub().returns(new Promise<JobMetrics>(() => undefined));
    const reading = readUsage(port(get), ref, 'j1', { budgetMs: 3000 });
    await clock.tickAsync(3000);
    assert.deepEqual(await reading, { reason: 'no answer within 3000 ms' });
    assert.equal(get.callCount, 1);
  });

  it('says why there is no usage when Dataflow has no figures yet, or the port reads none', async () => {
    const get = sinon.stub().resolves({ metricTime: '2026-11-30T10:00:00Z' });
    assert.deepEqual(await readUsage(port(get), ref, 'j1'), {
      reason: 'Dataflow reported no resource metrics for the job (yet)',
    });
    assert.deepEqual(await readUsage(port(), ref, 'j1'), {
      reason: 'the Dataflow port reads no metrics',
    });
  });
});
