import type { ServerResponse } from 'node:http';
import type { Run } from '../engine/run.js';
import type { Answered } from './problems.js';

/** How often a live view reads, besides when the store says it changed. */
export interface LiveTiming {
  /** Reads at least this often (durations grow, next fire times pass, a lost change shows). */
  readonly refreshMs: number;
  /** After a failed read, the next one this soon. */
  readonly retryMs: number;
  /** Changes closer together than this are read once. */
  readonly gapMs: number;
  /** A comment line this often keeps proxies and the browser from closing an idle stream. */
  readonly keepAliveMs: number;
}

/** The default timing: a read at most every 500 ms, at least every 10 s, retried after 3 s. */
export const LIVE_TIMING: LiveTiming = {
  refreshMs: 10_000,
  retryMs: 3_000,
  gapMs: 500,
  keepAliveMs: 15_000,
};

/**
 * What a live view reads: its payload, or the problem to show instead; from `docs`, the feed's
 * latest documents, when it has them (else from the store).
 */
export type LiveRead = (docs?: readonly Run[]) => Promise<{ readonly payload: unknown } | Answered>;

/** Starts watching the store for the view; returns the function that stops. */
export type LiveWatch = (
  onChange: (docs?: readonly Run[]) => void,
  onError: (error: unknown) => void,
) => () => void;

/**
 * Serves one view as server-sent events on `res`: the payload at once, then again each time
 * the feed says the store changed (reads coalesced `gapMs` apart) and every `refreshMs`, sent
 * only when it differs from the last one sent. A failed read sends a `problem` event (the
 * page shows it) and is retried after `retryMs`; the stream stays open until the page leaves.
 */
export function serveLive(
  res: ServerResponse,
  read: LiveRead,
  watch: LiveWatch,
  timing: LiveTiming = LIVE_TIMING,
): () => void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
  });
  // How long the browser waits before it reconnects a dropped stream.
  res.write(`retry: ${timing.retryMs}\n\n`);
  let last: string | undefined;
  let reading = false;
  let again = false;
  let stopped = false;
  // Two timers: a read put off to keep `gapMs` between reads, and the retry after a problem.
  // One shared timer would hold a change's read until the retry fired (3 s late).
  let gap: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let lastRead = 0;
  let docs: readonly Run[] | undefined;

  const send = (event: string | undefined, text: string) => {
    if (stopped) return;
    res.write(`${event ? `event: ${event}\n` : ''}data: ${text}\n\n`);
  };
  const refresh = (): void => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    const wait = lastRead + timing.gapMs - Date.now();
    if (wait > 0) {
      again = true;
      gap ??= setTimeout(() => {
        gap = undefined;
        refresh();
      }, wait);
      return;
    }
    reading = true;
    again = false;
    lastRead = Date.now();
    void read(docs)
      .then((answer) => {
        if ('problem' in answer) {
          last = undefined;
          send('problem', JSON.stringify(answer.problem));
          retry ??= setTimeout(() => {
            retry = undefined;
            refresh();
          }, timing.retryMs);
          return;
        }
        const text = JSON.stringify(answer.payload);
        if (text !== last) send(undefined, text);
        last = text;
      })
      .catch((error: unknown) => {
        // Reads answer their own problems; this is a fault of the console's own code.
        last = undefined;
        const message = error instanceof Error ? error.message : String(error);
        send(
          'problem',
          JSON.stringify({ error: `the console failed: ${message}`, kind: 'unavailable' }),
        );
      })
      .finally(() => {
        reading = false;
        if (again) refresh();
      });
  };
  const every = setInterval(refresh, timing.refreshMs);
  const alive = setInterval(() => !stopped && res.write(': keep-alive\n\n'), timing.keepAliveMs);
  let unwatch: () => void = () => undefined;
  try {
    unwatch = watch(
      (latest) => {
        docs = latest;
        refresh();
      },
      // A feed that fails for good leaves the view to its timer and the store's reads.
      () => {
        docs = undefined;
      },
    );
  } catch {
    // A feed that cannot start is one that failed: the timer and the store's reads serve.
  }
  refresh();
  return () => {
    stopped = true;
    clearInterval(every);
    clearInterval(alive);
    if (retry) clearTimeout(retry);
    if (gap) clearTimeout(gap);
    unwatch();
  };
}
