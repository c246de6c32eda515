import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { Chain } from '../../../src/chain/types.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { threeSteps } from '../../fixtures/chains.js';
import { createKit, daily, pubsubEvent, storedRun, type Kit } from './kit.js';

const nightly: Chain = {
  name: 'nightly',
  file: 'nightly.json',
  definition: {
    ...threeSteps,
    Schedule: { Cron: '0 5 * * *', TimeZone: 'Europe/Paris', Input: { date: 'cron' } },
  },
};

/** Cloud Scheduler's fixed message for `chain`, published at `publishTime`, as message `id`. */
function trigger(publishTime: string, id: string, chain = 'nightly'): IncomingEvent {
  const data = Buffer.from(JSON.stringify({ dfchain: 'start', chain, scheduled: true })).toString(
    'base64',
  );
  return {
    id,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    data: { message: { data, messageId: id, publishTime } },
  };
}

describe('handler: scheduled starts', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit({ chains: new ChainCatalog([daily, nightly]) });
  });

  afterEach(() => sinon.restore());

  it("starts the run of the last tick at or before the publish time, with the Schedule's Input", async () => {
    // 05:00 in Paris on 5 January is 04:00 UTC; published 1.2 s late.
    await handleEvent(kit.deps, trigger('2026-01-05T04:00:01.200Z', 'm-1'));

    const run = await storedRun(kit.store, 'nightly-20260105t0400z');
    assert.equal(run.status, 'RUNNING');
    assert.equal(run.scheduledTime, '2026-01-05T04:00:00.000Z');
    assert.deepEqual(run.input, { date: 'cron' });
    sinon.assert.calledOnce(kit.dataflow.launch);
  });

  it('starts one run for a duplicate or late trigger of the same tick', async () => {
    await handleEvent(kit.deps, trigger('2026-01-05T04:00:01Z', 'm-1'));
    await handleEvent(kit.deps, trigger('2026-01-05T04:00:01Z', 'm-2'));
    await handleEvent(kit.deps, trigger('2026-01-05T11:30:00Z', 'm-3'));

    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(
      kit.logger.named('message.duplicate').map((line) => line.message),
      [1, 2].map(
        () =>
          'start: run nightly-20260105t0400z already exists for the tick 2026-01-05T04:00:00.000Z (RUNNING); nothing to do',
      ),
    );
  });

  it('treats a backfilled run of the tick with another input as that tick run, not a conflict', async () => {
    await handleEvent(
      kit.deps,
      pubsubEvent(
        {
          dfchain: 'start',
          chain: 'nightly',
          input: { date: '2026-01-05' },
          scheduledTime: '2026-01-05T04:00:00Z',
        },
        'm-backfill',
      ),
    );
    const backfilled = await storedRun(kit.store, 'nightly-20260105t0400z');
    assert.deepEqual(backfilled.input, { date: '2026-01-05' });
    assert.equal(backfilled.scheduledTime, '2026-01-05T04:00:00.000Z');

    await handleEvent(kit.deps, trigger('2026-01-05T04:00:02Z', 'm-cron'));

    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.deepEqual(kit.logger.named('message.rejected'), []);
    assert.equal(kit.logger.named('message.duplicate').length, 1);
  });

  it('acknowledges a scheduled trigger of a chain without Schedule, saying why', async () => {
    await handleEvent(kit.deps, trigger('2026-01-05T04:00:01Z', 'm-1', 'daily'));

    assert.equal(kit.dataflow.callCount, 0);
    assert.deepEqual(kit.logger.lines, [
      {
        severity: 'ERROR',
        event: 'message.rejected',
        message:
          'start: chain "daily" has no Schedule, so the scheduled trigger published at 2026-01-05T04:00:01.000Z stands for no tick; add a Schedule to daily.json and redeploy, or delete the Cloud Scheduler job that publishes {"dfchain":"start","chain":"daily","scheduled":true} (message m-1 acknowledged; it will not be retried)',
        code: 'POISON_MESSAGE',
      },
    ]);
  });

  it('exposes the tick as $$.Execution.ScheduledTime', async () => {
    const chain: Chain = {
      name: 'stamped',
      file: 'stamped.json',
      definition: {
        StartAt: 'Ingest',
        Schedule: { Cron: '*/15 * * * *' },
        Defaults: { Region: 'europe-west4', Environment: { tempLocation: 'gs://b/tmp' } },
        States: {
          Ingest: {
            Type: 'Task',
            Resource: 'dataflow:flexTemplate',
            Parameters: {
              jobName: 'ingest',
              containerSpecGcsPath: 'gs://b/t.json',
              parameters: { 'at.$': '$$.Execution.ScheduledTime' },
            },
            End: true,
          },
        },
      },
    };
    kit = createKit({ chains: new ChainCatalog([chain]) });
    await handleEvent(kit.deps, trigger('2026-01-05T04:31:10Z', 'm-1', 'stamped'));

    const [, request] = kit.dataflow.launch.firstCall.args;
    assert.deepEqual(request.launchParameter.parameters, { at: '2026-01-05T04:30:00.000Z' });
    assert.ok(await kit.store.get('stamped-20260105t0430z'));
  });
});
