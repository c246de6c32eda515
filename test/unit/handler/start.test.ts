import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { Chain } from '../../../src/chain/types.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { derivedRunId } from '../../../src/handler/start.js';
import { threeSteps } from '../../fixtures/chains.js';
import {
  INPUT,
  NOW,
  PROJECT,
  createKit,
  daily,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';

describe('handler: start', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  it('creates the run and launches the first step once', async () => {
    await handleEvent(kit.deps, startEvent());

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'RUNNING');
    assert.equal(run.startTime, NOW);
    assert.deepEqual(run.input, INPUT);
    const ingest = stepOf(run, 'Ingest');
    assert.equal(ingest.jobName, jobNameOf('r1', 'Ingest'));
    assert.equal(ingest.status, 'LAUNCHED');
    assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
    assert.deepEqual(Object.keys(run.steps), [ingest.jobName]);

    sinon.assert.calledOnce(kit.dataflow.launch);
    const [ref, request] = kit.dataflow.launch.firstCall.args;
    assert.deepEqual(ref, { projectId: PROJECT, location: 'europe-west4' });
    assert.equal(request.launchParameter.jobName, ingest.jobName);
    assert.deepEqual(kit.dataflow.job(ingest.jobName).labels, {
      team: 'sales',
      'dfchain-run': 'r1',
      'dfchain-chain': 'daily',
      'dfchain-state': 'ingest',
    });
    sinon.assert.notCalled(kit.dataflow.listByName);

    assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'job.launched']);
    assert.equal(
      kit.logger.named('job.launched')[0]?.message,
      `run r1 state Ingest: launched ${ingest.jobName} (2026-11-22_02_00_00-1001)`,
    );
  });

  it('treats the same start again as a duplicate: no second launch', async () => {
    await handleEvent(kit.deps, startEvent({}, 'm-1'));
    const before = await storedRun(kit.store, 'r1');
    kit.logger.clear();

    await handleEvent(kit.deps, startEvent({}, 'm-2'));

    sinon.assert.calledOnce(kit.dataflow.launch);
    sinon.assert.notCalled(kit.dataflow.listByName);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'INFO',
        event: 'message.duplicate',
        message: 'start: run r1 already exists with the same input (RUNNING); nothing to do',
        runId: 'r1',
        chain: 'daily',
      },
    ]);
  });

  it('acknowledges and rejects the same run id with another input', async () => {
    await handleEvent(kit.deps, startEvent({}, 'm-1'));
    const before = await storedRun(kit.store, 'r1');
    kit.logger.clear();

    await handleEvent(kit.deps, startEvent({ input: { date: '2026-11-22' } }, 'm-2'));

    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'ERROR',
        event: 'message.rejected',
        message:
          'run "r1" already exists with a different input: start it under a new runId, or resend the original input (message m-2 acknowledged; it will not be retried)',
        code: 'RUN_CONFLICT',
      },
    ]);
  });

  it('acknowledges and rejects an unknown chain, naming the deployed ones', async () => {
    await handleEvent(kit.deps, startEvent({ chain: 'weekly' }, 'm-1'));

    assert.deepEqual(await kit.store.listRunning(), []);
    assert.equal(kit.dataflow.callCount, 0);
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'ERROR',
        event: 'message.rejected',
        message:
          'start: unknown chain "weekly" (deployed chains: daily); add weekly.json to the chains folder and redeploy, or fix the name (message m-1 acknowledged; it will not be retried)',
        code: 'POISON_MESSAGE',
      },
    ]);
  });

  const weekly: Chain = { name: 'weekly', file: 'weekly.json', definition: threeSteps };

  for (const [chains, deployed] of [
    [[daily, weekly], 'daily, weekly'],
    [[], 'none'],
  ] as const) {
    it(`names the deployed chains of an unknown chain's start as "${deployed}"`, async () => {
      kit = createKit({ chains: new ChainCatalog([...chains]) });

      await handleEvent(kit.deps, startEvent({ chain: 'monthly' }, 'm-1'));

      assert.equal(
        kit.logger.named('message.rejected')[0]?.message,
        `start: unknown chain "monthly" (deployed chains: ${deployed}); add monthly.json to the chains folder and redeploy, or fix the name (message m-1 acknowledged; it will not be retried)`,
      );
    });
  }

  it('acknowledges and rejects the same run id with the same input for another chain', async () => {
    kit = createKit({ chains: new ChainCatalog([daily, weekly]) });
    await handleEvent(kit.deps, startEvent({}, 'm-1'));
    kit.logger.clear();

    await handleEvent(kit.deps, startEvent({ chain: 'weekly' }, 'm-2'));

    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(kit.logger.events(), ['message.rejected']);
    assert.equal(kit.logger.named('message.rejected')[0]?.['code'], 'RUN_CONFLICT');
  });

  it("launches the steps of a run as the deployment's worker service account", async () => {
    kit = createKit({ workerServiceAccount: 'workers@my-proj.iam.gserviceaccount.com' });

    await handleEvent(kit.deps, startEvent());

    const [, request] = kit.dataflow.launch.firstCall.args;
    assert.equal(
      request.launchParameter.environment?.['serviceAccountEmail'],
      'workers@my-proj.iam.gserviceaccount.com',
    );
    assert.equal(
      (await storedRun(kit.store, 'r1')).workerServiceAccount,
      'workers@my-proj.iam.gserviceaccount.com',
    );
  });

  it('derives the run id from the message id, so a redelivery starts no second run', async () => {
    const event = startEvent({ runId: undefined }, 'Msg.42/X');
    const runId = derivedRunId('daily', 'Msg.42/X');
    assert.equal(runId, 'daily-24abe4ae89f83204');

    await handleEvent(kit.deps, event);
    await handleEvent(kit.deps, event);

    const runs = await kit.store.listRunning();
    assert.deepEqual(
      runs.map((run) => run.id),
      [runId],
    );
    assert.equal(stepOf(runs[0]!, 'Ingest').jobName, jobNameOf(runId, 'Ingest'));
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(kit.logger.events(), [
      'run.started',
      'step.intended',
      'job.launched',
      'message.duplicate',
    ]);
  });

  describe('derivedRunId', () => {
    // The first 16 hex digits of the SHA-256 of the message id, after the chain name.
    const cases: [chain: string, messageId: string, expected: string][] = [
      ['daily', '1234567890', 'daily-c775e7b757ede630'],
      ['daily', 'ABC_def-9', 'daily-ab052b1f24098a57'],
    ];
    for (const [chain, messageId, expected] of cases) {
      it(`${chain} + ${messageId} → ${expected}`, () => {
        assert.equal(derivedRunId(chain, messageId), expected);
      });
    }

    it('derived run ids of a long chain name still differ by message id (they used to collide)', () => {
      const chain = 'c'.repeat(63);
      const ids = ['1', '2', '3'].map((messageId) => derivedRunId(chain, messageId));
      assert.equal(new Set(ids).size, 3);
      for (const id of ids) {
        assert.equal(id.length, 63);
        assert.match(id, /^c{46}-[0-9a-f]{16}$/);
      }
    });
  });
});
