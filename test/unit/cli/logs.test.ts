import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import sinon from 'sinon';
import {
  cliEntriesPort,
  loggingRootUrl,
  type EntriesPage,
  type EntriesPort,
  type LogEntryView,
} from '../../../src/cli/logs-entries.js';
import {
  explorerUrl,
  logsCommand,
  logsFilter,
  logsQuery,
  type LogsOptions,
  type LogsQuery,
} from '../../../src/cli/logs.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const SINCE = '2026-11-15T12:00:00.000Z';
const FILTER =
  'resource.type="cloud_run_revision" AND resource.labels.service_name="dfchain" AND labels."dfchain.run"="r1" AND timestamp>="2026-11-15T12:00:00.000Z"';

/** An entry as Google's REST surface sends it (severity as a number, as enum-encoding=int asks). */
function restEntry(insertId: string, timestamp: string, payload: object | string, severity = 300) {
  return {
    insertId,
    timestamp,
    severity,
    labels: { 'dfchain.run': 'r1' },
    ...(typeof payload === 'string' ? { textPayload: payload } : { jsonPayload: payload }),
  };
}

const started = restEntry('a1', '2026-11-22T10:00:00.123456Z', {
  event: 'run.started',
  message: 'run r1 of chain daily started',
  runId: 'r1',
  chain: 'daily',
});
const launched = restEntry(
  'a2',
  '2026-11-22T10:00:01Z',
  {
    event: 'job.launched',
    message: 'run r1 state Load: launched load-r1 (j-1)',
    runId: 'r1',
    state: 'Load',
    attempt: 1,
  },
  200,
);
const text = restEntry('a3', '2026-11-22T10:00:02Z', 'Function execution took 12 ms', 0);
const failed = restEntry(
  'a4',
  '2026-11-22T10:05:00Z',
  { event: 'run.failed', message: 'run r1 of chain daily failed: Boom: no', runId: 'r1' },
  500,
);

interface StandIn {
  readonly root: URL;
  readonly requests: { url: string; body: Record<string, unknown> }[];
  stop(): Promise<void>;
}

/** A node:http stand-in for logging.googleapis.com: POST /v2/entries:list answers by `answer`. */
async function standIn(
  answer: (body: Record<string, unknown>, res: ServerResponse) => void,
): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      requests.push({ url: `${req.method} ${req.url?.split('?')[0]}`, body });
      res.setHeader('content-type', 'application/json');
      answer(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    root: new URL(`http://127.0.0.1:${port}/`),
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Pages keyed by page token ('' = the first). */
function paged(pages: Record<string, { entries: object[]; nextPageToken?: string }>) {
  return (body: Record<string, unknown>, res: ServerResponse) => {
    res.end(
      JSON.stringify(
        pages[typeof body['pageToken'] === 'string' ? body['pageToken'] : ''] ?? { entries: [] },
      ),
    );
  };
}

interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function query(args: { since?: string } = {}): LogsQuery {
  const q = logsQuery({ runId: 'r1', ...args }, NOW);
  if (typeof q === 'string') throw new Error(q);
  return q;
}

async function logs(
  port: EntriesPort,
  options: Partial<LogsOptions> = {},
  q: LogsQuery = query(),
): Promise<Printed> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await logsCommand(
    port,
    q,
    { projectId: 'p', json: false, follow: false, ...options },
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out, err };
}

const URL_LINE = `Logs Explorer: https://console.cloud.google.com/logs/query;query=${encodeURIComponent(FILTER)}?project=p`;

describe('dfchain logs', () => {
  describe('the query', () => {
    it('filters the function service and the run label, since 7 days by default', () => {
      assert.deepEqual(query(), { runId: 'r1', since: SINCE });
      assert.equal(logsFilter('r1', SINCE), FILTER);
    });

    it('takes --since as a duration or an ISO time, and refuses anything else', () => {
      assert.equal(query({ since: '2h' }).since, '2026-11-22T10:00:00.000Z');
      assert.equal(query({ since: '2026-11-20T08:00:00Z' }).since, '2026-11-20T08:00:00.000Z');
      assert.equal(
        logsQuery({ runId: 'r1', since: 'yesterday' }, NOW),
        'dfchain logs: --since must be an ISO time (2026-11-22T10:00:00Z) or a duration back from now (30m, 2h, 3d), got "yesterday"',
      );
      assert.equal(logsQuery({}, NOW), 'dfchain logs: needs a run id: dfchain logs RUN_ID');
    });

    it('quotes a run id with quotes or backslashes', () => {
      assert.ok(logsFilter('a"b\\c', SINCE).includes('labels."dfchain.run"="a\\"b\\\\c"'));
    });

    it('links the Logs Explorer to the same query', () => {
      assert.equal(
        explorerUrl('labels."dfchain.run"="r1"', 'my-proj'),
        'https://console.cloud.google.com/logs/query;query=labels.%22dfchain.run%22%3D%22r1%22?project=my-proj',
      );
    });
  });

  describe('DFCHAIN_LOGGING_ROOT_URL', () => {
    it('is an http(s) URL or unset', () => {
      assert.equal(loggingRootUrl({}), undefined);
      assert.equal(loggingRootUrl({ DFCHAIN_LOGGING_ROOT_URL: 'http://127.0.0.1:1/' })?.port, '1');
      assert.throws(
        () => loggingRootUrl({ DFCHAIN_LOGGING_ROOT_URL: 'localhost:1' }),
        /DFCHAIN_LOGGING_ROOT_URL="localhost:1" is not an http\(s\) URL/,
      );
    });
  });

  describe('through @google-cloud/logging (REST) against a local stand-in', () => {
    let server: StandIn | undefined;
    afterEach(async () => {
      await server?.stop();
      server = undefined;
    });

    it('sends the filter, oldest first, for every page, and prints each entry and the URL', async () => {
      server = await standIn(
        paged({
          '': { entries: [started, launched], nextPageToken: 'page-2' },
          'page-2': { entries: [text, failed] },
        }),
      );
      const printed = await logs(await cliEntriesPort('p', server.root));
      assert.deepEqual(
        server.requests.map((r) => r.url),
        ['POST /v2/entries:list', 'POST /v2/entries:list'],
      );
      assert.deepEqual(server.requests[0]!.body, {
        resourceNames: ['projects/p'],
        filter: FILTER,
        orderBy: 'timestamp asc',
        pageSize: 1000,
      });
      assert.deepEqual(server.requests[1]!.body, {
        ...server.requests[0]!.body,
        pageToken: 'page-2',
      });
      assert.deepEqual(printed, {
        code: 0,
        out: [
          '2026-11-22T10:00:00.123Z  NOTICE   run.started      run r1 of chain daily started',
          '2026-11-22T10:00:01.000Z  INFO     job.launched     run r1 state Load: launched load-r1 (j-1)',
          '2026-11-22T10:00:02.000Z  DEFAULT  -                Function execution took 12 ms',
          '2026-11-22T10:05:00.000Z  ERROR    run.failed       run r1 of chain daily failed: Boom: no',
          URL_LINE,
        ],
        err: [],
      });
    });

    it('--json: one object per entry (its jsonPayload, timestamp, severity, insertId), the URL on stderr', async () => {
      server = await standIn(paged({ '': { entries: [launched, text] } }));
      const printed = await logs(await cliEntriesPort('p', server.root), { json: true });
      assert.equal(printed.code, 0);
      assert.deepEqual(
        printed.out.map((line) => JSON.parse(line) as unknown),
        [
          {
            event: 'job.launched',
            message: 'run r1 state Load: launched load-r1 (j-1)',
            runId: 'r1',
            state: 'Load',
            attempt: 1,
            timestamp: '2026-11-22T10:00:01.000Z',
            severity: 'INFO',
            insertId: 'a2',
          },
          {
            textPayload: 'Function execution took 12 ms',
            timestamp: '2026-11-22T10:00:02.000Z',
            severity: 'DEFAULT',
            insertId: 'a3',
          },
        ],
      );
      assert.deepEqual(printed.err, [URL_LINE]);
    });

    it('--since goes into the filter', async () => {
      server = await standIn(paged({ '': { entries: [started] } }));
      await logs(await cliEntriesPort('p', server.root), {}, query({ since: '30m' }));
      assert.equal(
        server.requests[0]!.body['filter'],
        FILTER.replace('2026-11-15T12:00:00.000Z', '2026-11-22T11:30:00.000Z'),
      );
    });

    it('no entries: says so, prints the URL, exit 1', async () => {
      server = await standIn(paged({}));
      assert.deepEqual(await logs(await cliEntriesPort('p', server.root)), {
        code: 1,
        out: [URL_LINE],
        err: [`dfchain logs: no entries of run r1 since ${SINCE} in project p`],
      });
    });

    it('permission denied: one line naming roles/logging.viewer', async () => {
      server = await standIn((_, res) => {
        res.statusCode = 403;
        res.end(
          JSON.stringify({
            error: {
              code: 403,
              message: 'Permission denied for all log views',
              status: 'PERMISSION_DENIED',
            },
          }),
        );
      });
      const printed = await logs(await cliEntriesPort('p', server.root), { root: server.root });
      assert.equal(printed.code, 1);
      assert.deepEqual(printed.err, [
        `dfchain logs: the Cloud Logging stand-in at ${server.root.origin} (DFCHAIN_LOGGING_ROOT_URL) denied reading the logs of project p: grant roles/logging.viewer on the project to the account of "gcloud auth application-default login" (or of GOOGLE_APPLICATION_CREDENTIALS)`,
      ]);
      assert.deepEqual(printed.out, [URL_LINE]);
    });

    it('an endpoint nobody answers on: one line, cannot reach', async () => {
      server = await standIn(paged({}));
      const root = server.root;
      await server.stop();
      server = undefined;
      const printed = await logs(await cliEntriesPort('p', root), { root });
      assert.equal(printed.code, 1);
      assert.deepEqual(printed.err, [
        `dfchain logs: cannot reach the Cloud Logging stand-in at ${root.origin} (DFCHAIN_LOGGING_ROOT_URL): no connection; start it, or correct or unset DFCHAIN_LOGGING_ROOT_URL`,
      ]);
    });
  });

  describe('failures from the port', () => {
    const failing = (error: Error): EntriesPort => ({ list: () => Promise.reject(error) });

    it('no credentials', async () => {
      const printed = await logs(
        failing(new Error('Could not load the default credentials. Browse to https://…')),
      );
      assert.deepEqual(printed.err, [
        'dfchain logs: no Google credentials to call Cloud Logging at logging.googleapis.com: run "gcloud auth application-default login", or set DFCHAIN_LOGGING_ROOT_URL to a local stand-in',
      ]);
      assert.equal(printed.code, 1);
    });

    it('no answer within the deadline', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const pending = logs({ list: () => new Promise<EntriesPage>(() => undefined) });
        await clock.tickAsync(5_000);
        const printed = await pending;
        assert.deepEqual(printed.err, [
          'dfchain logs: cannot reach Cloud Logging at logging.googleapis.com: no answer within 5 s; check the network connection and proxy (HTTPS_PROXY)',
        ]);
      } finally {
        clock.restore();
      }
    });

    it('anything else: its first line', async () => {
      const printed = await logs(
        failing(Object.assign(new Error('bad filter\nmore'), { code: 3 })),
      );
      assert.deepEqual(printed.err, [
        'dfchain logs: Cloud Logging at logging.googleapis.com failed: bad filter',
      ]);
    });
  });

  describe('--follow', () => {
    function view(raw: ReturnType<typeof restEntry>): LogEntryView {
      const names: Record<number, string> = {
        0: 'DEFAULT',
        200: 'INFO',
        300: 'NOTICE',
        500: 'ERROR',
      };
      return {
        insertId: raw.insertId,
        timestamp: new Date(raw.timestamp).toISOString(),
        severity: names[raw.severity]!,
        payload:
          'textPayload' in raw ? raw.textPayload : (raw.jsonPayload as Record<string, unknown>),
      };
    }

    it('polls every 2 s for entries at or after the last seen, without repeats, until the end line', async () => {
      const filters: string[] = [];
      const answers: LogEntryView[][] = [
        [view(started)],
        [view(started), view(launched)],
        [view(launched)],
        [view(launched), view(failed)],
      ];
      const port: EntriesPort = {
        list: (filter) => {
          filters.push(filter);
          return Promise.resolve({ entries: answers[filters.length - 1] ?? [] });
        },
      };
      const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const pending = logs(port, { follow: true });
        await clock.tickAsync(0);
        assert.equal(filters.length, 1);
        await clock.tickAsync(1_999);
        assert.equal(filters.length, 1);
        await clock.tickAsync(1);
        assert.equal(filters.length, 2);
        await clock.tickAsync(4_000);
        const printed = await pending;
        assert.equal(filters.length, 4);
        assert.equal(filters[0], FILTER);
        assert.equal(
          filters[1],
          FILTER.replace('2026-11-15T12:00:00.000Z', '2026-11-22T10:00:00.123Z'),
        );
        assert.equal(
          filters[3],
          FILTER.replace('2026-11-15T12:00:00.000Z', '2026-11-22T10:00:01.000Z'),
        );
        assert.deepEqual(printed, {
          code: 0,
          out: [
            '2026-11-22T10:00:00.123Z  NOTICE   run.started      run r1 of chain daily started',
            URL_LINE,
            '2026-11-22T10:00:01.000Z  INFO     job.launched     run r1 state Load: launched load-r1 (j-1)',
            '2026-11-22T10:05:00.000Z  ERROR    run.failed       run r1 of chain daily failed: Boom: no',
          ],
          err: [],
        });
        // Ended: no further poll.
        await clock.tickAsync(10_000);
        assert.equal(filters.length, 4);
      } finally {
        clock.restore();
      }
    });

    it('stops at once when the run already ended', async () => {
      let calls = 0;
      const port: EntriesPort = {
        list: () => {
          calls++;
          return Promise.resolve({ entries: [view(started), view(failed)] });
        },
      };
      const printed = await logs(port, { follow: true });
      assert.equal(calls, 1);
      assert.equal(printed.code, 0);
      assert.equal(printed.out.length, 3);
    });
  });
});
