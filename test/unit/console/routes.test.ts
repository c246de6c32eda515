import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import type {
  ApiProblem,
  ChainsPayload,
  ConsoleConfig,
  RunPayload,
  RunsPayload,
} from '../../../src/console/api.js';
import type { ConsoleContext } from '../../../src/console/context.js';
import type { ConsoleServer } from '../../../src/console/server.js';
import type { MemoryRunStore } from '../../../src/store/memory.js';
import {
  ITEM,
  NOW,
  RUNS,
  call,
  consoleContext,
  jsonOf,
  serve,
  stockedStore,
  unreachable,
  webRootWithPage,
  type Answer,
} from './kit.js';

const STORE = 'the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST)';
const CANNOT_REACH = `dfchain console: cannot reach ${STORE}: no connection; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST`;

/** A chains folder with a valid chain that has a Schedule (nightly) and an invalid one (broken). */
function chainsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dfchain-console-chains-'));
  copyFileSync('test/fixtures/schedule-chains/nightly.json', join(dir, 'nightly.json'));
  copyFileSync('test/fixtures/invalid-chains/daily.json', join(dir, 'broken.json'));
  return dir;
}

/** The first event of a live view (after its `retry:` line), then the stream is dropped. */
function firstEvent(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const events = text.split('\n\n');
        if (events.length > 2) {
          resolve(events[1]!);
          req.destroy();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function assertProblem(answer: Answer, status: number, kind: ApiProblem['kind']): ApiProblem {
  assert.equal(answer.status, status, answer.body);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  const body = jsonOf<ApiProblem>(answer);
  assert.equal(body.kind, kind);
  assert.equal(typeof body.error, 'string');
  return body;
}

describe('console routes', () => {
  const { root } = webRootWithPage();
  let store: MemoryRunStore;
  let server: ConsoleServer | undefined;

  beforeEach(async () => (store = await stockedStore()));
  afterEach(async () => {
    sinon.restore();
    await server?.close();
    server = undefined;
  });

  async function started(overrides: Partial<ConsoleContext> = {}) {
    const ctx = consoleContext({ store, ...overrides });
    server = await serve(ctx, root);
    const port = server.port;
    return {
      ctx,
      get: (path: string) => call(port, path),
      post: (path: string, headers: Record<string, string> = { 'x-dfchain-console': '1' }) =>
        call(port, path, { method: 'POST', headers }),
    };
  }

  describe('GET /api/config', () => {
    it('the project, actions, store and version, with the security headers', async () => {
      const { get } = await started({ allowActions: true });
      const answer = await get('/api/config');
      assert.equal(answer.status, 200);
      assert.deepEqual(jsonOf<ConsoleConfig>(answer), {
        projectId: 'p',
        allowActions: true,
        store: STORE,
        version: '9.9.9-test',
      });
      assert.match(String(answer.headers['content-security-policy']), /default-src 'self'/);
      assert.match(String(answer.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      assert.equal(answer.headers['cache-control'], 'no-store');
    });

    it('a POST to it is 405', async () => {
      const { post } = await started();
      assertProblem(await post('/api/config'), 405, 'bad-request');
    });

    it('an unknown API path is 404', async () => {
      const { get } = await started();
      const body = assertProblem(await get('/api/nothing'), 404, 'not-found');
      assert.equal(body.error, 'no API /api/nothing');
    });
  });

  describe('GET /api/runs', () => {
    const ids = async (get: (p: string) => Promise<Answer>, query: string) => {
      const answer = await get(`/api/runs${query}`);
      assert.equal(answer.status, 200, answer.body);
      return jsonOf<RunsPayload>(answer).runs.map((r) => r.id);
    };

    it('the runs of the last day, newest first, with the query as checked', async () => {
      const { get } = await started({ chainsDir: chainsFolder() });
      const payload = jsonOf<RunsPayload>(await get('/api/runs'));
      assert.deepEqual(
        payload.runs.map((r) => [r.id, r.status]),
        [
          ['r-run', 'RUNNING'],
          ['q1', 'QUEUED'],
          ['r-bad', 'FAILED'],
          ['r-ok', 'SUCCEEDED'],
        ],
      );
      assert.deepEqual(payload.query, {
        since: '2026-11-21T12:00:00.000Z',
        limit: 50,
      });
      assert.deepEqual(payload.chains, ['broken', 'nightly']);
      assert.equal(payload.now, NOW.toISOString());
      assert.equal(payload.truncated, false);
      assert.deepEqual(payload.runs[2]!.error, RUNS.bad.error);
    });

    it('filters by chain, by status (QUEUED too, any case) and by since', async () => {
      const { get } = await started();
      assert.deepEqual(await ids(get, '?chain=daily'), ['r-bad', 'r-ok']);
      assert.deepEqual(await ids(get, '?status=QUEUED'), ['q1']);
      assert.deepEqual(await ids(get, '?status=running'), ['r-run']);
      assert.deepEqual(await ids(get, '?status=failed&chain=daily'), ['r-bad']);
      assert.deepEqual(await ids(get, '?since=1h'), ['r-run', 'q1']);
      assert.deepEqual(await ids(get, '?since=2026-11-20T00:00:00Z&chain=daily'), [
        'r-bad',
        'r-ok',
        'r-old',
      ]);
      assert.deepEqual(await ids(get, '?limit=2'), ['r-run', 'q1']);
      assert.equal(jsonOf<RunsPayload>(await get('/api/runs?limit=2')).truncated, true);
    });

    for (const [query, start] of [
      ['since=yesterday', 'since must be an ISO time'],
      ['status=DONE', 'status must be one of'],
      ['limit=0', 'limit must be a whole number'],
      ['limit=abc', 'limit must be a whole number'],
    ] as const) {
      it(`?${query}: 400 bad-request worded for the page, not the command`, async () => {
        const { get } = await started();
        const body = assertProblem(await get(`/api/runs?${query}`), 400, 'bad-request');
        assert.ok(body.error.startsWith(start), body.error);
        assert.doesNotMatch(body.error, /dfchain runs|--/);
      });
    }

    it('an unreachable store: 503 unavailable with the line dfchain status would print', async () => {
      unreachable(store);
      const { get } = await started();
      const body = assertProblem(await get('/api/runs'), 503, 'unavailable');
      assert.equal(body.error, CANNOT_REACH);
    });
  });

  describe('GET /api/runs/<id>', () => {
    it('a run: its payload', async () => {
      const { get } = await started();
      const answer = await get('/api/runs/r-bad');
      assert.equal(answer.status, 200);
      const payload = jsonOf<RunPayload>(answer);
      assert.equal(payload.run.id, 'r-bad');
      assert.match(payload.graphProblem ?? '', /not in the store/);
    });

    it('an unknown id: 404 not-found naming the store and the project', async () => {
      const { get } = await started();
      const body = assertProblem(await get('/api/runs/nope'), 404, 'not-found');
      assert.equal(
        body.error,
        `No run "nope" in ${STORE} for project p: check the run id in the address; the Runs page lists the runs of the last day`,
      );
    });

    it("a part's id (run.key) is no run: 404", async () => {
      const { get } = await started();
      const body = assertProblem(await get(`/api/runs/${ITEM.id}`), 404, 'not-found');
      assert.match(body.error, /^No run "r-bad\.each-0"/);
    });

    it('an id with percent-encoding is decoded; a malformed one is 404, not a failure', async () => {
      const { get } = await started();
      assert.match(
        assertProblem(await get('/api/runs/no%20pe'), 404, 'not-found').error,
        /^No run "no pe"/,
      );
      assertProblem(await get('/api/runs/%E0%A4%A'), 404, 'not-found');
    });

    it('an id that is no run id (a/b, a part): 404 without asking the store (Firestore refuses such paths)', async () => {
      const read = sinon.spy(store, 'get');
      const { get } = await started();
      for (const id of ['a%2Fb', 'UPPER', `${ITEM.id}`, 'x'.repeat(64)]) {
        const body = assertProblem(await get(`/api/runs/${id}`), 404, 'not-found');
        assert.ok(
          body.error.startsWith(`No run "${decodeURIComponent(id)}" in ${STORE}`),
          body.error,
        );
      }
      sinon.assert.notCalled(read);
    });

    it('an unreachable store: 503 unavailable with the failure line', async () => {
      unreachable(store);
      const { get } = await started();
      const body = assertProblem(await get('/api/runs/r-ok'), 503, 'unavailable');
      assert.equal(body.error, CANNOT_REACH);
    });
  });

  describe('GET /api/chains', () => {
    it('each valid chain with graph, schedule and last runs; an invalid file as problem lines', async () => {
      const dir = chainsFolder();
      await store.create({ ...RUNS.ok, id: 'n-1', chain: 'nightly' });
      const { get } = await started({ chainsDir: dir });
      const answer = await get('/api/chains');
      assert.equal(answer.status, 200, answer.body);
      const payload = jsonOf<ChainsPayload>(answer);
      assert.equal(payload.dir, dir);
      assert.deepEqual(
        payload.chains.map((c) => c.name),
        ['nightly'],
      );
      const [nightly] = payload.chains;
      assert.match(nightly!.graph, /^flowchart TD\n/);
      assert.match(nightly!.graph, /s_Load\[/);
      assert.match(nightly!.comment ?? '', /04:00 UTC/);
      assert.deepEqual(nightly!.schedule, {
        cron: '0 4 * * *',
        timeZone: 'Etc/UTC',
        next: ['2026-11-23T04:00:00.000Z', '2026-11-24T04:00:00.000Z', '2026-11-25T04:00:00.000Z'],
      });
      assert.deepEqual(
        nightly!.lastRuns.map((r) => [r.id, r.chain, r.status]),
        [['n-1', 'nightly', 'SUCCEEDED']],
      );
      assert.ok(payload.problems.length > 0);
      assert.ok(
        payload.problems.some((line) => line.includes('broken.json') && /Pubilsh/.test(line)),
        payload.problems.join('\n'),
      );
    });

    it('an unreachable store: 503 unavailable', async () => {
      unreachable(store);
      const { get } = await started({ chainsDir: chainsFolder() });
      assert.equal(assertProblem(await get('/api/chains'), 503, 'unavailable').error, CANNOT_REACH);
    });
  });

  describe('GET /api/events', () => {
    it('an unknown view: 404, no stream', async () => {
      const { get } = await started();
      const body = assertProblem(await get('/api/events?view=bogus'), 404, 'not-found');
      assert.equal(body.error, 'no view "bogus": use runs, run or chains');
    });

    it('view=run: the run payload at once, watching that run', async () => {
      const { ctx } = await started();
      const event = await firstEvent(server!.port, '/api/events?view=run&id=r-bad');
      assert.ok(event.startsWith('data: '), event);
      assert.equal((JSON.parse(event.slice('data: '.length)) as RunPayload).run.id, 'r-bad');
      assert.deepEqual(ctx.feed.watches[0]?.topic, { kind: 'run', runId: 'r-bad' });
    });

    it('view=run of an unknown run: a problem event naming the store', async () => {
      await started();
      const event = await firstEvent(server!.port, '/api/events?view=run&id=nope');
      assert.match(
        event,
        /^event: problem\ndata: \{"error":"No run \\"nope\\" in the Firestore emulator/,
      );
      assert.match(event, /"kind":"not-found"\}$/);
    });

    it("view=runs: the runs payload at once, watching the documents of the page's window (24 h by default)", async () => {
      const { ctx } = await started();
      const event = await firstEvent(server!.port, '/api/events?view=runs&chain=daily');
      const payload = JSON.parse(event.slice('data: '.length)) as RunsPayload;
      assert.deepEqual(
        payload.runs.map((r) => r.id),
        ['r-bad', 'r-ok'],
      );
      assert.deepEqual(ctx.feed.watches[0]?.topic, {
        kind: 'runs',
        since: '2026-11-21T12:00:00.000Z',
      });
    });

    it('a bad query: 400, no stream', async () => {
      const { get } = await started();
      assertProblem(await get('/api/events?view=runs&since=never'), 400, 'bad-request');
    });
  });

  describe('POST /api/runs/<id>/cancel and /redrive', () => {
    it('read-only console (no --allow-actions): 403 forbidden, nothing published', async () => {
      const { ctx, post } = await started({ allowActions: false });
      const body = assertProblem(await post('/api/runs/r-run/cancel'), 403, 'forbidden');
      assert.match(body.error, /dfchain console --allow-actions/);
      assert.deepEqual(ctx.publisher.published, []);
    });

    it('without the x-dfchain-console header: 403 forbidden, nothing published', async () => {
      const { ctx, post } = await started({ allowActions: true });
      for (const headers of [{}, { 'x-dfchain-console': '0' }] as Record<string, string>[]) {
        const body = assertProblem(await post('/api/runs/r-run/cancel', headers), 403, 'forbidden');
        assert.match(body.error, /x-dfchain-console header is missing/);
      }
      assert.deepEqual(ctx.publisher.published, []);
    });

    it('GET: 405', async () => {
      const { ctx, get } = await started({ allowActions: true });
      assertProblem(await get('/api/runs/r-run/cancel'), 405, 'bad-request');
      assertProblem(await get('/api/runs/r-bad/redrive'), 405, 'bad-request');
      assert.deepEqual(ctx.publisher.published, []);
    });

    it('cancel of a SUCCEEDED run and redrive of a RUNNING one: 409 refused with why', async () => {
      const { ctx, post } = await started({ allowActions: true });
      assert.equal(
        assertProblem(await post('/api/runs/r-ok/cancel'), 409, 'refused').error,
        'run r-ok is SUCCEEDED: only a RUNNING run can be cancelled',
      );
      assert.match(
        assertProblem(await post('/api/runs/r-run/redrive'), 409, 'refused').error,
        /run r-run is RUNNING/,
      );
      assert.deepEqual(ctx.publisher.published, []);
    });

    it('an unknown run: 404; a part (its id is no run id) or a malformed id: 400', async () => {
      const { ctx, post } = await started({ allowActions: true });
      assert.match(
        assertProblem(await post('/api/runs/nope/cancel'), 404, 'not-found').error,
        /^No run "nope"/,
      );
      assert.match(
        assertProblem(await post(`/api/runs/${ITEM.id}/redrive`), 400, 'bad-request').error,
        /^"r-bad\.each-0" is not a run id/,
      );
      assertProblem(await post('/api/runs/%E0%A4%A/cancel'), 400, 'bad-request');
      assert.deepEqual(ctx.publisher.published, []);
    });

    it('cancel allowed: 200, the message, and the exact command published (with a cause)', async () => {
      const { ctx, post } = await started({ allowActions: true });
      const answer = await post('/api/runs/r-run/cancel');
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(jsonOf(answer), {
        message: 'published cancel of run r-run as message msg-1 on dfchain-events',
      });
      assert.deepEqual(ctx.publisher.published, [
        {
          topic: 'dfchain-events',
          command: { dfchain: 'cancel', runId: 'r-run', cause: 'cancelled from dfchain console' },
        },
      ]);
    });

    it('redrive allowed: 200 and the exact command published', async () => {
      const { ctx, post } = await started({ allowActions: true });
      const answer = await post('/api/runs/r-bad/redrive');
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(jsonOf(answer), {
        message: 'published redrive of run r-bad as message msg-1 on dfchain-events',
      });
      assert.deepEqual(ctx.publisher.published, [
        { topic: 'dfchain-events', command: { dfchain: 'redrive', runId: 'r-bad' } },
      ]);
    });

    it('an unreachable store: 503 unavailable with the failure line, nothing published', async () => {
      unreachable(store);
      const { ctx, post } = await started({ allowActions: true });
      const body = assertProblem(await post('/api/runs/r-run/cancel'), 503, 'unavailable');
      assert.equal(body.error, CANNOT_REACH);
      assert.deepEqual(ctx.publisher.published, []);
    });

    it('publishing fails: 503 unavailable with the failure line', async () => {
      const ctx = consoleContext({ store, allowActions: true });
      sinon
        .stub(ctx.publisher, 'publish')
        .rejects(Object.assign(new Error('5 NOT_FOUND: Resource not found'), { code: 5 }));
      server = await serve(ctx, root);
      const answer = await call(server.port, '/api/runs/r-run/cancel', {
        method: 'POST',
        headers: { 'x-dfchain-console': '1' },
      });
      const body = assertProblem(answer, 503, 'unavailable');
      assert.match(
        body.error,
        /^dfchain cancel: topic "dfchain-events" does not exist in project p/,
      );
    });
  });

  describe('the page and its files', () => {
    it('/assets/x.js: the file with its type', async () => {
      const { get } = await started();
      const answer = await get('/assets/x.js');
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(answer.body, 'export const x = 1;\n');
      assert.match(String(answer.headers['content-security-policy']), /script-src 'self'/);
    });

    it('a missing file or a type the page does not use: 404', async () => {
      const { get } = await started();
      assert.equal((await get('/assets/missing.js')).status, 404);
      assert.equal((await get('/assets/x.txt')).status, 404);
    });

    for (const path of [
      '/assets/../../package.json',
      '/assets/%2e%2e/secret.js',
      '/assets/..%2fsecret.js',
      '/assets/%2e%2e%2fsecret.js',
      '/assets/..%5csecret.js',
      '/assets/%2Fetc%2Fpasswd.js',
    ]) {
      it(`never serves a file outside the page folder: ${path}`, async () => {
        const { get } = await started();
        const answer = await get(path);
        assert.doesNotMatch(answer.body, /outside the web root|"name": "dfchain"|root:/);
        assert.ok(
          answer.status === 404 || answer.body.includes('dfchain console test'),
          `${answer.status} ${answer.body}`,
        );
      });
    }

    it('malformed percent-encoding (/assets/%E0%A4%A): 404, not 500', async () => {
      const { get } = await started();
      const answer = await get('/assets/%E0%A4%A');
      assert.equal(answer.status, 404);
    });

    for (const path of ['/', '/runs', '/runs/r-ok', '/chains?x=1']) {
      it(`a page path (${path}) answers index.html`, async () => {
        const { get } = await started();
        const answer = await get(path);
        assert.equal(answer.status, 200);
        assert.equal(answer.headers['content-type'], 'text/html; charset=utf-8');
        assert.match(answer.body, /dfchain console test/);
      });
    }

    it('the page not built (no index.html): 404 saying to run npm run build', async () => {
      server = await serve(consoleContext({ store }), join(tmpdir(), 'no-such-web-root') + '/');
      const answer = await call(server.port, '/runs');
      assert.equal(answer.status, 404);
      assert.match(answer.body, /not built .*index\.html.*run npm run build/);
    });
  });
});
