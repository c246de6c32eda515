import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { Chain } from '../../../src/chain/types.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import { triggerRunId } from '../../../src/events/trigger-run-id.js';
import { StoreTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import {
  expectedInput,
  gcsNotification,
  type NotificationOptions,
} from '../../fixtures/gcs-notification.js';
import { createKit, daily, storedRun, type Kit } from './kit.js';

/** One Flex Template launch that reads the object from the run input. */
const onFile: Chain['definition'] = {
  StartAt: 'Load',
  States: {
    Load: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Region: 'europe-west4',
      Parameters: {
        jobName: 'load',
        containerSpecGcsPath: 'gs://b/templates/load.json',
        parameters: { 'file.$': '$$.Execution.Input.uri' },
      },
      End: true,
    },
  },
};

const ingest: Chain = {
  name: 'ingest',
  file: 'ingest.json',
  definition: {
    ...onFile,
    Triggers: [{ Gcs: { bucket: 'partner-drops', prefix: 'in/', matchGlob: 'in/**.csv' } }],
  },
};
const audit: Chain = {
  name: 'audit',
  file: 'audit.json',
  definition: { ...onFile, Triggers: [{ Gcs: { bucket: 'partner-drops' } }] },
};

/** A notification delivered as message `id`. */
function notification(options: NotificationOptions, id: string): IncomingEvent {
  const { attributes, object } = gcsNotification(options);
  const data = Buffer.from(JSON.stringify(object)).toString('base64');
  return {
    id,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    data: { message: { data, attributes, messageId: id, publishTime: '2026-11-21T10:00:01Z' } },
  };
}

const GEN = '1763719200123456';
const NAME = 'in/2026-11-21/sales.csv';

describe('handler: file-triggered runs', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit({ chains: new ChainCatalog([daily, ingest, audit]) });
  });

  afterEach(() => sinon.restore());

  it('starts every matching chain with the object as input, under a derived run id', async () => {
    await handleEvent(kit.deps, notification({}, 'n-1'));

    for (const chain of ['ingest', 'audit']) {
      const run = await storedRun(kit.store, triggerRunId(chain, 'partner-drops', NAME, GEN));
      assert.equal(run.chain, chain);
      assert.deepEqual(run.input, expectedInput());
    }
    sinon.assert.calledTwice(kit.dataflow.launch);
    const parameters = kit.dataflow.launch.getCalls().map((call) => JSON.stringify(call.args));
    assert.match(parameters[0] ?? '', /"file":"gs:\/\/partner-drops\/in\/2026-11-21\/sales.csv"/);
  });

  it('starts nothing more for a duplicate notification (redelivered or republished)', async () => {
    await handleEvent(kit.deps, notification({}, 'n-1'));
    await handleEvent(kit.deps, notification({}, 'n-1'));
    await handleEvent(kit.deps, notification({}, 'n-2'));

    sinon.assert.calledTwice(kit.dataflow.launch);
    assert.equal(kit.logger.named('message.duplicate').length, 4);
  });

  it('starts a new run for a new generation of the same name', async () => {
    await handleEvent(kit.deps, notification({}, 'n-1'));
    await handleEvent(kit.deps, notification({ generation: '1763719299000000' }, 'n-2'));
    sinon.assert.callCount(kit.dataflow.launch, 4);
  });

  it('starts only the chains whose prefix and glob match', async () => {
    await handleEvent(kit.deps, notification({ name: 'in/2026-11-21/sales.json' }, 'n-1'));
    sinon.assert.calledOnce(kit.dataflow.launch);
    const run = await storedRun(
      kit.store,
      triggerRunId('audit', 'partner-drops', 'in/2026-11-21/sales.json', GEN),
    );
    assert.equal(run.chain, 'audit');
  });

  it('logs and acknowledges an object no chain wants, saying why', async () => {
    kit = createKit({ chains: new ChainCatalog([daily, ingest]) });
    await handleEvent(kit.deps, notification({ name: 'out/x.csv' }, 'n-1'));
    await handleEvent(kit.deps, notification({ bucket: 'elsewhere' }, 'n-2'));

    sinon.assert.notCalled(kit.dataflow.launch);
    assert.deepEqual(
      kit.logger.named('trigger.unmatched').map((line) => [line.severity, line.message]),
      [
        [
          'INFO',
          `object gs://partner-drops/out/x.csv#${GEN} starts no run: no chain's trigger matches (ingest: name does not start with "in/")`,
        ],
        [
          'INFO',
          `object gs://elsewhere/${NAME}#${GEN} starts no run: no chain has a trigger on bucket "elsewhere"`,
        ],
      ],
    );
  });

  it('logs other event types as ignored at INFO and starts nothing', async () => {
    await handleEvent(kit.deps, notification({ eventType: 'OBJECT_DELETE' }, 'n-1'));
    sinon.assert.notCalled(kit.dataflow.launch);
    const [line] = kit.logger.named('message.ignored');
    assert.equal(line?.severity, 'INFO');
    assert.match(String(line?.message), /OBJECT_DELETE .*only OBJECT_FINALIZE starts a run/);
  });

  it('a start that can never succeed is logged and does not stop the other chains', async () => {
    // A run under audit's id already exists with another input: a conflict for audit only.
    const runId = triggerRunId('audit', 'partner-drops', NAME, GEN);
    await handleEvent(kit.deps, {
      id: 'm-0',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      data: {
        message: {
          data: Buffer.from(
            JSON.stringify({ dfchain: 'start', chain: 'audit', runId, input: { other: 1 } }),
          ).toString('base64'),
          messageId: 'm-0',
        },
      },
    });
    await handleEvent(kit.deps, notification({}, 'n-1'));

    const failed = kit.logger.named('trigger.start_failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.severity, 'ERROR');
    assert.match(
      String(failed[0]?.message),
      new RegExp(`could not start run ${runId} of chain audit`),
    );
    const ingestRun = await storedRun(
      kit.store,
      triggerRunId('ingest', 'partner-drops', NAME, GEN),
    );
    assert.deepEqual(ingestRun.input, expectedInput());
  });

  it('rethrows a passing fault so the notification comes again', async () => {
    sinon
      .stub(kit.store, 'putDefinition')
      .rejects(new StoreTransientError('firestore unavailable'));
    await assert.rejects(handleEvent(kit.deps, notification({}, 'n-1')), /firestore unavailable/);
  });
});
