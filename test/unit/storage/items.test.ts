import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { MAX_READER_ITEMS } from '../../../src/engine/item-request.js';
import { StoragePermanentError, StorageTransientError } from '../../../src/errors.js';
import { LIST_PAGE_SIZE, MAX_MANIFEST_BYTES, readItems } from '../../../src/storage/items.js';
import type { ObjectPage, StoragePort, StoredObject } from '../../../src/storage/port.js';

const object = (name: string): StoredObject => ({
  bucket: 'drops',
  name,
  generation: '17',
  size: '3',
  contentType: 'text/csv',
  updated: '2026-11-21T05:00:00.000Z',
});

function fakePort(pages: ObjectPage[] = [], bytes = Buffer.from('')) {
  return {
    listObjects: sinon
      .stub<Parameters<StoragePort['listObjects']>, Promise<ObjectPage>>()
      .callsFake((q) => Promise.resolve(pages[Number(q.pageToken ?? 0)]!)),
    readObject: sinon
      .stub<Parameters<StoragePort['readObject']>, Promise<Buffer>>()
      .resolves(bytes),
  };
}

describe('storage/items', () => {
  it('gcs:listObjects: every page, the glob applied again, each object a small item', async () => {
    const port = fakePort([
      { objects: [object('in/a.csv'), object('in/x.txt')], nextPageToken: '1' },
      { objects: [object('in/sub/b.csv')] },
    ]);
    const outcome = await readItems(port, {
      resource: 'gcs:listObjects',
      bucket: 'drops',
      prefix: 'in/',
      matchGlob: 'in/**.csv',
    });
    assert.deepEqual(outcome, {
      items: [
        {
          bucket: 'drops',
          name: 'in/a.csv',
          generation: '17',
          size: '3',
          contentType: 'text/csv',
          updated: '2026-11-21T05:00:00.000Z',
        },
        {
          bucket: 'drops',
          name: 'in/sub/b.csv',
          generation: '17',
          size: '3',
          contentType: 'text/csv',
          updated: '2026-11-21T05:00:00.000Z',
        },
      ],
    });
    assert.deepEqual(port.listObjects.firstCall.args[0], {
      bucket: 'drops',
      prefix: 'in/',
      matchGlob: 'in/**.csv',
      maxResults: LIST_PAGE_SIZE,
    });
    assert.equal(port.listObjects.secondCall.args[0].pageToken, '1');
  });

  it('stops listing once past the item limit (the engine refuses the Map with it named)', async () => {
    const full = { objects: Array.from({ length: LIST_PAGE_SIZE }, (_, i) => object(`o${i}`)) };
    const pages = Array.from({ length: 20 }, (_, i) => ({ ...full, nextPageToken: String(i + 1) }));
    const port = fakePort(pages);
    const outcome = await readItems(port, { resource: 'gcs:listObjects', bucket: 'drops' });
    assert.ok('items' in outcome && outcome.items.length > MAX_READER_ITEMS);
    assert.equal(port.listObjects.callCount, MAX_READER_ITEMS / LIST_PAGE_SIZE + 1);
  });

  it('gcs:getObject: reads at most MAX_MANIFEST_BYTES and parses the manifest', async () => {
    const port = fakePort([], Buffer.from('file\nin/a.csv\n'));
    const outcome = await readItems(port, {
      resource: 'gcs:getObject',
      bucket: 'drops',
      object: 'm.csv',
      inputType: 'CSV',
    });
    assert.deepEqual(outcome, { items: [{ file: 'in/a.csv' }] });
    assert.deepEqual(port.readObject.firstCall.args, ['drops', 'm.csv', MAX_MANIFEST_BYTES]);
  });

  it('a manifest that does not parse, or a permanent refusal, is States.ItemReaderFailed with what to do', async () => {
    const request = {
      resource: 'gcs:getObject',
      bucket: 'drops',
      object: 'm.json',
      inputType: 'JSON',
    } as const;
    assert.deepEqual(await readItems(fakePort([], Buffer.from('{}')), request), {
      error: {
        Error: 'States.ItemReaderFailed',
        Cause: 'gs://drops/m.json (JSON) holds an object, not a JSON array of items',
      },
    });
    const missing = fakePort();
    missing.readObject.rejects(new StoragePermanentError('gone', 'notFound'));
    assert.deepEqual(await readItems(missing, request), {
      error: {
        Error: 'States.ItemReaderFailed',
        Cause:
          'gs://drops/m.json: no such object (or no such bucket); check the bucket and object name, or write the manifest before the Map runs',
      },
    });
    const denied = fakePort();
    denied.listObjects.rejects(new StoragePermanentError('403 no', 'denied'));
    assert.deepEqual(
      await readItems(denied, { resource: 'gcs:listObjects', bucket: 'drops', prefix: 'in/' }),
      {
        error: {
          Error: 'States.ItemReaderFailed',
          Cause:
            "gs://drops/in/: the function's service account may not read it; grant it roles/storage.objectViewer on bucket drops (deploy does for the buckets chain files name literally) — 403 no",
        },
      },
    );
  });

  it('a transient fault is thrown, for the caller to retry', async () => {
    const port = fakePort();
    port.readObject.rejects(new StorageTransientError('503'));
    await assert.rejects(
      readItems(port, {
        resource: 'gcs:getObject',
        bucket: 'drops',
        object: 'm',
        inputType: 'JSONL',
      }),
      StorageTransientError,
    );
  });
});
