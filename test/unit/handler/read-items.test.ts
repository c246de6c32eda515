import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { pendingReads } from '../../../src/engine/items-read.js';
import { StorageTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { invocation } from '../../../src/handler/invocation.js';
import { readMapItems } from '../../../src/handler/read-items.js';
import {
  LEASE_MS,
  createKit,
  pubsubEvent,
  startEvent,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';

/** "files": a Map over the CSV files under $.prefix, 2 at a time, one job per file. */
const FILES: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemReader: {
        Resource: 'gcs:listObjects',
        Parameters: { bucket: 'drops', 'prefix.$': '$.prefix', matchGlob: '**.csv' },
      },
      ItemSelector: { 'file.$': '$$.Map.Item.Value.name' },
      MaxConcurrency: 2,
      ItemProcessor: {
        StartAt: 'Load',
        States: {
          Load: {
            Type: 'Task',
            Resource: 'dataflow:flexTemplate',
            Region: 'europe-west4',
            Parameters: {
              jobName: 'load',
              containerSpecGcsPath: 'gs://b/load.json',
              parameters: { 'input.$': "States.Format('gs://drops/{}', $.file)" },
            },
            End: true,
          },
        },
      },
      Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], ResultPath: '$.error', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Pass', End: true },
  },
};

/** "manifest": the same over the rows of a CSV manifest. */
const MANIFEST: ChainDefinition = {
  ...FILES,
  States: {
    ...FILES.States,
    Each: {
      ...(FILES.States['Each'] as object),
      ItemReader: {
        Resource: 'gcs:getObject',
        ReaderConfig: { InputType: 'CSV' },
        Parameters: { bucket: 'drops', 'object.$': '$.manifest' },
      },
      ItemSelector: { 'file.$': '$$.Map.Item.Value.file' },
    } as never,
  },
};

/** "strict": the manifest Map without its Catch: a failed read fails the run. */
const { Catch: _catch, ...strictEach } = MANIFEST.States['Each'] as { Catch: unknown };
const STRICT: ChainDefinition = {
  ...MANIFEST,
  States: { Each: strictEach as never },
};

function kitWithFiles(): Kit {
  const kit = createKit({
    chains: new ChainCatalog([
      { name: 'files', file: 'files.json', definition: FILES },
      { name: 'manifest', file: 'manifest.json', definition: MANIFEST },
      { name: 'strict', file: 'strict.json', definition: STRICT },
    ]),
  });
  for (const name of ['in/a.csv', 'in/b.csv', 'in/sub/c.csv', 'in/readme.txt', 'out/x.csv'])
    kit.storage.objects.set(`drops/${name}`, 'x');
  return kit;
}

const launchedInputs = (kit: Kit): unknown[] =>
  kit.dataflow.launch.getCalls().map((call) => {
    const request = call.args[1] as { launchParameter: { parameters?: Record<string, unknown> } };
    return request.launchParameter.parameters?.['input'];
  });

describe('handler/read-items', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
    sinon.restore();
  });

  it('a started Map reads the objects under its prefix, then launches MaxConcurrency of them', async () => {
    const kit = kitWithFiles();
    await handleEvent(kit.deps, startEvent({ chain: 'files', input: { prefix: 'in/' } }));
    assert.deepEqual(launchedInputs(kit), ['gs://drops/in/a.csv', 'gs://drops/in/b.csv']);
    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.frames?.['']?.wait, 'children');
    assert.equal(run.frames?.['']?.children?.total, 3);
    const [read] = kit.logger.named('items.read');
    assert.equal(read?.['items'], 3);
    assert.equal(read?.['resource'], 'gcs:listObjects');
  });

  it('a CSV manifest gives one item per row; a missing manifest is States.ItemReaderFailed, caught', async () => {
    const kit = kitWithFiles();
    kit.storage.objects.set('drops/m/list.csv', 'file,rows\nin/a.csv,1\n"in/b,2.csv",2\n');
    await handleEvent(
      kit.deps,
      startEvent({ chain: 'manifest', input: { manifest: 'm/list.csv' } }),
    );
    assert.deepEqual(launchedInputs(kit), ['gs://drops/in/a.csv', 'gs://drops/in/b,2.csv']);

    await handleEvent(
      kit.deps,
      startEvent({ chain: 'manifest', runId: 'r2', input: { manifest: 'm/none.csv' } }, 'm-2'),
    );
    const run = await storedRun(kit.store, 'r2');
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual((run.output as { error: unknown }).error, {
      Error: 'States.ItemReaderFailed',
      Cause:
        'States.Each.ItemReader: gs://drops/m/none.csv: no such object (or no such bucket); check the bucket and object name, or write the manifest before the Map runs',
    });
  });

  it('transient faults are retried; if they last, the tick reads again once a lease has passed', async () => {
    const kit = kitWithFiles();
    const fault = new StorageTransientError('503 backend error');
    for (let call = 0; call < 4; call++) kit.storage.port.listObjects.onCall(call).rejects(fault);
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const started = handleEvent(kit.deps, startEvent({ chain: 'files', input: { prefix: 'in/' } }));
    await clock.runAllAsync();
    await started;
    sinon.assert.callCount(kit.storage.port.listObjects, 4);
    assert.equal(kit.logger.named('items.read_deferred').length, 1);
    assert.equal((await storedRun(kit.store, 'r1')).frames?.['']?.wait, 'items');
    sinon.assert.notCalled(kit.dataflow.launch);

    await handleEvent(kit.deps, tickEvent('m-tick-1'));
    sinon.assert.callCount(kit.storage.port.listObjects, 4);

    kit.clock.advance(LEASE_MS);
    await handleEvent(kit.deps, tickEvent('m-tick-2'));
    assert.deepEqual(launchedInputs(kit), ['gs://drops/in/a.csv', 'gs://drops/in/b.csv']);
    assert.equal(kit.logger.named('tick.done').at(-1)?.['itemsReread'], 1);
  });

  it('a run that failed while its Map read is redriven: the Map reads again', async () => {
    const kit = kitWithFiles();
    await handleEvent(kit.deps, startEvent({ chain: 'strict', input: { manifest: 'm.csv' } }));
    const failed = await storedRun(kit.store, 'r1');
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error?.Error, 'States.ItemReaderFailed');
    kit.storage.objects.set('drops/m.csv', 'file\nin/a.csv\n');
    await handleEvent(kit.deps, pubsubEvent({ dfchain: 'redrive', runId: 'r1' }, 'm-redrive'));
    sinon.assert.callCount(kit.storage.port.readObject, 2);
    assert.deepEqual(launchedInputs(kit), ['gs://drops/in/a.csv']);
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING');
  });

  it('a second read of the same Map changes nothing', async () => {
    const kit = kitWithFiles();
    kit.storage.port.listObjects.onCall(0).rejects(new StorageTransientError('503'));
    kit.storage.port.listObjects.onCall(1).rejects(new StorageTransientError('503'));
    kit.storage.port.listObjects.onCall(2).rejects(new StorageTransientError('503'));
    kit.storage.port.listObjects.onCall(3).rejects(new StorageTransientError('503'));
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const started = handleEvent(kit.deps, startEvent({ chain: 'files', input: { prefix: 'in/' } }));
    await clock.runAllAsync();
    await started;
    const waiting = await storedRun(kit.store, 'r1');
    const [read] = pendingReads(waiting);
    assert.ok(read !== undefined);
    await readMapItems(invocation(kit.deps), waiting, read);
    await readMapItems(invocation(kit.deps), waiting, read);
    sinon.assert.callCount(kit.dataflow.launch, 2);
    assert.equal(kit.logger.named('items.read').length, 2);
  });
});
