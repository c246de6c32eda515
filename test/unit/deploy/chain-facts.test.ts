import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { loadChains } from '../../../src/chain/load.js';
import type { Chain } from '../../../src/chain/types.js';
import { chainFacts, gcsBucket, renderFacts } from '../../../src/deploy/chain-facts.js';

const DAG = fileURLToPath(new URL('../../../dag/', import.meta.url));

/** A chain from a loosely typed definition: the reader must cope with any JSON. */
function chain(name: string, definition: object): Chain {
  return { name, file: `${name}.json`, definition: definition as Chain['definition'] };
}

const task = (extra: object) => ({
  Type: 'Task',
  Resource: 'dataflow:flexTemplate',
  Parameters: { jobName: 'j', containerSpecGcsPath: 'gs://tpl/t.json' },
  End: true,
  ...extra,
});

describe('deploy facts of the chains', () => {
  it('reads the regions, accounts and buckets of dag/', () => {
    assert.deepEqual(chainFacts(loadChains(DAG).values()), {
      regions: ['europe-west4'],
      serviceAccounts: [],
      templateBuckets: ['dfchain-example'],
      workBuckets: ['dfchain-example'],
      computedTemplatePaths: [],
      readerBuckets: [],
      computedReaderBuckets: [],
      computedServiceAccounts: [],
      defaultServiceAccountTasks: [
        'example: States.Ingest',
        'example: States.Publish',
        'example: States.Transform',
      ],
      schedules: [],
      triggers: [],
      notifications: [],
      runJobs: [],
      computedRunJobs: [],
      publishTopics: [],
      computedPublishTopics: [],
    });
  });

  it('schedules: one Cloud Scheduler job per chain with a Schedule, with the exact message it publishes', () => {
    const facts = chainFacts([
      chain('zeta', { Schedule: { Cron: '0 5 * * *', TimeZone: 'Europe/Paris' }, States: {} }),
      chain('alpha', { Schedule: { Cron: '*/15 * * * *', Input: { a: 1 } }, States: {} }),
      chain('plain', { States: {} }),
    ]);
    assert.deepEqual(facts.schedules, [
      {
        chain: 'alpha',
        cron: '*/15 * * * *',
        timeZone: 'Etc/UTC',
        message: '{"dfchain":"start","chain":"alpha","scheduled":true}',
      },
      {
        chain: 'zeta',
        cron: '0 5 * * *',
        timeZone: 'Europe/Paris',
        message: '{"dfchain":"start","chain":"zeta","scheduled":true}',
      },
    ]);
    assert.deepEqual(renderFacts(facts), [
      'schedule alpha Etc/UTC */15 * * * *',
      'schedule zeta Europe/Paris 0 5 * * *',
    ]);
  });

  it('eventarc per region: every region a Task or Defaults.Region names, once', () => {
    const facts = chainFacts([
      chain('a', {
        Defaults: { Region: 'europe-west4' },
        States: { A: task({}), B: task({ Region: 'us-central1' }) },
      }),
      chain('b', {
        States: { C: task({ Region: 'us-central1' }), D: task({ Region: 'asia-east1' }) },
      }),
    ]);
    assert.deepEqual(facts.regions, ['asia-east1', 'europe-west4', 'us-central1']);
  });

  it('actAs: every service account named in Defaults.Environment or a Task, the Task winning', () => {
    const facts = chainFacts([
      chain('a', {
        Defaults: {
          Region: 'r1',
          Environment: { serviceAccountEmail: 'd@p.iam.gserviceaccount.com' },
        },
        States: {
          Inherits: task({}),
          Own: task({
            Parameters: {
              jobName: 'j',
              containerSpecGcsPath: 'gs://tpl/t.json',
              environment: { serviceAccountEmail: 't@p.iam.gserviceaccount.com' },
            },
          }),
          Computed: task({
            Parameters: {
              jobName: 'j',
              containerSpecGcsPath: 'gs://tpl/t.json',
              environment: { 'serviceAccountEmail.$': '$.sa' },
            },
          }),
        },
      }),
      chain('b', { Defaults: { Region: 'r1' }, States: { Bare: task({}) } }),
    ]);
    assert.deepEqual(facts.serviceAccounts, [
      'd@p.iam.gserviceaccount.com',
      't@p.iam.gserviceaccount.com',
    ]);
    assert.deepEqual(facts.computedServiceAccounts, ['a: States.Computed']);
    assert.deepEqual(facts.defaultServiceAccountTasks, ['b: States.Bare']);
  });

  it('template buckets: literal paths give their bucket, computed ones are listed by place', () => {
    const facts = chainFacts([
      chain('c', {
        Defaults: { Region: 'r1', Environment: { tempLocation: 'gs://tmp-bucket/tmp' } },
        States: {
          Literal: task({}),
          Computed: task({
            Parameters: {
              jobName: 'j',
              'containerSpecGcsPath.$': "States.Format('gs://{}/t.json', $.b)",
            },
          }),
          Classic: task({
            Resource: 'dataflow:template',
            Parameters: {
              jobName: 'k',
              gcsPath: 'gs://classic-tpl/t',
              environment: { stagingLocation: 'gs://stage/s' },
            },
          }),
          NotDataflow: { Type: 'Task', Resource: 'pubsub:publish', Parameters: { topic: 't' } },
        },
      }),
    ]);
    assert.deepEqual(facts.templateBuckets, ['classic-tpl', 'tpl']);
    assert.deepEqual(facts.computedTemplatePaths, ['c: States.Computed']);
    assert.deepEqual(facts.workBuckets, ['stage', 'tmp-bucket']);
  });

  it('reader buckets: Map ItemReaders, nested ones too, give their literal bucket; computed ones are listed by place', () => {
    const reader = (parameters: Record<string, unknown>) => ({
      Type: 'Map',
      ItemReader: { Resource: 'gcs:listObjects', Parameters: parameters },
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      End: true,
    });
    const facts = chainFacts([
      chain('m', {
        States: {
          Files: reader({ bucket: 'drops', prefix: 'in/' }),
          Computed: reader({ 'bucket.$': '$.bucket' }),
          Odd: reader({ bucket: 'not a bucket; rm -rf' }),
          Outer: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'Inner', States: { Inner: reader({ bucket: 'manifests' }) } },
            End: true,
          },
        },
      }),
    ]);
    assert.deepEqual(facts.readerBuckets, ['drops', 'manifests']);
    assert.deepEqual(facts.computedReaderBuckets, ['m: States.Computed']);
    assert.deepEqual(
      renderFacts(facts).filter((line) => line.includes('reader')),
      [
        'reader-bucket drops',
        'reader-bucket manifests',
        'computed-reader-bucket m: States.Computed',
      ],
    );
  });

  it('walks nested Parallel branches and Map processors', () => {
    const facts = chainFacts([
      chain('n', {
        Defaults: { Region: 'r1' },
        States: {
          Fan: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'X', States: { X: task({ Region: 'r2' }) } }],
          },
          Each: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'Y', States: { Y: task({ Region: 'r3' }) } },
          },
        },
      }),
    ]);
    assert.deepEqual(facts.regions, ['r2', 'r3']);
    assert.deepEqual(facts.defaultServiceAccountTasks, [
      'n: States.Each.ItemProcessor.States.Y',
      'n: States.Fan.Branches[0].States.X',
    ]);
  });

  it('leaves out values that are no region, e-mail or bucket, so no odd word reaches a shell', () => {
    const facts = chainFacts([
      chain('o', {
        States: {
          A: task({
            Region: 'europe-west4; rm -rf /',
            Parameters: {
              jobName: 'j',
              containerSpecGcsPath: 'https://example.com/t.json',
              environment: { serviceAccountEmail: 'a b@c' },
            },
          }),
        },
      }),
    ]);
    assert.deepEqual([facts.regions, facts.serviceAccounts, facts.templateBuckets], [[], [], []]);
    assert.equal(gcsBucket('gs://b.example-1/x'), 'b.example-1');
    assert.equal(gcsBucket('gs://B/x'), undefined);
  });

  it('renders one "kind value" line per fact for the deploy script', () => {
    assert.deepEqual(renderFacts(chainFacts(loadChains(DAG).values())), [
      'region europe-west4',
      'template-bucket dfchain-example',
      'work-bucket dfchain-example',
      'default-service-account example: States.Ingest',
      'default-service-account example: States.Publish',
      'default-service-account example: States.Transform',
    ]);
  });
});
