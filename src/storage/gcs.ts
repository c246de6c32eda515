import type { Readable } from 'node:stream';
import { Storage } from '@google-cloud/storage';
import { NETWORK_ERROR_CODES } from '../dataflow/classify.js';
import { StoragePermanentError, StorageTransientError } from '../errors.js';
import type { ListQuery, ObjectPage, StoragePort, StoredObject } from './port.js';

/** Longest one Cloud Storage call may take. */
export const STORAGE_CALL_MS = 30_000;

type Fields = Record<string, unknown>;
const fields = (value: unknown): Fields | undefined =>
  typeof value === 'object' && value !== null ? (value as Fields) : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

const digits = (value: unknown): string => (typeof value === 'number' ? String(value) : '');

/**
 * A failure of the client as dfchain's typed errors: 404 no such bucket or object, 401/403
 * denied, another 4xx (408 and 429 aside) refused; 408, 429, 5xx and faults on the way
 * (connection reset, timeout: no HTTP status) may pass.
 */
export function storageError(error: unknown, what: string): Error {
  if (error instanceof StoragePermanentError || error instanceof StorageTransientError)
    return error;
  const e = fields(error);
  const status = typeof e?.['code'] === 'number' ? e['code'] : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const detail = `${what}: ${message}`;
  if (status === 404) return new StoragePermanentError(detail, 'notFound', { cause: error });
  if (status === 401 || status === 403)
    return new StoragePermanentError(detail, 'denied', { cause: error });
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new StoragePermanentError(detail, 'other', { cause: error });
  const network =
    status === undefined &&
    (NETWORK_ERROR_CODES as readonly unknown[]).some((c) => c === e?.['code'] || c === e?.['name']);
  return new StorageTransientError(
    `${detail}${status === undefined && !network ? ' (no HTTP status: taken as transient)' : ''}`,
    { cause: error },
  );
}

/** An object resource of objects.list as a StoredObject (int64 fields stay JSON strings). */
function storedObject(resource: unknown, bucket: string): StoredObject | undefined {
  const r = fields(resource);
  const name = text(r?.['name']);
  if (name === undefined) return undefined;
  const contentType = text(r?.['contentType']);
  const updated = text(r?.['updated']);
  return {
    bucket: text(r?.['bucket']) ?? bucket,
    name,
    // The JSON API writes int64 as strings; a number from some other server is kept as digits.
    generation: text(r?.['generation']) ?? digits(r?.['generation']),
    size: text(r?.['size']) ?? digits(r?.['size']),
    ...(contentType !== undefined ? { contentType } : {}),
    ...(updated !== undefined ? { updated } : {}),
  };
}

async function collect(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      stream.destroy();
      throw new StoragePermanentError(`${what} is larger than ${maxBytes} bytes`, 'tooLarge');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The StoragePort over @google-cloud/storage. Its own retries are off: the caller retries
 * what is transient (src/handler/read-items.ts), one policy in one place. The client honours
 * STORAGE_EMULATOR_HOST (its storage.js: the variable, verbatim, becomes the JSON API's base
 * URL in place of https://storage.googleapis.com/storage/v1, and no credentials are sent to a
 * custom endpoint): the local stack's stand-in (src/local/storage-stand-in.ts) is reached so.
 */
export function createStoragePort(options: { projectId?: string } = {}): StoragePort {
  const storage = new Storage({
    ...(options.projectId !== undefined ? { projectId: options.projectId } : {}),
    retryOptions: { autoRetry: false },
    timeout: STORAGE_CALL_MS,
  });
  return {
    async listObjects(query: ListQuery): Promise<ObjectPage> {
      const what = `objects.list gs://${query.bucket}/${query.prefix ?? ''}`;
      try {
        const [, , response] = await storage.bucket(query.bucket).getFiles({
          autoPaginate: false,
          maxResults: query.maxResults,
          ...(query.prefix !== undefined ? { prefix: query.prefix } : {}),
          ...(query.matchGlob !== undefined ? { matchGlob: query.matchGlob } : {}),
          ...(query.pageToken !== undefined ? { pageToken: query.pageToken } : {}),
        });
        const body = fields(response);
        const items = Array.isArray(body?.['items']) ? (body['items'] as unknown[]) : [];
        const next = text(body?.['nextPageToken']);
        return {
          objects: items.flatMap((item) => storedObject(item, query.bucket) ?? []),
          ...(next ? { nextPageToken: next } : {}),
        };
      } catch (error) {
        throw storageError(error, what);
      }
    },
    async readObject(bucket: string, name: string, maxBytes: number): Promise<Buffer> {
      const what = `gs://${bucket}/${name}`;
      try {
        return await collect(storage.bucket(bucket).file(name).createReadStream(), maxBytes, what);
      } catch (error) {
        throw storageError(error, what);
      }
    },
  };
}
