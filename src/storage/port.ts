/**
 * The part of Cloud Storage a Map's ItemReader needs (src/storage/items.ts): list objects under
 * a prefix, read one object. Adapters: @google-cloud/storage (gcs.ts), which the local stack
 * points at its stand-in through STORAGE_EMULATOR_HOST. Failures are typed: StorageTransientError
 * may pass, StoragePermanentError will not (src/errors.ts).
 */

/**
 * An object as objects.list gives it (the JSON API's object resource,
 * https://cloud.google.com/storage/docs/json_api/v1/objects#resource): int64 values such as
 * generation and size are JSON strings there, and stay strings here.
 */
export interface StoredObject {
  readonly bucket: string;
  readonly name: string;
  readonly generation: string;
  readonly size: string;
  readonly contentType?: string;
  /** RFC 3339: when the object's metadata last changed. */
  readonly updated?: string;
}

/** One objects.list call. */
export interface ListQuery {
  readonly bucket: string;
  readonly prefix?: string;
  readonly matchGlob?: string;
  readonly pageToken?: string;
  readonly maxResults: number;
}

/** One page of objects.list. */
export interface ObjectPage {
  readonly objects: readonly StoredObject[];
  readonly nextPageToken?: string;
}

/** What dfchain reads of Cloud Storage. */
export interface StoragePort {
  /** One page of the objects of `query.bucket` whose names start with `query.prefix`. */
  listObjects(query: ListQuery): Promise<ObjectPage>;
  /** The bytes of an object; more than `maxBytes` fails with StoragePermanentError `tooLarge`. */
  readObject(bucket: string, name: string, maxBytes: number): Promise<Buffer>;
}
