import { strict as assert } from 'node:assert';
import { chainProblems } from '../../../src/chain/validate.js';

/** A chain whose one Map has `fields` besides its processor. */
function mapWith(fields: Record<string, unknown>): unknown {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        ...fields,
        End: true,
      },
    },
  };
}

const lines = (fields: Record<string, unknown>): string[] =>
  chainProblems(mapWith(fields)).map((p) => `${p.path}: ${p.message}`);

describe('chain/item-reader-checks', () => {
  it('accepts both readers, with literal or path Parameters', () => {
    assert.deepEqual(
      lines({
        ItemReader: {
          Resource: 'gcs:listObjects',
          Parameters: { bucket: 'drops', 'prefix.$': '$.prefix', matchGlob: '**.csv' },
        },
      }),
      [],
    );
    assert.deepEqual(
      lines({
        ItemReader: {
          Resource: 'gcs:getObject',
          ReaderConfig: { InputType: 'CSV' },
          Parameters: { 'bucket.$': '$.bucket', object: 'manifests/today.csv' },
        },
      }),
      [],
    );
  });

  const cases: { name: string; fields: Record<string, unknown>; expected: string[] }[] = [
    {
      name: "AWS's S3 resource, with a did-you-mean",
      fields: {
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { bucket: 'b1b' },
        },
      },
      expected: [
        'States.Each.ItemReader.Resource: "arn:aws:states:::s3:listObjectsV2" is not an ItemReader resource of dfchain (supported: "gcs:listObjects" or "gcs:getObject"); did you mean "gcs:listObjects"?',
      ],
    },
    {
      name: 'a typo in the resource',
      fields: { ItemReader: { Resource: 'gcs:listObject', Parameters: { bucket: 'b1b' } } },
      expected: [
        'States.Each.ItemReader.Resource: "gcs:listObject" is not an ItemReader resource of dfchain (supported: "gcs:listObjects" or "gcs:getObject"); did you mean "gcs:listObjects"?',
      ],
    },
    {
      name: 'ItemsPath beside ItemReader',
      fields: {
        ItemsPath: '$.files',
        ItemReader: { Resource: 'gcs:listObjects', Parameters: { bucket: 'b1b' } },
      },
      expected: [
        'States.Each.ItemsPath: a Map with "ItemReader" takes its items from the reader, not from its input; remove "ItemsPath" (or "ItemReader")',
      ],
    },
    {
      name: 'getObject without ReaderConfig, without object',
      fields: { ItemReader: { Resource: 'gcs:getObject', Parameters: { bucket: 'b1b' } } },
      expected: [
        'States.Each.ItemReader: gcs:getObject needs "ReaderConfig": {"InputType": "JSON" | "JSONL" | "CSV"}, how the object is read',
        'States.Each.ItemReader.Parameters: gcs:getObject needs "object" (or "object.$", a path)',
      ],
    },
    {
      name: 'listObjects with ReaderConfig and an object',
      fields: {
        ItemReader: {
          Resource: 'gcs:listObjects',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { bucket: 'b1b', 'object.$': '$.o' },
        },
      },
      expected: [
        'States.Each.ItemReader.ReaderConfig: gcs:listObjects takes no ReaderConfig (each object is one item); remove it, or read a manifest with "gcs:getObject"',
        'States.Each.ItemReader.Parameters.object.$: gcs:listObjects takes no "object" (it takes "bucket", "prefix", "matchGlob"); remove it',
      ],
    },
    {
      name: 'a bad bucket, a bad glob, a bad path, an unknown InputType',
      fields: {
        ItemReader: {
          Resource: 'gcs:listObjects',
          Parameters: { bucket: 'gs://b1b', matchGlob: '[a-', 'prefix.$': '$.' },
        },
      },
      expected: [
        'States.Each.ItemReader.Parameters.bucket: bucket "gs://b1b" may hold only lowercase letters, digits, "-", "_" and "." (a bucket name, without gs://)',
        'States.Each.ItemReader.Parameters.matchGlob: "[a-" is not a Cloud Storage glob: "[" at position 0 is never closed with "]"',
        'States.Each.ItemReader.Parameters.prefix.$: cannot parse "$." at character 3: expected a field name after "."',
      ],
    },
    {
      name: 'an unknown InputType and an unknown parameter',
      fields: {
        ItemReader: {
          Resource: 'gcs:getObject',
          ReaderConfig: { InputType: 'PARQUET' },
          Parameters: { bucket: 'b1b', object: 'o', Key: 'o' },
        },
      },
      expected: [
        'States.Each.ItemReader.ReaderConfig.InputType: must be one of JSON, JSONL, CSV (got "PARQUET")',
        'States.Each.ItemReader.Parameters: unknown field "Key" (allowed: bucket, bucket.$, prefix, prefix.$, matchGlob, matchGlob.$, object, object.$)',
      ],
    },
  ];
  for (const { name, fields, expected } of cases) {
    it(name, () => assert.deepEqual(lines(fields), expected));
  }
});
