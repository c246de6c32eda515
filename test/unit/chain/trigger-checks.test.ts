import { strict as assert } from 'node:assert';
import { bucketNameProblem, triggerProblems } from '../../../src/chain/trigger-checks.js';
import { chainProblems } from '../../../src/chain/validate.js';

/** A valid chain with `Triggers`. */
function chain(Triggers: unknown): object {
  return {
    StartAt: 'S',
    Triggers,
    Defaults: { Region: 'europe-west4' },
    States: { S: { Type: 'Pass', End: true } },
  };
}

const messages = (json: object): string[] =>
  chainProblems(json).map((p) => `${p.path}: ${p.message}`);

describe('chain Triggers checks', () => {
  it('accepts Gcs triggers with and without prefix and matchGlob', () => {
    assert.deepEqual(
      messages(
        chain([
          { Gcs: { bucket: 'partner-drops' } },
          {
            Gcs: { bucket: 'partner.drops.example.com', prefix: 'in/', matchGlob: '**.{csv,json}' },
          },
        ]),
      ),
      [],
    );
  });

  it('names the exact place of a bad bucket, prefix and glob', () => {
    assert.deepEqual(
      messages(
        chain([
          { Gcs: { bucket: 'gs://drops' } },
          { Gcs: { bucket: 'drops', prefix: 'in\n', matchGlob: 'in/[abc' } },
        ]),
      ),
      [
        'Triggers[0].Gcs.bucket: bucket "gs://drops" may hold only lowercase letters, digits, "-", "_" and "." (a bucket name, without gs://)',
        'Triggers[1].Gcs.prefix: prefix holds a carriage return or line feed, which no object name may hold',
        'Triggers[1].Gcs.matchGlob: "in/[abc" is not a Cloud Storage glob: "[" at position 3 is never closed with "]"',
      ],
    );
  });

  it('refuses a prefix longer than any object name', () => {
    const problems = triggerProblems(
      chain([{ Gcs: { bucket: 'drops', prefix: 'é'.repeat(513) } }]),
    );
    assert.deepEqual(problems, [
      {
        path: 'Triggers[0].Gcs.prefix',
        message:
          'prefix is 1026 bytes of UTF-8; an object name has at most 1024, so no object would match',
      },
    ]);
  });

  it('leaves wrong types and unknown fields to the schema', () => {
    assert.deepEqual(triggerProblems(chain([{ Gcs: { bucket: 3, matchGlob: 4 } }])), []);
    const schema = messages(chain([{ Gcs: { bucket: 'drops', glob: '*' } }, { S3: {} }]));
    assert.equal(schema.length >= 2, true, schema.join('\n'));
    assert.match(schema.join('\n'), /Triggers\[0\]\.Gcs/);
    assert.match(schema.join('\n'), /Triggers\[1\]/);
    assert.notDeepEqual(messages(chain([])), []);
  });

  const buckets: [string, string | undefined][] = [
    ['my-bucket_1', undefined],
    ['abc', undefined],
    ['ab', 'bucket "ab" must be 3 to 63 characters long (up to 222 with dots), not 2'],
    [
      'a'.repeat(64),
      `bucket "${'a'.repeat(64)}" must be 3 to 63 characters long (up to 222 with dots), not 64`,
    ],
    [
      `${'a'.repeat(64)}.com`,
      `bucket "${'a'.repeat(64)}.com" has a dot-separated part of 64 characters; each may have at most 63`,
    ],
    ['-abc', 'bucket "-abc" must start and end with a letter or a digit'],
    [
      'Abc',
      'bucket "Abc" may hold only lowercase letters, digits, "-", "_" and "." (a bucket name, without gs://)',
    ],
    [
      '192.168.5.4',
      'bucket "192.168.5.4" is an IP address, which Cloud Storage refuses as a bucket name',
    ],
    ['goog-drops', 'bucket "goog-drops" may not start with "goog" nor contain "google"'],
    ['my-google-drops', 'bucket "my-google-drops" may not start with "goog" nor contain "google"'],
  ];
  for (const [bucket, problem] of buckets) {
    it(`bucket ${JSON.stringify(bucket)}: ${problem ?? 'valid'}`, () => {
      assert.equal(bucketNameProblem(bucket), problem);
    });
  }
});
