import { createHash } from 'node:crypto';
import type { ItemReader } from '../chain/item-reader.js';
import { compileGlob } from '../chain/gcs-glob.js';
import { bucketNameProblem } from '../chain/trigger-checks.js';
import type { Json } from '../json.js';
import { ERROR_NAMES } from './error-names.js';
import { resolveTemplate, type Evaluation } from './io.js';
import type { ItemReadRequest } from './item-read.js';
import { StateError } from './state-error.js';

/** Most items a reader may give one Map: each becomes a document of its own (a part). */
export const MAX_READER_ITEMS = 10_000;

/**
 * Most bytes (as JSON) of the items a reader may give one Map: they are kept on the Map's frame
 * in the run's document, which Firestore caps at 1 MiB (MAX_RUN_STATE_BYTES leaves 900 KiB
 * for the whole run state), so a quarter of that leaves room for everything else.
 */
export const MAX_READER_ITEM_BYTES = 256 * 1024;

/** The id of the read of entry `key`, attempt `attempt`, under the document's nonce. */
export function readId(nonce: string, key: string, attempt: number): string {
  const digest = createHash('sha256').update(`${nonce}\nitems\n${key}\n${attempt}`).digest('hex');
  return `items-${digest.slice(0, 32)}`;
}

/** `gs://bucket/prefix` or `gs://bucket/object`, for messages. */
export function describeRead(request: ItemReadRequest): string {
  if (request.resource === 'gcs:getObject') return `gs://${request.bucket}/${request.object}`;
  const glob =
    request.matchGlob === undefined ? '' : ` matching ${JSON.stringify(request.matchGlob)}`;
  return `gs://${request.bucket}/${request.prefix ?? ''}${glob}`;
}

function failed(at: Evaluation, cause: string): StateError {
  return new StateError({
    Error: ERROR_NAMES.itemReaderFailed,
    Cause: `${at.place}.ItemReader: ${cause}`,
  });
}

/**
 * The reader's request: its Parameters resolved against the Map's effective input (an
 * unresolvable path raises States.Runtime, as everywhere), each a string, the bucket a bucket
 * name and the glob a glob, else States.ItemReaderFailed naming the field.
 */
export function readRequestOf(
  reader: ItemReader,
  effective: Json,
  at: Evaluation,
): ItemReadRequest {
  const resolved = resolveTemplate(reader.Parameters, effective, at, 'ItemReader.Parameters');
  const text = (name: string, optional = false): string | undefined => {
    const value = resolved[name];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value === '')
      throw failed(
        at,
        `Parameters.${name} must be a non-empty string, got ${JSON.stringify(value)?.slice(0, 100)}`,
      );
    return value;
  };
  const bucket = text('bucket')!;
  const problem = bucketNameProblem(bucket);
  if (problem !== undefined) throw failed(at, `Parameters.bucket: ${problem}`);
  if (reader.Resource === 'gcs:getObject') {
    const inputType = reader.ReaderConfig?.InputType ?? 'JSON';
    return { resource: reader.Resource, bucket, object: text('object')!, inputType };
  }
  const prefix = resolved['prefix'] === '' ? undefined : text('prefix', true);
  const matchGlob = text('matchGlob', true);
  if (matchGlob !== undefined) {
    const compiled = compileGlob(matchGlob);
    if (!compiled.ok)
      throw failed(
        at,
        `Parameters.matchGlob ${JSON.stringify(matchGlob)} is not a Cloud Storage glob: ${compiled.error}`,
      );
  }
  return {
    resource: reader.Resource,
    bucket,
    ...(prefix !== undefined ? { prefix } : {}),
    ...(matchGlob !== undefined ? { matchGlob } : {}),
  };
}

/**
 * Why `items` read by `request` cannot be kept, or undefined: more than MAX_READER_ITEMS, or
 * more than MAX_READER_ITEM_BYTES of JSON. The message names the limit and the way out.
 */
export function itemsLimitProblem(
  request: ItemReadRequest,
  items: readonly Json[],
): string | undefined {
  const what = describeRead(request);
  const fix =
    request.resource === 'gcs:getObject'
      ? 'split the manifest into several objects, each read by its own Map, or list fewer, smaller items'
      : 'split the prefix (a Map per sub-prefix) or narrow matchGlob';
  if (items.length > MAX_READER_ITEMS)
    return `${what} gives more than ${MAX_READER_ITEMS} items, the most dfchain keeps for one Map; ${fix}`;
  const bytes = Buffer.byteLength(JSON.stringify(items));
  if (bytes > MAX_READER_ITEM_BYTES)
    return `${what} gives ${items.length} items of ${bytes} bytes as JSON, more than the ${MAX_READER_ITEM_BYTES} dfchain keeps in the run's document for one Map (Firestore documents hold 1 MiB); ${fix}`;
  return undefined;
}
