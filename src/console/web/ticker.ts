import { el } from './dom.js';
import { duration, localTime, secondsBetween } from './format.js';

/** The server's clock minus this browser's, from the last payload's `now`: durations count on the server's time. */
let skew = 0;

/** Takes a payload's `now` as the server's current time. */
export function syncClock(serverNow: string): void {
  const at = Date.parse(serverNow);
  if (!Number.isNaN(at)) skew = at - Date.now();
}

/** The server's time now, in ms. */
export function serverNow(): number {
  return Date.now() + skew;
}

/**
 * A duration: fixed when `end` is given, else counting each second from `start` to the server's
 * clock (a running run or step).
 */
export function durationCell(start: string, end?: string): HTMLElement {
  if (end !== undefined) return el('span', {}, duration(secondsBetween(start, end)));
  return el(
    'span',
    { 'data-tick': start, class: 'ticking' },
    duration(secondsBetween(start, serverNow())),
  );
}

/** A local time with its ISO in a title (and a machine-readable <time>). */
export function timeCell(iso: string | undefined): HTMLElement | string {
  if (iso === undefined) return '—';
  return el('time', { datetime: iso, title: iso }, localTime(iso));
}

type Tick = () => void;
const listeners = new Set<Tick>();

/** Calls `fn` each second (timeline bars that grow); returns how to stop. */
export function everySecond(fn: Tick): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

setInterval(() => {
  const now = serverNow();
  for (const node of document.querySelectorAll<HTMLElement>('[data-tick]')) {
    node.textContent = duration(secondsBetween(node.dataset.tick ?? '', now));
  }
  for (const fn of listeners) {
    try {
      fn();
    } catch {
      // A view's tick failing must not stop the others; its next render repairs it.
    }
  }
}, 1000);
