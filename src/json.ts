/** A JSON value, as chain files, run inputs and state data are. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** A parsed JSON object whose fields are not checked yet. */
export type UnknownObject = Record<string, unknown>;

/** True for a plain object (not null, not an array). */
export function isObject(value: unknown): value is UnknownObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
