import type { CostEstimate } from '../../cost/estimate.js';

/** `1h 02m`, `3m 05s`, `42s`: a duration in seconds, as long as it needs to be. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s % 60)}s`;
  return `${s}s`;
}

/** Seconds between two ISO times (or the second a Date's ms). */
export function secondsBetween(start: string, end: string | number): number {
  const to = typeof end === 'number' ? end : Date.parse(end);
  return (to - Date.parse(start)) / 1000;
}

/** `$0.0123`, or `—` when no cost was recorded. */
export function money(usd: number | undefined): string {
  return usd === undefined ? '—' : `$${usd.toFixed(4)}`;
}

/** The cost of a run row, `—` when absent. */
export function cost(estimate: CostEstimate | undefined): string {
  return money(estimate?.usd);
}

/** A time in the reader's own time zone, `2026-11-30 21:04:05` style; the ISO goes in a title. */
export function localTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** Only the clock part of a local time, for a timeline's axis. */
export function clock(ms: number): string {
  const t = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}
