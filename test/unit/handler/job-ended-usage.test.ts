import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { JobMetrics } from '../../../src/cost/metrics.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import { DataflowPermanentError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  PROJECT,
  createKit,
  jobEndedEvent,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';

const INGEST = jobNameOf('r1', 'Ingest');
const METRICS: JobMetrics = {
  metricTime: '2026-11-22T10:00:00.000Z',
  metrics: [
    { name: { origin: 'dataflow/v1b3', name: 'TotalVcpuTime' }, scalar: 7200 },
    { name: { origin: 'dataflow/v1b3', name: 'TotalPdUsage' }, scalar: 90000 },
  ],
};

describe('handler: a job end records the job usage from jobs.getMetrics', () => {
  let kit: Kit;
  let getMetrics: sinon.SinonStub;

  beforeEach(async () => {
    getMetrics = sinon.stub();
    const base = createKit();
    kit = { ...base, deps: { ...base.deps, dataflow: { ...base.dataflow.port, getMetrics } } };
    await handleEvent(kit.deps, startEvent());
    kit.logger.clear();
  });

  afterEach(() => sinon.restore());

  it('stores the usage on the ended step and in the run total', async () => {
    getMetrics.resolves(METRICS);
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    sinon.assert.calledOnceWithExactly(
      getMetrics,
      { projectId: PROJECT, location: 'europe-west4' },
      ingest.id,
    );
    const run = await storedRun(kit.store, 'r1');
    const figures = { ...NO_USAGE, vcpuSeconds: 7200, pdGbSeconds: 90000 };
    assert.deepEqual(stepOf(run, 'Ingest').usage, {
      ...figures,
      metricTime: '2026-11-22T10:00:00.000Z',
    });
    assert.deepEqual(run.usage, { 'europe-west4': figures });
  });

  it('records the end without usage when the metrics cannot be read, and says why', async () => {
    getMetrics.rejects(
      new DataflowPermanentError('Dataflow jobs.getMetrics failed: HTTP 403 PERMISSION_DENIED', {
        operation: 'jobs.getMetrics',
      }),
    );
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');

    await handleEvent(kit.deps, jobEndedEvent(ingest));

    const run = await storedRun(kit.store, 'r1');
    assert.equal(stepOf(run, 'Ingest').status, 'SUCCEEDED');
    assert.equal(stepOf(run, 'Ingest').usage, undefined);
    assert.equal(stepOf(run, 'Transform').status, 'LAUNCHED');
    assert.equal(run.usage, undefined);
    assert.deepEqual(kit.logger.lines[0], {
      severity: 'INFO',
      event: 'job.usage_unknown',
      message: `job ${INGEST} (${ingest.id}): no resource usage recorded: Dataflow jobs.getMetrics failed: HTTP 403 PERMISSION_DENIED`,
      jobName: INGEST,
      jobId: ingest.id,
    });
    assert.deepEqual(kit.logger.events(), [
      'job.usage_unknown',
      'job.confirmed',
      'step.intended',
      'job.launched',
    ]);
  });

  it('a job end the tick finds (no event came) records its usage too', async () => {
    getMetrics.resolves(METRICS);
    const ingest = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');

    await handleEvent(kit.deps, tickEvent());

    sinon.assert.calledOnceWithExactly(
      getMetrics,
      { projectId: PROJECT, location: 'europe-west4' },
      ingest.id,
    );
    const run = await storedRun(kit.store, 'r1');
    assert.equal(stepOf(run, 'Ingest').usage?.vcpuSeconds, 7200);
    assert.equal(stepOf(run, 'Transform').status, 'LAUNCHED');
  });
});
