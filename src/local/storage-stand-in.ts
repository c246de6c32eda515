import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileGlob } from '../chain/gcs-glob.js';

/** An object as the stand-in keeps it. */
interface Stored {
  readonly resource: Record<string, string>;
  readonly data: Buffer;
}

/** A running Cloud Storage stand-in. */
export interface StorageStandIn {
  /** `http://127.0.0.1:PORT`: the value of STORAGE_EMULATOR_HOST for @google-cloud/storage. */
  readonly host: string;
  /** Creates a bucket (putting an object creates its bucket too). */
  createBucket(bucket: string): void;
  /** Stores an object (a new generation if it exists), as an upload would; returns its resource. */
  put(
    bucket: string,
    name: string,
    data: string | Buffer,
    contentType?: string,
  ): Record<string, string>;
  /** The next `times` calls answer HTTP `status` with Google's error body (fault injection). */
  failNext(times: number, status: number): void;
  stop(): Promise<void>;
}

const STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

function answer(res: ServerResponse, status: number, body: object): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
    .end(JSON.stringify(body));
}

function refuse(res: ServerResponse, code: number, message: string): void {
  answer(res, code, {
    error: { code, message, status: STATUS[code] ?? 'UNKNOWN', errors: [{ message }] },
  });
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A local stand-in for the part of Cloud Storage's JSON API
 * (https://cloud.google.com/storage/docs/json_api/v1) dfchain's ItemReader calls through
 * @google-cloud/storage: objects.list (`GET /b/BUCKET/o` with prefix, matchGlob, maxResults,
 * pageToken; names in lexicographic order, as the API lists them), objects.get with
 * `alt=media` (the bytes) or without (the resource), and the simple media upload
 * (`POST /upload/storage/v1/b/BUCKET/o?uploadType=media&name=NAME`). Paths are taken with or
 * without the `/storage/v1` root. Object resources carry int64 fields (generation, size,
 * metageneration) as JSON strings, as the API does. No hashes are sent, so the client skips
 * its checksum validation here.
 */
export async function startStorageStandIn(): Promise<StorageStandIn> {
  const buckets = new Map<string, Map<string, Stored>>();
  let generation = 1_764_000_000_000_000;
  let faults: { times: number; status: number } = { times: 0, status: 503 };
  const bucketOf = (name: string): Map<string, Stored> => {
    const found = buckets.get(name) ?? new Map<string, Stored>();
    buckets.set(name, found);
    return found;
  };
  const put = (
    bucket: string,
    name: string,
    data: string | Buffer,
    contentType = 'application/octet-stream',
  ) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
    const now = new Date().toISOString();
    const resource = {
      kind: 'storage#object',
      id: `${bucket}/${name}/${++generation}`,
      name,
      bucket,
      generation: String(generation),
      metageneration: '1',
      contentType,
      size: String(bytes.length),
      storageClass: 'STANDARD',
      timeCreated: now,
      updated: now,
    };
    bucketOf(bucket).set(name, { resource, data: bytes });
    return resource;
  };
  const list = (res: ServerResponse, bucket: string, query: URLSearchParams): void => {
    const objects = buckets.get(bucket);
    if (objects === undefined) return refuse(res, 404, 'The specified bucket does not exist.');
    const glob = query.get('matchGlob');
    const compiled = glob === null ? undefined : compileGlob(glob);
    if (compiled !== undefined && !compiled.ok)
      return refuse(res, 400, `Invalid matchGlob: ${compiled.error}`);
    const prefix = query.get('prefix') ?? '';
    const names = [...objects.keys()]
      .filter(
        (n) =>
          n.startsWith(prefix) &&
          (compiled === undefined || (compiled.ok && compiled.regex.test(n))),
      )
      .sort();
    const size = Math.min(Number(query.get('maxResults') ?? 1000) || 1000, 1000);
    const start = Number(query.get('pageToken') ?? 0) || 0;
    const page = names.slice(start, start + size).map((n) => objects.get(n)!.resource);
    const next = start + size < names.length ? { nextPageToken: String(start + size) } : {};
    answer(res, 200, {
      kind: 'storage#objects',
      ...(page.length > 0 ? { items: page } : {}),
      ...next,
    });
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (faults.times > 0) {
      faults = { ...faults, times: faults.times - 1 };
      return refuse(res, faults.status, `injected fault ${faults.status}`);
    }
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (req.method === 'POST' && upload) {
      const name = url.searchParams.get('name');
      if (name === null) return refuse(res, 400, 'Required parameter: name');
      void bodyOf(req).then((data) =>
        answer(
          res,
          200,
          put(decodeURIComponent(upload[1]!), name, data, req.headers['content-type']),
        ),
      );
      return;
    }
    const route = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
    if (req.method !== 'GET' || !route)
      return refuse(res, 404, `no ${req.method} ${url.pathname} here`);
    const bucket = decodeURIComponent(route[1]!);
    if (route[2] === undefined) return list(res, bucket, url.searchParams);
    const name = decodeURIComponent(route[2]);
    const found = buckets.get(bucket)?.get(name);
    if (found === undefined) return refuse(res, 404, `No such object: ${bucket}/${name}`);
    if (url.searchParams.get('alt') !== 'media') return answer(res, 200, found.resource);
    res
      .writeHead(200, {
        'content-type': found.resource['contentType'] ?? 'application/octet-stream',
        'content-length': String(found.data.length),
        'x-goog-generation': found.resource['generation'] ?? '',
      })
      .end(found.data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    createBucket: (bucket) => void bucketOf(bucket),
    put,
    failNext: (times, status) => {
      faults = { times, status };
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
