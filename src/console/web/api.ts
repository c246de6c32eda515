import type { ApiProblem, LiveView } from '../api.js';

/** What a call of the API gave: its payload, or the problem to show. */
export type Answer<T> = { readonly ok: T } | { readonly problem: ApiProblem };

function isProblem(value: unknown): value is ApiProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { error?: unknown }).error === 'string' &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}

/** The problem of a failed answer: its ApiProblem body, or a sentence naming the status. */
async function problemOf(res: Response): Promise<ApiProblem> {
  const body: unknown = await res.json().catch(() => undefined);
  if (isProblem(body)) return body;
  return {
    error: `the console answered ${res.status} ${res.statusText} for ${res.url}: is dfchain console still running?`,
    kind: 'unavailable',
  };
}

/** The network failed: the console is stopped or unreachable. */
function unreachable(path: string, error: unknown): ApiProblem {
  const why = error instanceof Error ? error.message : String(error);
  return {
    error: `could not reach the console for ${path} (${why}): is dfchain console still running?`,
    kind: 'unavailable',
  };
}

/** GET an API path as JSON. */
export async function getJson<T>(path: string): Promise<Answer<T>> {
  try {
    const res = await fetch(path, { headers: { Accept: 'application/json' } });
    return res.ok ? { ok: (await res.json()) as T } : { problem: await problemOf(res) };
  } catch (error) {
    return { problem: unreachable(path, error) };
  }
}

/** POST an action (cancel, redrive) with the header that marks it as this page's own. */
export async function postAction<T>(path: string): Promise<Answer<T>> {
  try {
    const res = await fetch(path, { method: 'POST', headers: { 'X-Dfchain-Console': '1' } });
    return res.ok ? { ok: (await res.json()) as T } : { problem: await problemOf(res) };
  } catch (error) {
    return { problem: unreachable(path, error) };
  }
}

/** What a live view tells its page. */
export interface LiveHandlers<T> {
  /** A payload: the view as it is now. */
  readonly data: (payload: T) => void;
  /** A problem: the stream stays open (or is re-opened) and data clears it. */
  readonly problem: (problem: ApiProblem) => void;
  /** The connection: live, or reconnecting. */
  readonly state: (state: 'live' | 'reconnecting') => void;
}

/** How long to wait before re-opening a stream the browser gave up on (a refused query, a restart). */
const REOPEN_MS = 5000;

/**
 * Opens `/api/events?view=…` and calls `on` with each payload. EventSource reconnects by itself
 * after a dropped connection; when the server answered with an error instead of a stream
 * (the browser then gives up), the matching GET tells the problem and the stream is re-opened
 * a few seconds later. Returns how to close it.
 */
export function live<T>(
  view: LiveView,
  query: Readonly<Record<string, string>>,
  getPath: string,
  on: LiveHandlers<T>,
): () => void {
  const params = new URLSearchParams({ view, ...query });
  let source: EventSource | undefined;
  let timer: number | undefined;
  let closed = false;
  const open = () => {
    source = new EventSource(`/api/events?${params.toString()}`);
    source.onopen = () => on.state('live');
    source.onmessage = (event: MessageEvent<string>) => {
      on.state('live');
      on.data(JSON.parse(event.data) as T);
    };
    source.addEventListener('problem', (event: MessageEvent<string>) => {
      const body: unknown = JSON.parse(event.data);
      on.problem(
        isProblem(body)
          ? body
          : { error: 'the console sent a problem it could not read', kind: 'unavailable' },
      );
    });
    source.onerror = () => {
      on.state('reconnecting');
      if (source?.readyState !== EventSource.CLOSED || closed) return;
      void getJson<T>(getPath).then((answer) => {
        if (closed) return;
        if ('ok' in answer) on.data(answer.ok);
        else on.problem(answer.problem);
        timer = window.setTimeout(open, REOPEN_MS);
      });
    };
  };
  open();
  return () => {
    closed = true;
    source?.close();
    if (timer !== undefined) window.clearTimeout(timer);
  };
}
