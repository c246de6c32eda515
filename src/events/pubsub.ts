import {
  isObject,
  malformed,
  foreign,
  parseJson,
  typeName,
  type UnknownObject,
} from './inspect.js';
import type { IgnoredSignal } from './signal.js';

/** CloudEvent type of a Pub/Sub message, from Eventarc or functions-framework's conversion. */
export const PUBSUB_EVENT_TYPE = 'google.cloud.pubsub.topic.v1.messagePublished';

/**
 * Largest decoded `message.data` dfchain reads. Commands are tiny and Cloud Logging caps a
 * LogEntry at 256 KiB, so anything bigger is not for dfchain and is not worth parsing.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const MAX_BASE64_CHARS = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function base64Problem(text: string): string | undefined {
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad) return `invalid character ${JSON.stringify(bad[0])} at position ${bad.index}`;
  if (text.length % 4 !== 0) return `length ${text.length} is not a multiple of 4`;
  // "=" may only end the text, at most twice.
  const misplaced = /=(?!=?$)/.exec(text);
  if (misplaced) return `"=" at position ${misplaced.index} is not final padding`;
  return undefined;
}

/** What a Pub/Sub message carries: its JSON data, and when it was published. */
export interface PubSubPayload {
  readonly value: unknown;
  /** `message.publishTime` (RFC 3339, set by Pub/Sub) when the envelope has it as a string. */
  readonly publishTime?: string;
}

/**
 * The JSON value a Pub/Sub CloudEvent carries in `data.message.data` (base64), checked strictly:
 * Eventarc sends `{message, subscription}`; functions-framework converts a raw push body into
 * `{message: {'@type', data, attributes, messageId, publishTime}}`. Both read the same here.
 * A push body names it `publish_time` too (PubsubMessage in google/pubsub/v1/pubsub.proto is
 * `publish_time`; its JSON name is `publishTime`): either is read.
 */
export function readPubSubPayload(data: unknown): PubSubPayload | IgnoredSignal {
  if (!isObject(data))
    return malformed(`Pub/Sub event data must be an object, got ${typeName(data)}`);
  const message: unknown = data['message'];
  if (!isObject(message)) {
    return malformed(`Pub/Sub event data.message must be an object, got ${typeName(message)}`);
  }
  const payload = readMessageData(message);
  if ('kind' in payload) return payload;
  const publishTime: unknown = message['publishTime'] ?? message['publish_time'];
  return typeof publishTime === 'string' ? { ...payload, publishTime } : payload;
}

function readMessageData(message: UnknownObject): { readonly value: unknown } | IgnoredSignal {
  const raw = message['data'];
  if (raw === undefined || raw === null || raw === '') {
    return foreign('message.data is empty: dfchain messages carry JSON in message.data');
  }
  if (typeof raw !== 'string')
    return malformed(`message.data must be a base64 string, got ${typeName(raw)}`);
  if (raw.length > MAX_BASE64_CHARS) {
    return malformed(
      `message.data is ${raw.length} base64 characters, over the ${MAX_MESSAGE_BYTES}-byte limit of a dfchain message; not parsed`,
    );
  }
  const problem = base64Problem(raw);
  if (problem !== undefined) return malformed(`message.data is not valid base64: ${problem}`);
  let text: string;
  try {
    text = utf8.decode(Buffer.from(raw, 'base64'));
  } catch {
    return malformed('message.data is not UTF-8 text');
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return malformed(`message.data is not JSON: ${parsed.error}`);
  return { value: parsed.value };
}

/**
 * A Pub/Sub message's `attributes` (a map of strings in PubsubMessage), or undefined when the
 * envelope has none or they are not all strings.
 */
export function readAttributes(data: unknown): Readonly<Record<string, string>> | undefined {
  if (!isObject(data) || !isObject(data['message'])) return undefined;
  const attributes = data['message']['attributes'];
  if (!isObject(attributes)) return undefined;
  const values = Object.values(attributes);
  return values.every((value) => typeof value === 'string')
    ? (attributes as Readonly<Record<string, string>>)
    : undefined;
}
