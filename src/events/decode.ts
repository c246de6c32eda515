import { decodeCommand, looksLikeCommand } from './command.js';
import { STATUS_CHANGED_EVENT_TYPE, decodeStatusChanged } from './eventarc.js';
import { decodeGcsNotification, looksLikeGcsNotification } from './gcs-notification.js';
import { eventData, foreign, isObject, malformed, quote, typeName } from './inspect.js';
import { decodeLogEntry, looksLikeLogEntry } from './log-entry.js';
import { PUBSUB_EVENT_TYPE, readAttributes, readPubSubPayload } from './pubsub.js';
import { decodeRunLogEntry, isRunLogEntry } from './run-log-entry.js';
import type { IncomingEvent, Signal } from './signal.js';

function decodePubSub(data: unknown): Signal {
  const parsed = eventData(data);
  if (!parsed.ok) return malformed(`Pub/Sub event data is not JSON: ${parsed.error}`);
  const payload = readPubSubPayload(parsed.value);
  // Recognised by its attributes: Cloud Storage writes the object resource as data, no dfchain field.
  const attributes = readAttributes(parsed.value);
  if (attributes !== undefined && looksLikeGcsNotification(attributes))
    return decodeGcsNotification(attributes, payload);
  if ('kind' in payload) return payload;
  const value = payload.value;
  if (!isObject(value)) {
    return foreign(
      `message.data is JSON ${typeName(value)}, neither a LogEntry nor a dfchain command`,
    );
  }
  if (looksLikeCommand(value)) return decodeCommand(value, payload);
  if (looksLikeLogEntry(value)) {
    return isRunLogEntry(value) ? decodeRunLogEntry(value) : decodeLogEntry(value);
  }
  const keys = Object.keys(value).slice(0, 5).join(', ');
  return foreign(
    `message.data is neither a LogEntry nor a dfchain command (fields: ${keys || 'none'})`,
  );
}

function decode(event: IncomingEvent): Signal {
  if (!isObject(event))
    return malformed(`event must be a CloudEvent object, got ${typeName(event)}`);
  const type = event.type;
  if (typeof type !== 'string' || type === '') return malformed('CloudEvent has no type');
  if (event.data === undefined || event.data === null) {
    return malformed(`CloudEvent ${type} has no data`);
  }
  if (type === PUBSUB_EVENT_TYPE) return decodePubSub(event.data);
  if (type === STATUS_CHANGED_EVENT_TYPE) return decodeStatusChanged(event.data);
  return foreign(
    `CloudEvent type ${quote(type)} is not one dfchain handles (expected ${PUBSUB_EVENT_TYPE} or ${STATUS_CHANGED_EVENT_TYPE})`,
  );
}

/**
 * What a delivered CloudEvent means to dfchain. Never throws: anything malformed or foreign
 * becomes an `ignored` signal whose reason names the exact field and problem.
 */
export function decodeEvent(event: IncomingEvent): Signal {
  try {
    return decode(event);
  } catch (error) {
    // A safety net only: every known shape is checked above, but a delivery must never crash.
    const message = error instanceof Error ? error.message : String(error);
    return malformed(`event could not be decoded: ${message}`);
  }
}
