import { compileGlob } from '../chain/gcs-glob.js';
import { ERROR_NAMES } from '../engine/error-names.js';
import type { ItemReadRequest } from '../engine/item-read.js';
import { MAX_READER_ITEMS, MAX_READER_ITEM_BYTES, describeRead } from '../engine/item-request.js';
import type { ItemsOutcome } from '../engine/items-read.js';
import { StoragePermanentError } from '../errors.js';
import type { Json } from '../json.js';
import { manifestItems } from './manifest.js';
import type { StoragePort, StoredObject } from './port.js';

/** Objects per objects.list page (the API's most: maxResults is at most 1000). */
export const LIST_PAGE_SIZE = 1000;

/**
 * Most bytes of a manifest object dfchain reads: four times what a Map may keep of its items,
 * since CSV repeats its header in every item and JSON text shrinks little when parsed.
 */
export const MAX_MANIFEST_BYTES = 4 * MAX_READER_ITEM_BYTES;

/**
 * An item of `gcs:listObjects`: the object resource's fields a Dataflow job needs
 * (docs/item-reader.md), int64 values as the JSON API's strings.
 */
function itemOf(object: StoredObject): Json {
  return {
    bucket: object.bucket,
    name: object.name,
    generation: object.generation,
    size: object.size,
    ...(object.contentType !== undefined ? { contentType: object.contentType } : {}),
    ...(object.updated !== undefined ? { updated: object.updated } : {}),
  };
}

async function listed(
  port: StoragePort,
  request: Extract<ItemReadRequest, { resource: 'gcs:listObjects' }>,
): Promise<Json[]> {
  const glob = request.matchGlob === undefined ? undefined : compileGlob(request.matchGlob);
  const items: Json[] = [];
  let pageToken: string | undefined;
  // One past the limit is enough for the engine to refuse the Map with the limit named.
  do {
    const page = await port.listObjects({
      bucket: request.bucket,
      maxResults: LIST_PAGE_SIZE,
      ...(request.prefix !== undefined ? { prefix: request.prefix } : {}),
      ...(request.matchGlob !== undefined ? { matchGlob: request.matchGlob } : {}),
      ...(pageToken !== undefined ? { pageToken } : {}),
    });
    // The API applies matchGlob too; applied again here, so a Map matches exactly what a
    // Trigger with the same glob matches (src/chain/gcs-glob.ts).
    for (const object of page.objects) {
      if (glob === undefined || (glob.ok && glob.regex.test(object.name)))
        items.push(itemOf(object));
    }
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined && items.length <= MAX_READER_ITEMS);
  return items;
}

/** What a permanent refusal means for the Map, and what to do about it. */
function refusal(request: ItemReadRequest, error: StoragePermanentError): string {
  const what = describeRead(request);
  switch (error.reason) {
    case 'notFound':
      return request.resource === 'gcs:getObject'
        ? `${what}: no such object (or no such bucket); check the bucket and object name, or write the manifest before the Map runs`
        : `${what}: no such bucket; check the bucket name`;
    case 'denied':
      return `${what}: the function's service account may not read it; grant it roles/storage.objectViewer on bucket ${request.bucket} (deploy does for the buckets chain files name literally) — ${error.message}`;
    case 'tooLarge':
      return `${what} is larger than the ${MAX_MANIFEST_BYTES} bytes dfchain reads of a manifest; split it into several objects`;
    case 'other':
      return `${what}: Cloud Storage refused the read: ${error.message}`;
  }
}

/**
 * Reads the items `request` names through `port`: the objects under a prefix (each an item of
 * `{bucket, name, generation, size, contentType, updated}`), or a manifest's elements, lines
 * or rows. A permanent refusal (no such object, no permission, too large) or a manifest that
 * does not parse is the Map's States.ItemReaderFailed; a transient fault is thrown, for the
 * caller to retry.
 */
export async function readItems(
  port: StoragePort,
  request: ItemReadRequest,
): Promise<ItemsOutcome> {
  const failed = (cause: string): ItemsOutcome => ({
    error: { Error: ERROR_NAMES.itemReaderFailed, Cause: cause },
  });
  try {
    if (request.resource === 'gcs:listObjects') return { items: await listed(port, request) };
    const bytes = await port.readObject(request.bucket, request.object, MAX_MANIFEST_BYTES);
    const parsed = manifestItems(bytes, request.inputType);
    if ('items' in parsed) return parsed;
    return failed(`${describeRead(request)} (${request.inputType}) ${parsed.problem}`);
  } catch (error) {
    if (!(error instanceof StoragePermanentError)) throw error;
    return failed(refusal(request, error));
  }
}
