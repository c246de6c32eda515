import { strict as assert } from 'node:assert';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, harness, rejection } from './helpers.js';

const BAD_NAME =
  'JobName invalid; the name must consist of only the characters [-a-z0-9], starting with a letter and ending with a letter or number';

const manyLabels = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));

const cases: {
  title: string;
  launchParameter: Record<string, unknown>;
  extra?: Record<string, unknown>;
  message: string;
}[] = [
  { title: 'an upper-case job name', launchParameter: { jobName: 'Ingest' }, message: BAD_NAME },
  {
    title: 'a job name ending in a dash',
    launchParameter: { jobName: 'ingest-' },
    message: BAD_NAME,
  },
  {
    title: 'a job name starting with a digit',
    launchParameter: { jobName: '1ingest' },
    message: BAD_NAME,
  },
  {
    title: 'a job name of 1025 characters',
    launchParameter: { jobName: 'a'.repeat(1025) },
    message: BAD_NAME,
  },
  { title: 'a missing job name', launchParameter: {}, message: BAD_NAME },
  {
    title: 'a template path that is not gs://',
    launchParameter: { jobName: 'ok', containerSpecGcsPath: 'https://b/t.json' },
    message:
      'Invalid template file https://b/t.json: launch_parameter.container_spec_gcs_path must be a Cloud Storage path gs://bucket/object.',
  },
  {
    title: 'a label key with an upper-case letter',
    launchParameter: { jobName: 'ok', environment: { additionalUserLabels: { Run: 'x' } } },
    message: `Invalid label key "Run": keys must start with a lowercase letter and hold only lowercase letters, digits, '_' and '-', 1 to 63 characters.`,
  },
  {
    title: 'a label value of 64 characters',
    launchParameter: {
      jobName: 'ok',
      environment: { additionalUserLabels: { run: 'x'.repeat(64) } },
    },
    message: `Invalid value "${'x'.repeat(64)}" for label "run": values hold only lowercase letters, digits, '_' and '-', at most 63 characters.`,
  },
  {
    title: '65 labels',
    launchParameter: { jobName: 'ok', environment: { additionalUserLabels: manyLabels } },
    message: 'Too many labels: 65; a job may have at most 64 labels.',
  },
  {
    title: 'a parameter that is not a string',
    launchParameter: { jobName: 'ok', parameters: { date: 5 } },
    message: `Invalid value at 'launch_parameter.parameters[date]' (TYPE_STRING), 5`,
  },
  {
    title: 'an unknown environment field',
    launchParameter: { jobName: 'ok', environment: { maxWorker: 3 } },
    message: `Invalid JSON payload received. Unknown name "maxWorker" at 'launch_parameter.environment': Cannot find field.`,
  },
  {
    title: 'an unknown launch parameter field',
    launchParameter: { jobName: 'ok', region: 'x' },
    message: `Invalid JSON payload received. Unknown name "region" at 'launch_parameter': Cannot find field.`,
  },
  {
    title: 'an unknown request field',
    launchParameter: { jobName: 'ok' },
    extra: { location: 'x' },
    message: `Invalid JSON payload received. Unknown name "location": Cannot find field.`,
  },
];

describe('simulator: launch validation', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.sim.stop());

  for (const c of cases) {
    it(`answers 400 INVALID_ARGUMENT for ${c.title}`, async () => {
      const error = await rejection(
        h.df.projects.locations.flexTemplates.launch(
          {
            projectId: PROJECT,
            location: LOCATION,
            requestBody: {
              launchParameter: { containerSpecGcsPath: 'gs://b/t.json', ...c.launchParameter },
              ...c.extra,
            },
          },
          { retry: false },
        ),
      );
      assert.equal(error.status, 400);
      assert.deepEqual(error.response?.data, {
        error: { code: 400, message: c.message, status: 'INVALID_ARGUMENT' },
      });
      assert.deepEqual(h.sim.jobs(), []);
    });
  }

  it('accepts Unicode lowercase labels, a 1024-character name and snake_case fields', async () => {
    await h.launch('a'.repeat(1024), { additionalUserLabels: { état_1: 'ü-2', ключ: '' } });
    const res = await fetch(
      `${h.sim.rootUrl}v1b3/projects/${PROJECT}/locations/${LOCATION}/flexTemplates:launch`,
      {
        method: 'POST',
        body: JSON.stringify({
          launch_parameter: {
            job_name: 'snake',
            container_spec_gcs_path: 'gs://b/t.json',
            environment: { additional_user_labels: { run: 'r' } },
          },
        }),
      },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      h.sim.jobs().map((j) => [j.name.length, j.labels]),
      [
        [1024, { état_1: 'ü-2', ключ: '' }],
        [5, { run: 'r' }],
      ],
    );
  });

  it('rejects an unknown query parameter as Google does, and accepts system parameters', async () => {
    const base = `${h.sim.rootUrl}v1b3/projects/${PROJECT}/locations/${LOCATION}/jobs`;
    const unknown = await fetch(`${base}/j1?view=JOB_VIEW_SUMMARY&status=INTENDED`);
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), {
      error: {
        code: 400,
        message:
          'Invalid JSON payload received. Unknown name "status": Cannot bind query parameter. Field \'status\' could not be found in request message.',
        status: 'INVALID_ARGUMENT',
      },
    });
    const system = await fetch(`${base}?name=x&filter=ALL&prettyPrint=false&alt=json`);
    assert.equal(system.status, 200);
  });
});
