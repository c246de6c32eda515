import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { LogEntry } from '../../../../src/local/simulator/log-entry.js';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, T0, harness, rejection } from './helpers.js';

const TEMPLATE = 'gs://b/templates/export';

describe('simulator: classic templates (POST …/templates:launch?gcsPath=…)', () => {
  let clock: sinon.SinonFakeTimers;
  let h: Harness;
  let entries: LogEntry[];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    entries = [];
    h = await harness({
      defaults: { queuedMs: 1_000, runMs: 5_000 },
      templates: [TEMPLATE, 'gs://b/t.json'],
      sink: (entry) => void entries.push(entry),
    });
  });
  afterEach(async () => {
    await h.sim.stop();
    clock.restore();
  });

  const launch = (
    jobName: string,
    extra: { gcsPath?: string; validateOnly?: boolean; body?: object } = {},
  ) =>
    h.df.projects.locations.templates.launch(
      {
        projectId: PROJECT,
        location: LOCATION,
        gcsPath: extra.gcsPath ?? TEMPLATE,
        ...(extra.validateOnly === undefined ? {} : { validateOnly: extra.validateOnly }),
        requestBody: {
          jobName,
          parameters: { day: '2024-05-01' },
          environment: {
            tempLocation: 'gs://b/tmp',
            additionalUserLabels: { 'dfchain-run': 'r1' },
          },
          ...extra.body,
        },
      },
      { retry: false },
    );
  const refusal = async (call: Promise<unknown>, status = 400) => {
    const error = await rejection(call);
    assert.equal(error.status, status);
    return (error.response?.data as { error: { message: string } }).error.message;
  };

  it('answers LaunchTemplateResponse {job}: created at once, PENDING (no launcher), then RUNNING, then DONE with its log line', async () => {
    const { status, data } = await launch('export-1');
    assert.equal(status, 200);
    const job = data.job!;
    assert.deepEqual(
      [job.name, job.currentState, job.location],
      ['export-1', 'JOB_STATE_PENDING', LOCATION],
    );
    const described = await h.get(job.id!, 'JOB_VIEW_DESCRIPTION');
    assert.deepEqual(described.labels, { 'dfchain-run': 'r1' });
    await clock.tickAsync(1_000);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_RUNNING');
    await clock.tickAsync(5_000);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_DONE');
    assert.deepEqual(
      entries.map((e) => [e.resource.labels['job_name'], e.textPayload]),
      [['export-1', 'Worker pool stopped.']],
    );
    assert.deepEqual(h.sim.jobs()[0]?.request, {
      gcsPath: TEMPLATE,
      launchParameter: {
        jobName: 'export-1',
        parameters: { day: '2024-05-01' },
        environment: { tempLocation: 'gs://b/tmp', additionalUserLabels: { 'dfchain-run': 'r1' } },
      },
    });
  });

  it('a name already active is 409 ALREADY_EXISTS, as for Flex launches; after its end it launches again', async () => {
    await launch('export-2');
    const message = await refusal(launch('export-2'), 409);
    assert.match(message, /^There is already an active job named export-2 with id: /);
    await clock.tickAsync(6_000);
    assert.equal((await launch('export-2')).status, 200);
    assert.equal(h.sim.jobs().length, 2);
  });

  it('validateOnly=true in the query answers {} and creates nothing; an unknown file is "Invalid template file"', async () => {
    const dry = await launch('dry', { validateOnly: true });
    assert.deepEqual(dry.data, {});
    assert.deepEqual(h.sim.jobs(), []);
    assert.match(
      await refusal(launch('dry', { validateOnly: true, gcsPath: 'gs://b/other' })),
      /^Invalid template file gs:\/\/b\/other: no such object\./,
    );
    assert.match(
      await refusal(launch('real', { gcsPath: 'gs://b/other' })),
      /^Invalid template file/,
    );
    assert.deepEqual(h.sim.jobs(), []);
  });

  it('refuses what Dataflow refuses: no gs:// gcsPath, a bad job name, a Flex-only field, a non-string parameter', async () => {
    assert.match(
      await refusal(launch('x', { gcsPath: 'b/t' })),
      /^Invalid template file b\/t: gcs_path must be/,
    );
    assert.match(await refusal(launch('Bad_Name')), /^JobName invalid/);
    assert.equal(
      await refusal(
        launch('x', { body: { environment: { flexrsGoal: 'FLEXRS_COST_OPTIMIZED' } } }),
      ),
      'Invalid JSON payload received. Unknown name "flexrsGoal" at \'launch_parameters.environment\': Cannot find field.',
    );
    assert.equal(
      await refusal(launch('x', { body: { containerSpecGcsPath: TEMPLATE } })),
      'Invalid JSON payload received. Unknown name "containerSpecGcsPath": Cannot find field.',
    );
    assert.match(
      await refusal(launch('x', { body: { parameters: { n: 3 } } })),
      /^Invalid value at 'launch_parameters\.parameters\[n\]' \(TYPE_STRING\), 3/,
    );
    assert.deepEqual(h.sim.jobs(), []);
  });

  it('a cancel of a running classic job ends it CANCELLED, logged', async () => {
    const job = (await launch('export-3')).data.job!;
    await clock.tickAsync(1_000);
    await h.update(job.id!);
    await clock.tickAsync(1_000);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_CANCELLED');
    assert.equal(entries.length, 1);
  });

  it('LAUNCH_FAILED on a classic job fails it before workers without the launcher line', async () => {
    h.sim.configure({ defaults: { outcome: 'LAUNCH_FAILED', queuedMs: 1_000 } });
    const job = (await launch('export-4')).data.job!;
    await clock.tickAsync(1_000);
    assert.equal((await h.get(job.id!)).currentState, 'JOB_STATE_FAILED');
    assert.doesNotMatch(entries[0]?.textPayload ?? '', /launcher container/);
  });
});
