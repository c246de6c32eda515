import type { JsonObject } from '../json.js';

/**
 * Where a Map reads its items (docs/item-reader.md): the objects under a Cloud Storage prefix
 * (`gcs:listObjects`), or a manifest object (`gcs:getObject`) holding a JSON array, JSON Lines
 * or CSV. AWS offers ItemReader in Distributed Map only; dfchain's Map runs inline and takes it.
 */
export const ITEM_READER_RESOURCES = ['gcs:listObjects', 'gcs:getObject'] as const;
/** An ItemReader resource. */
export type ItemReaderResource = (typeof ITEM_READER_RESOURCES)[number];

/** How a `gcs:getObject` manifest is read (AWS's `ReaderConfig.InputType` names). */
export const ITEM_INPUT_TYPES = ['JSON', 'JSONL', 'CSV'] as const;
/** How a manifest is read. */
export type ItemInputType = (typeof ITEM_INPUT_TYPES)[number];

/** The Parameters each resource takes (each may be given as a `.$` path instead). */
export const READER_PARAMETERS: Readonly<
  Record<
    ItemReaderResource,
    { readonly required: readonly string[]; readonly optional: readonly string[] }
  >
> = {
  'gcs:listObjects': { required: ['bucket'], optional: ['prefix', 'matchGlob'] },
  'gcs:getObject': { required: ['bucket', 'object'], optional: [] },
};

/** A Map's `ItemReader`. */
export interface ItemReader {
  readonly Resource: ItemReaderResource;
  /** `gcs:getObject` only: how the object is parsed. */
  readonly ReaderConfig?: { readonly InputType: ItemInputType };
  /** `{bucket, prefix, matchGlob}` or `{bucket, object}`; keys ending in `.$` are paths. */
  readonly Parameters: JsonObject;
}

/** AWS's ItemReader resources, with dfchain's counterpart, for a did-you-mean. */
export const AWS_READER_RESOURCES: Readonly<Record<string, ItemReaderResource>> = {
  'arn:aws:states:::s3:listObjectsV2': 'gcs:listObjects',
  'arn:aws:states:::s3:getObject': 'gcs:getObject',
};
