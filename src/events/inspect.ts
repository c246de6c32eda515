import { isObject, type UnknownObject } from '../json.js';
import type { IgnoredSignal } from './signal.js';

// The decoders' shape checks live with the JSON type; re-exported for the decoder files.
export { isObject, type UnknownObject };

/** How a value reads in a reason: `array`, `null`, or its `typeof`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A string field of `object`, or undefined when absent, empty or not a string. */
export function stringField(object: UnknownObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A value quoted for a reason, cut short so one odd message cannot flood the log. */
export function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** A message that cannot be parsed. */
export function malformed(reason: string): IgnoredSignal {
  return { kind: 'ignored', category: 'malformed', reason };
}

/** A well-formed message that is not for dfchain. */
export function foreign(reason: string): IgnoredSignal {
  return { kind: 'ignored', category: 'foreign', reason };
}

/** The outcome of parsing JSON text: the value, or the parser's own message. */
export type Parsed =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string };

/** Parses JSON without throwing. */
export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A CloudEvent's `data` as a JSON value: functions-framework hands over a parsed object, but a
 * binary-mode event with an unexpected content type arrives as a string or a Buffer.
 */
export function eventData(data: unknown): Parsed {
  if (typeof data === 'string') return parseJson(data);
  if (data instanceof Uint8Array) return parseJson(Buffer.from(data).toString('utf8'));
  return { ok: true, value: data };
}
