import type { JsonObject } from '../json.js';
import { inputLimitProblem } from './input-limits.js';
import { foreign, isObject, malformed, quote, typeName, type UnknownObject } from './inspect.js';
import type { PubSubPayload } from './pubsub.js';
import type { IgnoredSignal, Signal } from './signal.js';

/**
 * Cloud Storage Pub/Sub notifications, as https://cloud.google.com/storage/docs/pubsub-notifications
 * documents them. Each message carries the attributes `notificationConfig`, `eventType`
 * (OBJECT_FINALIZE, OBJECT_METADATA_UPDATE, OBJECT_DELETE, OBJECT_ARCHIVE), `payloadFormat`
 * (JSON_API_V1 or NONE), `bucketId`, `objectId`, `objectGeneration`, `eventTime` (RFC 3339),
 * and, when an object replaced or was replaced by another, `overwroteGeneration` /
 * `overwrittenByGeneration`; with JSON_API_V1 its data is the object resource of the JSON API
 * (https://cloud.google.com/storage/docs/json_api/v1/objects#resource: name, bucket,
 * generation, metageneration, size, contentType, timeCreated, updated, md5Hash, crc32c, …; int64
 * values such as size and generation are JSON strings). Delivery is at least once, so the same
 * notification may arrive twice: the run id it starts is derived from what it names.
 */

/** The attribute that marks a message as a Cloud Storage notification. */
const MARKERS = ['notificationConfig', 'eventType', 'bucketId', 'objectId'] as const;

/** The event type that starts runs: a new object, or a new generation of one, is complete. */
export const OBJECT_FINALIZE = 'OBJECT_FINALIZE';

/** Fields of the object resource copied into the run input when they are strings. */
const OBJECT_FIELDS = [
  'bucket',
  'name',
  'generation',
  'metageneration',
  'contentType',
  'contentEncoding',
  'size',
  'md5Hash',
  'crc32c',
  'etag',
  'storageClass',
  'timeCreated',
  'updated',
] as const;

/** A Pub/Sub message's attributes: string values only (Pub/Sub's attributes are a string map). */
export type Attributes = Readonly<Record<string, string>>;

/** True when a Pub/Sub message's attributes are those of a Cloud Storage notification. */
export function looksLikeGcsNotification(attributes: Attributes | undefined): boolean {
  return attributes !== undefined && MARKERS.every((key) => typeof attributes[key] === 'string');
}

const where = (a: Attributes): string =>
  `gs://${a['bucketId'] ?? '?'}/${a['objectId'] ?? '?'}#${a['objectGeneration'] ?? '?'}`;

/**
 * The run input an OBJECT_FINALIZE notification gives: the object resource's string fields
 * (OBJECT_FIELDS), its custom `metadata` when it has some, `uri` (`gs://bucket/name`), and the
 * notification's `eventTime` and, for an overwrite, `overwroteGeneration`.
 */
function objectInput(object: UnknownObject, attributes: Attributes): JsonObject {
  const input: Record<string, JsonObject[string]> = {};
  for (const key of OBJECT_FIELDS) {
    const value = object[key];
    if (typeof value === 'string') input[key] = value;
  }
  const metadata = object['metadata'];
  if (isObject(metadata) && Object.values(metadata).every((v) => typeof v === 'string'))
    input['metadata'] = metadata as JsonObject;
  input['uri'] = `gs://${attributes['bucketId']}/${attributes['objectId']}`;
  const eventTime = attributes['eventTime'];
  if (eventTime !== undefined) input['eventTime'] = eventTime;
  const overwrote = attributes['overwroteGeneration'];
  if (overwrote !== undefined) input['overwroteGeneration'] = overwrote;
  return input;
}

/**
 * What a Cloud Storage notification means to dfchain: an OBJECT_FINALIZE with the object
 * resource as data is an `objectFinalized` signal; any other event type is foreign (it starts
 * nothing, and says why); a notification without the object (payloadFormat NONE) or whose data
 * contradicts its attributes is malformed.
 */
export function decodeGcsNotification(
  attributes: Attributes,
  payload: PubSubPayload | IgnoredSignal,
): Signal {
  const eventType = attributes['eventType']!;
  if (eventType !== OBJECT_FINALIZE) {
    return foreign(
      `Cloud Storage notification ${eventType} for ${where(attributes)}: only ${OBJECT_FINALIZE} starts a run (Triggers); nothing to do`,
    );
  }
  const format = attributes['payloadFormat'];
  if (format !== 'JSON_API_V1') {
    return malformed(
      `Cloud Storage notification for ${where(attributes)} has payloadFormat ${quote(format ?? 'absent')}, so it carries no object for the run input; recreate the notification with --payload-format=json (JSON_API_V1), as infra/deploy.sh does`,
    );
  }
  const generation = attributes['objectGeneration'];
  if (generation === undefined || !/^\d+$/.test(generation)) {
    return malformed(
      `Cloud Storage notification for ${where(attributes)} has no objectGeneration of digits (got ${generation === undefined ? 'none' : quote(generation)}); the run id needs it`,
    );
  }
  if ('kind' in payload)
    return malformed(`Cloud Storage notification for ${where(attributes)}: ${payload.reason}`);
  const data = payload.value;
  if (!isObject(data))
    return malformed(
      `Cloud Storage notification for ${where(attributes)}: message.data must be the object resource (JSON object), got ${typeName(data)}`,
    );
  const bucket = attributes['bucketId']!;
  const name = attributes['objectId']!;
  for (const [key, expected] of [
    ['bucket', bucket],
    ['name', name],
    ['generation', generation],
  ] as const) {
    if (data[key] !== expected) {
      const got = typeof data[key] === 'string' ? quote(data[key]) : typeName(data[key]);
      return malformed(
        `Cloud Storage notification for ${where(attributes)}: data.${key} is ${got}, not the attributes' ${quote(expected)}`,
      );
    }
  }
  const input = objectInput(data, attributes);
  const tooBig = inputLimitProblem(input);
  if (tooBig !== undefined)
    return malformed(`Cloud Storage notification for ${where(attributes)}: ${tooBig}`);
  return { kind: 'objectFinalized', bucket, name, generation, input };
}
