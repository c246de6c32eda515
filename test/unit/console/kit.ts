import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import sinon from 'sinon';
import type { Endpoint } from '../../../src/cli/failure.js';
import type { Publisher } from '../../../src/cli/start.js';
import type { ConsoleContext } from '../../../src/console/context.js';
import type { ChangeFeed, FeedTopic } from '../../../src/console/feed.js';
import { startConsole, type ConsoleServer } from '../../../src/console/server.js';
import { DEFAULT_PRICE_TABLE } from '../../../src/cost/prices.js';
import type { Run } from '../../../src/engine/run.js';
import { StoreTransientError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import type { RunStore } from '../../../src/store/port.js';
import { eachItem, emptyRun } from '../../fixtures/runs.js';

/** The console tests' clock. */
export const NOW = new Date('2026-11-22T12:00:00.000Z');
/** Where the tests' store "is": an emulator, so messages name it. */
export const EMULATOR: Endpoint = { service: 'firestore', emulator: '127.0.0.1:9' };
/** The events topic commands are published on. */
export const TOPIC = 'dfchain-events';

/** One watch the console opened on the fake feed. */
export interface Watch {
  readonly topic: FeedTopic;
  readonly onChange: () => void;
  readonly onError: (error: unknown) => void;
  stopped: boolean;
}

/** A change feed the test drives: it records each watch and calls back only when told. */
export class FakeFeed implements ChangeFeed {
  readonly watches: Watch[] = [];

  watch(topic: FeedTopic, onChange: () => void, onError: (error: unknown) => void): () => void {
    const watch: Watch = { topic, onChange, onError, stopped: false };
    this.watches.push(watch);
    return () => {
      watch.stopped = true;
    };
  }

  /** Tells every open watch the store changed. */
  change(): void {
    for (const watch of this.watches) if (!watch.stopped) watch.onChange();
  }
}

/** A publisher that keeps what it published, or fails with `failure`. */
export class FakePublisher implements Publisher {
  readonly endpoint: Endpoint = { service: 'pubsub', emulator: '127.0.0.1:8' };
  readonly published: { topic: string; command: JsonObject }[] = [];
  closed = 0;

  constructor(private readonly failure?: Error) {}

  publish(topic: string, command: JsonObject): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    this.published.push({ topic, command });
    return Promise.resolve(`msg-${this.published.length}`);
  }

  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

/** A gRPC UNAVAILABLE as the Firestore client rejects with it. */
export function unavailable(): Error {
  const cause = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
    code: 14,
  });
  return new StoreTransientError('Firestore get run failed', { cause });
}

/** A console context over an empty memory store, read-only, with a fake feed and publisher. */
export function consoleContext(
  overrides: Partial<ConsoleContext> = {},
): ConsoleContext & { readonly feed: FakeFeed; readonly publisher: FakePublisher } {
  const publisher = new FakePublisher();
  return {
    store: new MemoryRunStore(),
    storeEndpoint: EMULATOR,
    projectId: 'p',
    chainsDir: '/nonexistent/dfchain-console-test',
    prices: DEFAULT_PRICE_TABLE,
    allowActions: false,
    connect: () => Promise.resolve(publisher),
    topic: TOPIC,
    now: () => NOW,
    version: '9.9.9-test',
    ...overrides,
    feed: overrides.feed instanceof FakeFeed ? overrides.feed : new FakeFeed(),
    publisher,
  };
}

/** An HTTP answer read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request to the console at `port` (node:http, so the Host header can be anything). */
export function call(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The body of an answer as JSON. */
export function jsonOf<T>(answer: Answer): T {
  return JSON.parse(answer.body) as T;
}

/** Makes every read of `store` reject as an unreachable Firestore does. */
export function unreachable(store: RunStore): void {
  for (const read of ['get', 'parts', 'history', 'listRuns', 'getDefinition'] as const)
    sinon.stub(store, read).rejects(unavailable());
}

/** A page folder in a fresh temp folder: index.html and x.js, and secret.js beside it (outside). */
export function webRootWithPage(): { readonly root: string; readonly outside: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dfchain-console-'));
  const root = join(dir, 'web') + sep;
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  writeFileSync(join(root, 'x.js'), 'export const x = 1;\n');
  writeFileSync(join(root, 'x.txt'), 'a type the page does not use\n');
  writeFileSync(join(dir, 'secret.js'), SECRET);
  return { root, outside: dir };
}

/** The test page's index.html. */
export const INDEX_HTML = '<!doctype html><title>dfchain console test</title>\n';
/** What a file beside the page folder holds: never served. */
export const SECRET = 'const secret = "outside the web root";\n';

/** A console over `ctx` on a free port of 127.0.0.1, serving the page of `webRoot`. */
export function serve(ctx: ConsoleContext, webRoot: string): Promise<ConsoleServer> {
  return startConsole(ctx, { port: 0, webRoot });
}

function listed(id: string, chain: string, startTime: string, more: Partial<Run> = {}): Run {
  return { ...emptyRun(id), chain, startTime, ...more };
}

/** Runs of the last day (NOW is 12:00): one per status, two queued, and an old one. */
export const RUNS = {
  ok: listed('r-ok', 'daily', '2026-11-22T10:00:00.000Z', {
    status: 'SUCCEEDED',
    endTime: '2026-11-22T10:03:05.000Z',
  }),
  bad: listed('r-bad', 'daily', '2026-11-22T10:30:00.000Z', {
    status: 'FAILED',
    endTime: '2026-11-22T11:32:00.000Z',
    error: { Error: 'Dataflow.JobFailed', Cause: 'job j-1 ended JOB_STATE_FAILED' },
    // Where it stopped: a redrive resumes there.
    stopped: {
      state: 'Load',
      input: {},
      enteredTime: '2026-11-22T11:00:00.000Z',
      visit: 0,
      attempt: 0,
      wait: 'job',
    },
  }),
  running: listed('r-run', 'weekly', '2026-11-22T11:59:18.000Z'),
  queued: listed('q1', 'serial', '2026-11-22T11:00:00.000Z', {
    queued: { pool: 'runs.serial', at: '2026-11-22T11:00:00.000Z' },
  }),
  old: listed('r-old', 'daily', '2026-11-20T10:00:00.000Z', { status: 'SUCCEEDED' }),
} as const;

/** A Map item of r-bad: a document of the run, never a listed run. */
export const ITEM: Run = {
  ...listed('r-bad.each-0', 'daily', '2026-11-22T10:31:00.000Z', { status: 'FAILED' }),
  part: eachItem('r-bad', 0),
};

/** A memory store holding RUNS (and ITEM, r-bad's part). */
export async function stockedStore(): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  for (const run of [RUNS.old, RUNS.ok, RUNS.queued, RUNS.running]) await store.create(run);
  await store.create(RUNS.bad, [ITEM]);
  return store;
}
