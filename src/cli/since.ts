const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * `--since` as an ISO time: an ISO date or time, or a duration back from `now` (90s, 30m, 2h,
 * 3d, 1w); `defaultMs` back from `now` when absent. Undefined when the text is neither.
 */
export function sinceTime(
  text: string | undefined,
  now: Date,
  defaultMs: number,
): string | undefined {
  if (text === undefined) return new Date(now.getTime() - defaultMs).toISOString();
  const duration = /^(\d+)([smhdw])$/.exec(text);
  if (duration) {
    const time = new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2]!]!);
    return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
  }
  // A date, with or without a time: Date.parse alone would take "1" or "March 3".
  if (!/^\d{4}-\d{2}-\d{2}([T ]|$)/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
