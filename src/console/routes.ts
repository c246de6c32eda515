import type { IncomingMessage, ServerResponse } from 'node:http';
import { endpointText, withDeadline } from '../cli/failure.js';
import { RUN_ID_PATTERN } from '../events/command.js';
import type { ConsoleConfig } from './api.js';
import { runAction } from './actions.js';
import { readAsset } from './assets.js';
import { chainsPayload, lastRunsSince } from './chains-data.js';
import type { ConsoleContext } from './context.js';
import type { FeedTopic } from './feed.js';
import { serveLive, type LiveRead, type LiveTiming, type LiveWatch } from './live.js';
import { noRun, problem, storeProblem, type Answered } from './problems.js';
import { runPayload } from './run-data.js';
import { pageRunsQuery, runsPayload } from './runs-data.js';

/** The header a page's POST carries: a cross-site form cannot set it, and fetch from another origin would need CORS, which the console never grants. */
export const ACTION_HEADER = 'x-dfchain-console';

/** How the console answers: its context, the page's files and the live views' timing. */
export interface Routes {
  readonly ctx: ConsoleContext;
  readonly webRoot: string;
  readonly live?: LiveTiming;
}

/** Headers on every answer: the page runs only its own scripts and is never framed. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** A path segment decoded; malformed percent-encoding (`%E0%A4%A`) is kept as it came. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function answer(res: ServerResponse, value: { readonly payload: unknown } | Answered): void {
  if ('problem' in value) json(res, value.status, value.problem);
  else json(res, 200, value.payload);
}

/**
 * A read of the store with the CLI's deadline; a failure becomes the problem the page shows,
 * and nothing found (a run that does not exist) the problem `missing` gives.
 */
async function guarded(
  ctx: ConsoleContext,
  read: () => Promise<unknown>,
  missing?: () => Answered,
): Promise<{ readonly payload: unknown } | Answered> {
  try {
    const payload = await withDeadline(read());
    return payload === undefined && missing ? missing() : { payload };
  } catch (error) {
    return storeProblem(error, ctx);
  }
}

/** A view of the API: how it reads, and what of the store it watches (none: its timer only). */
interface View {
  readonly read: LiveRead;
  readonly topic?: FeedTopic;
}

/** The view `view` of the API with its query (`runs`, `run`, `chains`), or the problem with them. */
function viewOf(ctx: ConsoleContext, view: string, query: URLSearchParams): View | Answered {
  if (view === 'runs') {
    const checked = pageRunsQuery(
      {
        chain: query.get('chain') || undefined,
        status: query.get('status') || undefined,
        since: query.get('since') || undefined,
        limit: query.get('limit') || undefined,
      },
      ctx.now(),
    );
    if (typeof checked === 'string') return problem('bad-request', checked);
    return {
      read: (docs) => guarded(ctx, () => runsPayload(ctx, checked, docs)),
      topic: { kind: 'runs', since: checked.since },
    };
  }
  if (view === 'run') {
    const id = query.get('id') ?? '';
    // Not a run id (a part's id, `a/b`, ''): no run has it, and Firestore would refuse the path.
    if (!RUN_ID_PATTERN.test(id)) return { read: () => Promise.resolve(noRun(id, ctx)) };
    return {
      read: (docs) =>
        guarded(
          ctx,
          () => runPayload(ctx, id, docs),
          () => noRun(id, ctx),
        ),
      topic: { kind: 'run', runId: id },
    };
  }
  if (view === 'chains') {
    return {
      read: (docs) => guarded(ctx, () => chainsPayload(ctx, docs)),
      topic: { kind: 'runs', since: lastRunsSince(ctx.now()) },
    };
  }
  return problem('not-found', `no view "${view}": use runs, run or chains`);
}

function config(ctx: ConsoleContext): ConsoleConfig {
  return {
    projectId: ctx.projectId,
    allowActions: ctx.allowActions,
    store: endpointText(ctx.storeEndpoint),
    version: ctx.version,
  };
}

/** Answers one API request (`/api/...`). */
async function api(
  routes: Routes,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { ctx } = routes;
  const path = url.pathname;
  const action = /^\/api\/runs\/([^/]+)\/(cancel|redrive)$/.exec(path);
  if (action) {
    if (req.method !== 'POST') return json(res, 405, { error: 'use POST', kind: 'bad-request' });
    if (req.headers[ACTION_HEADER] !== '1') {
      return json(res, 403, {
        error: `refused: actions are taken from the console's own page only (the ${ACTION_HEADER} header is missing)`,
        kind: 'forbidden',
      });
    }
    const done = await runAction(ctx, action[2] as 'cancel' | 'redrive', decoded(action[1]!));
    return 'problem' in done ? json(res, done.status, done.problem) : json(res, 200, done);
  }
  if (req.method !== 'GET') return json(res, 405, { error: 'use GET', kind: 'bad-request' });
  if (path === '/api/config') return json(res, 200, config(ctx));
  if (path === '/api/events') {
    const view = url.searchParams.get('view') ?? '';
    const found = viewOf(ctx, view, url.searchParams);
    if ('problem' in found) return answer(res, found);
    const { topic } = found;
    const watch: LiveWatch = topic
      ? (onChange, onError) => ctx.feed.watch(topic, onChange, onError)
      : () => () => undefined;
    const stop = serveLive(res, found.read, watch, routes.live);
    req.on('close', stop);
    return;
  }
  const run = /^\/api\/runs\/([^/]+)$/.exec(path);
  const [view, query] = run
    ? ['run', new URLSearchParams({ id: decoded(run[1]!) })]
    : path === '/api/runs'
      ? ['runs', url.searchParams]
      : path === '/api/chains'
        ? ['chains', url.searchParams]
        : ['', url.searchParams];
  if (view === '') return json(res, 404, { error: `no API ${path}`, kind: 'not-found' });
  const found = viewOf(ctx, view, query);
  answer(res, 'problem' in found ? found : await found.read());
}

/** Answers one request: the API, the page's files under /assets/, and the page for any other path. */
export async function route(
  routes: Routes,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  if (url.pathname.startsWith('/api/')) return api(routes, req, res, url);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, SECURITY_HEADERS).end();
    return;
  }
  const asset = url.pathname.startsWith('/assets/')
    ? await readAsset(routes.webRoot, url.pathname.slice('/assets/'.length))
    : await readAsset(routes.webRoot, 'index.html');
  if (!asset) {
    const missing = url.pathname.startsWith('/assets/')
      ? `no file ${url.pathname}`
      : `the console's page is not built (no ${routes.webRoot}index.html): run npm run build`;
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(missing);
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': asset.type,
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}
