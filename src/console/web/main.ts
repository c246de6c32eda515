import type { RunsPayload } from '../api.js';

/** Placeholder entry while the pages are written. */
export function count(p: RunsPayload): number {
  return p.runs.length;
}
