/**
 * Longest string field, in UTF-8 bytes, a log line keeps. Job names, reasons and inputs can come
 * from untrusted messages: a 300 KB job name once made a 1.2 MB line.
 */
export const MAX_LOG_STRING_BYTES = 2048;

/**
 * Largest log line, in bytes of its JSON. Cloud Logging refuses a LogEntry over 256 KB, measured
 * on its internal size, not the JSON (cloud.google.com/logging/quotas): half leaves room for that.
 */
export const MAX_LOG_ENTRY_BYTES = 128 * 1024;

/** Deepest nesting copied into a log line; deeper parts become a marker. */
export const MAX_LOG_DEPTH = 16;

/** Fields that say what happened to which run: never dropped to fit the entry cap. */
const ESSENTIAL = new Set([
  'severity',
  'event',
  'message',
  'runId',
  'chain',
  'state',
  'jobName',
  'jobId',
]);

const encoder = new TextEncoder();

/** `text` cut to `max` UTF-8 bytes at a character boundary, ending `…(N more bytes)`. */
export function trimText(text: string, max = MAX_LOG_STRING_BYTES): string {
  // At most 3 bytes per UTF-16 unit: anything this short cannot be over the cap.
  if (text.length * 3 <= max) return text;
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= max) return text;
  // encodeInto stops before a character that would not fit whole, so no character is split.
  const { read, written } = encoder.encodeInto(text, new Uint8Array(max));
  return `${text.slice(0, read)}…(${total - written} more bytes)`;
}

function boundValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return trimText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_LOG_DEPTH) return `…(nested deeper than ${MAX_LOG_DEPTH} levels)`;
  if (Array.isArray(value)) return value.map((item) => boundValue(item, depth + 1));
  if (value instanceof Error) return trimText(`${value.name}: ${value.message}`);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[trimText(key)] = boundValue(item, depth + 1);
  }
  return out;
}

const size = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * A copy of a log line fit for Cloud Logging: every string (keys too) trimmed to
 * {@link MAX_LOG_STRING_BYTES}, nesting cut at {@link MAX_LOG_DEPTH}, and, while the whole line is
 * over {@link MAX_LOG_ENTRY_BYTES}, its largest non-essential fields replaced by a marker.
 */
export function boundLogLine<T extends Record<string, unknown>>(line: T): T {
  const out = boundValue(line, 0) as Record<string, unknown>;
  let total = size(out);
  if (total > MAX_LOG_ENTRY_BYTES) {
    const bySize = Object.keys(out)
      .filter((key) => !ESSENTIAL.has(key))
      .map((key) => ({ key, bytes: size(out[key]) }))
      .sort((a, b) => b.bytes - a.bytes);
    for (const { key, bytes } of bySize) {
      if (total <= MAX_LOG_ENTRY_BYTES) break;
      const marker = `…(${bytes} bytes left out: the log line would be over ${MAX_LOG_ENTRY_BYTES} bytes)`;
      out[key] = marker;
      total -= bytes - size(marker);
    }
  }
  return out as T;
}
