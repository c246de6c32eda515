import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import { jobNameFor } from '../../../src/chain/job-name.js';
import type { Chain, ChainDefinition } from '../../../src/chain/types.js';
import { isClassicLaunch } from '../../../src/dataflow/job.js';
import {
  DataflowPermanentError,
  type DataflowErrorDetails,
  DataflowQuotaError,
  JobAlreadyExistsError,
} from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  KIT_NONCE,
  PROJECT,
  createKit,
  jobEndedEvent,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';

/** A classic template Task, then a Flex one; Defaults hold a Flex-only field. */
const mixed: ChainDefinition = {
  StartAt: 'Export',
  Defaults: {
    Region: 'europe-west4',
    Environment: { tempLocation: 'gs://b/tmp', flexrsGoal: 'FLEXRS_COST_OPTIMIZED' },
  },
  States: {
    Export: {
      Type: 'Task',
      Resource: 'dataflow:template',
      Parameters: {
        jobName: 'export',
        gcsPath: 'gs://b/templates/export',
        parameters: { 'day.$': '$$.Execution.Input.date', shards: 3 },
        environment: { maxWorkers: 4, additionalUserLabels: { team: 'sales' } },
      },
      Next: 'Ingest',
    },
    Ingest: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/templates/ingest.json' },
      End: true,
    },
  },
};
const nightly: Chain = { name: 'nightly', file: 'nightly.json', definition: mixed };
const EUROPE = { projectId: PROJECT, location: 'europe-west4' };
const EXPORT = jobNameFor('export', {
  chain: 'nightly',
  runId: 'r1',
  state: 'Export',
  attempt: 0,
  nonce: KIT_NONCE,
});
const LABELS = { 'dfchain-run': 'r1', 'dfchain-chain': 'nightly', 'dfchain-state': 'export' };
const start = (kit: Kit) => handleEvent(kit.deps, startEvent({ chain: 'nightly', runId: 'r1' }));
const launchError = <T>(
  type: new (m: string, d: DataflowErrorDetails) => T,
  code: number,
  status: string,
) =>
  new type(`Dataflow templates.launch failed: HTTP ${code} ${status}`, {
    operation: 'templates.launch',
    httpStatus: code,
    status,
  });

describe('handler: a dataflow:template Task (classic template)', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit({ chains: new ChainCatalog([nightly]) });
  });

  afterEach(() => sinon.restore());

  it('launches through templates.launch with gcsPath, the dfchain labels, and no Flex-only default', async () => {
    await start(kit);

    sinon.assert.notCalled(kit.dataflow.launch);
    sinon.assert.calledOnce(kit.dataflow.launchClassic);
    const [ref, request] = kit.dataflow.launchClassic.firstCall.args;
    assert.deepEqual(ref, EUROPE);
    assert.deepEqual(request, {
      kind: 'classic',
      gcsPath: 'gs://b/templates/export',
      launchParameter: {
        jobName: EXPORT,
        parameters: { day: '2026-11-21', shards: '3' },
        environment: {
          tempLocation: 'gs://b/tmp',
          maxWorkers: 4,
          additionalUserLabels: { team: 'sales', ...LABELS },
        },
      },
    });
    const step = stepOf(await storedRun(kit.store, 'r1'), 'Export');
    assert.equal(step.status, 'LAUNCHED');
    assert.deepEqual(step.request, request, 'the step keeps the classic request to relaunch');
    assert.deepEqual(kit.dataflow.job(EXPORT).labels, { team: 'sales', ...LABELS });
  });

  it("goes on to the Flex Task once the classic job's end is confirmed, launching it once", async () => {
    await start(kit);
    const job = kit.dataflow.setState(EXPORT, 'JOB_STATE_DONE');
    await handleEvent(kit.deps, jobEndedEvent(job, 'm-end-1'));
    await handleEvent(kit.deps, jobEndedEvent(job, 'm-end-2'));

    const run = await storedRun(kit.store, 'r1');
    assert.equal(stepOf(run, 'Export').status, 'SUCCEEDED');
    sinon.assert.calledOnce(kit.dataflow.launch);
    const flex = kit.dataflow.launch.firstCall.args[1];
    assert.equal(isClassicLaunch(flex), false);
    assert.equal(flex.launchParameter.environment?.['flexrsGoal'], 'FLEXRS_COST_OPTIMIZED');
    sinon.assert.calledOnce(kit.dataflow.launchClassic);
  });

  it('a 409 ALREADY_EXISTS adopts the job of that name (its labels prove it is the step’s)', async () => {
    const existing = kit.dataflow.add({ name: EXPORT, labels: LABELS, ...EUROPE });
    await start(kit);

    sinon.assert.calledOnce(kit.dataflow.launchClassic);
    assert.ok(
      (await kit.dataflow.launchClassic.firstCall.returnValue.catch((e: unknown) => e)) instanceof
        JobAlreadyExistsError,
    );
    sinon.assert.calledWith(kit.dataflow.listByName, EUROPE, EXPORT);
    const step = stepOf(await storedRun(kit.store, 'r1'), 'Export');
    assert.deepEqual([step.status, step.jobId], ['LAUNCHED', existing.id]);
    assert.equal(kit.dataflow.jobs.length, 1);
  });

  it('a 429 RESOURCE_EXHAUSTED waits for quota instead of failing', async () => {
    kit = createKit({ chains: new ChainCatalog([nightly]), quotaRetryMs: 10_000 });
    kit.dataflow.launchClassic
      .onCall(0)
      .rejects(launchError(DataflowQuotaError, 429, 'RESOURCE_EXHAUSTED'));
    await start(kit);

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'RUNNING');
    const step = stepOf(run, 'Export');
    assert.deepEqual([step.status, step.quotaWait?.waits], ['INTENDED', 1]);
    assert.equal(kit.logger.named('launch.quota_wait').length, 1);
  });

  it('a 400 refusal fails the Task with Dataflow.LaunchFailed', async () => {
    kit.dataflow.launchClassic.rejects(
      launchError(DataflowPermanentError, 400, 'INVALID_ARGUMENT'),
    );
    await start(kit);

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error?.Error, 'Dataflow.LaunchFailed');
    assert.match(run.error?.Cause ?? '', /templates\.launch failed: HTTP 400 INVALID_ARGUMENT/);
    sinon.assert.calledOnce(kit.dataflow.launchClassic);
  });
});
