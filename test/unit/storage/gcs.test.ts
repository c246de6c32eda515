import { strict as assert } from 'node:assert';
import { StoragePermanentError, StorageTransientError } from '../../../src/errors.js';
import { startStorageStandIn, type StorageStandIn } from '../../../src/local/storage-stand-in.js';
import { createStoragePort, storageError } from '../../../src/storage/gcs.js';
import type { StoragePort } from '../../../src/storage/port.js';

// The real @google-cloud/storage client, pointed at the local stand-in by STORAGE_EMULATOR_HOST.
describe('storage/gcs (the real client against the local stand-in)', () => {
  let stand: StorageStandIn;
  let port: StoragePort;
  const saved = process.env['STORAGE_EMULATOR_HOST'];

  before(async () => {
    stand = await startStorageStandIn();
    process.env['STORAGE_EMULATOR_HOST'] = stand.host;
    port = createStoragePort({ projectId: 'p' });
    for (const name of ['in/b.csv', 'in/a.csv', 'in/sub/c.csv', 'in/notes.txt', 'other/d.csv'])
      stand.put('drops', name, `data of ${name}`, 'text/csv');
  });

  after(async () => {
    if (saved === undefined) delete process.env['STORAGE_EMULATOR_HOST'];
    else process.env['STORAGE_EMULATOR_HOST'] = saved;
    await stand.stop();
  });

  it('lists a prefix page by page, in name order, size and generation as strings', async () => {
    const first = await port.listObjects({ bucket: 'drops', prefix: 'in/', maxResults: 2 });
    assert.deepEqual(
      first.objects.map((o) => o.name),
      ['in/a.csv', 'in/b.csv'],
    );
    const object = first.objects[0]!;
    assert.equal(object.bucket, 'drops');
    assert.equal(object.size, String('data of in/a.csv'.length));
    assert.match(object.generation, /^\d+$/);
    assert.equal(object.contentType, 'text/csv');
    assert.ok(object.updated !== undefined && !Number.isNaN(Date.parse(object.updated)));
    assert.ok(first.nextPageToken !== undefined);
    const second = await port.listObjects({
      bucket: 'drops',
      prefix: 'in/',
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    assert.deepEqual(
      second.objects.map((o) => o.name),
      ['in/notes.txt', 'in/sub/c.csv'],
    );
    assert.equal(second.nextPageToken, undefined);
  });

  it('passes matchGlob', async () => {
    const page = await port.listObjects({ bucket: 'drops', matchGlob: 'in/*.csv', maxResults: 10 });
    assert.deepEqual(
      page.objects.map((o) => o.name),
      ['in/a.csv', 'in/b.csv'],
    );
  });

  it('reads an object, and refuses one larger than asked', async () => {
    assert.equal((await port.readObject('drops', 'in/a.csv', 1000)).toString(), 'data of in/a.csv');
    await assert.rejects(
      port.readObject('drops', 'in/a.csv', 5),
      (e: unknown) => e instanceof StoragePermanentError && e.reason === 'tooLarge',
    );
  });

  it('a missing object or bucket is notFound; 403 is denied; 503 is transient', async () => {
    const reason = (e: unknown) => (e instanceof StoragePermanentError ? e.reason : e);
    await assert.rejects(
      port.readObject('drops', 'nope.json', 10),
      (e) => reason(e) === 'notFound',
    );
    await assert.rejects(
      port.listObjects({ bucket: 'ghost', maxResults: 1 }),
      (e) => reason(e) === 'notFound',
    );
    stand.failNext(1, 403);
    await assert.rejects(port.readObject('drops', 'in/a.csv', 100), (e) => reason(e) === 'denied');
    stand.failNext(1, 503);
    await assert.rejects(
      port.listObjects({ bucket: 'drops', maxResults: 1 }),
      (e) => e instanceof StorageTransientError,
    );
  });

  it('storageError: 4xx other than 408/429 is permanent; network faults and 429 are transient', () => {
    const coded = (code: unknown) => Object.assign(new Error('x'), { code });
    assert.equal((storageError(coded(400), 'w') as StoragePermanentError).reason, 'other');
    assert.ok(storageError(coded(429), 'w') instanceof StorageTransientError);
    assert.ok(storageError(coded(408), 'w') instanceof StorageTransientError);
    assert.ok(storageError(coded('ECONNRESET'), 'w') instanceof StorageTransientError);
    assert.equal(storageError(coded(500), 'gs://b/o').message, 'gs://b/o: x');
  });
});
