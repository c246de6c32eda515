import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, T0, harness, rejection } from './helpers.js';

describe('simulator: REST shapes through the googleapis client', () => {
  let clock: sinon.SinonFakeTimers;
  let h: Harness;

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    h = await harness({ defaults: { queuedMs: 1_000, runMs: 5_000 } });
  });
  afterEach(async () => {
    await h.sim.stop();
    clock.restore();
  });

  it('launch answers { job } in QUEUED with a Dataflow-style id in US Pacific time, as a summary', async () => {
    const job = await h.launch('ingest-1', { additionalUserLabels: { run: 'r1', chain: 'daily' } });
    assert.match(job.id!, /^2026-11-22_05_35_45-\d{1,20}$/);
    const t = new Date(T0).toISOString();
    assert.deepEqual(job, {
      id: job.id,
      projectId: PROJECT,
      name: 'ingest-1',
      type: 'JOB_TYPE_BATCH',
      currentState: 'JOB_STATE_QUEUED',
      currentStateTime: t,
      createTime: t,
      startTime: t,
      location: LOCATION,
    });
  });

  it("the simulator's views follow the proto: labels and environment only with DESCRIPTION or ALL", async () => {
    const environment = { additionalUserLabels: { run: 'r1' }, maxWorkers: 3 };
    const job = await h.launch('viewed', environment);
    for (const view of ['JOB_VIEW_SUMMARY', 'JOB_VIEW_UNKNOWN', null]) {
      const got = await h.get(job.id!, view);
      assert.equal('labels' in got, false, `labels in ${String(view)}`);
      assert.equal('environment' in got, false, `environment in ${String(view)}`);
    }
    for (const view of ['JOB_VIEW_DESCRIPTION', 'JOB_VIEW_ALL']) {
      const got = await h.get(job.id!, view);
      assert.deepEqual(got.labels, { run: 'r1' });
      assert.deepEqual(got.environment, environment);
    }
    // "ListJobs always returns summaries now", whatever view is asked for.
    const listed = await h.list({ name: 'viewed', view: 'JOB_VIEW_ALL' });
    assert.equal(listed.jobs?.length, 1);
    assert.equal('labels' in (listed.jobs?.[0] ?? {}), false);
  });

  it('scopes every job by project and region: another region neither sees it nor collides', async () => {
    const job = await h.launch('scoped');
    const error = await rejection(h.get(job.id!, 'JOB_VIEW_SUMMARY', 'us-central1'));
    assert.equal(error.status, 404);
    assert.deepEqual(await h.list({ name: 'scoped', location: 'us-central1' }), {});
  });

  it('get returns the job as it is now, and omits labels when there are none', async () => {
    const job = await h.launch('plain');
    await clock.tickAsync(1_000);
    const got = await h.get(job.id!);
    assert.equal(got.currentState, 'JOB_STATE_RUNNING');
    assert.equal(got.currentStateTime, new Date(T0 + 1_000).toISOString());
    assert.equal('labels' in got, false);
  });

  it('get of an unknown job is 404 NOT_FOUND in Google error JSON', async () => {
    const error = await rejection(h.get('2026-01-01_00_00_00-1'));
    assert.equal(error.status, 404);
    assert.deepEqual(error.response?.data, {
      error: {
        code: 404,
        message: `(2026-01-01_00_00_00-1): Job 2026-01-01_00_00_00-1 not found in project ${PROJECT} location ${LOCATION}.`,
        status: 'NOT_FOUND',
      },
    });
  });

  it('get accepts the project number in place of the project id', async () => {
    const entries: string[] = [];
    h.sim.configure({ sink: (e) => void entries.push(e.resource.labels.project_id) });
    const job = await h.launch('by-number', {});
    await clock.tickAsync(6_000);
    const number = entries[0]!;
    assert.match(number, /^\d{12}$/);
    const got = await h.df.projects.locations.jobs.get({
      projectId: number,
      location: LOCATION,
      jobId: job.id!,
    });
    assert.equal(got.data.id, job.id);
  });

  it('list filters by exact name and state, newest first, and omits jobs when empty', async () => {
    const first = await h.launch('same');
    await clock.tickAsync(6_000);
    const second = await h.launch('same');
    await h.launch('same-2');
    assert.deepEqual(
      (await h.list({ name: 'same' })).jobs?.map((j) => j.id),
      [second.id, first.id],
    );
    assert.deepEqual(
      (await h.list({ name: 'same', filter: 'ACTIVE' })).jobs?.map((j) => j.id),
      [second.id],
    );
    assert.deepEqual(
      (await h.list({ name: 'same', filter: 'TERMINATED' })).jobs?.map((j) => j.id),
      [first.id],
    );
    assert.equal((await h.list({ filter: 'ALL' })).jobs?.length, 3);
    assert.deepEqual(await h.list({ name: 'nothing' }), {});
  });

  it('list rejects an unknown filter as Google does', async () => {
    const error = await rejection(h.list({ filter: 'RUNNING' }));
    assert.equal(error.status, 400);
    assert.equal(
      error.message,
      `Invalid value at 'filter' (type.googleapis.com/google.dataflow.v1beta3.ListJobsRequest.Filter), "RUNNING"`,
    );
  });

  it('validateOnly validates and answers {} without creating a job', async () => {
    const res = await h.df.projects.locations.flexTemplates.launch({
      projectId: PROJECT,
      location: LOCATION,
      requestBody: {
        launchParameter: { jobName: 'dry', containerSpecGcsPath: 'gs://b/t.json' },
        validateOnly: true,
      },
    });
    assert.deepEqual(res.data, {});
    assert.deepEqual(h.sim.jobs(), []);
  });

  it('records every job with its full request and state history', async () => {
    const job = await h.launch('rec', { maxWorkers: 3, additionalUserLabels: { a: 'b' } });
    await clock.tickAsync(6_000);
    assert.deepEqual(h.sim.jobs(), [
      {
        id: job.id,
        name: 'rec',
        projectId: PROJECT,
        location: LOCATION,
        labels: { a: 'b' },
        request: {
          launchParameter: {
            jobName: 'rec',
            containerSpecGcsPath: 'gs://b/t.json',
            environment: { maxWorkers: 3, additionalUserLabels: { a: 'b' } },
          },
        },
        behaviour: {
          outcome: 'DONE',
          queuedMs: 1_000,
          runMs: 5_000,
          apiLagMs: 0,
          notFoundMs: 0,
          logDelayMs: 0,
          cancelMs: 1_000,
        },
        createTime: T0,
        history: [
          { state: 'JOB_STATE_QUEUED', time: T0, visibleAt: T0 },
          { state: 'JOB_STATE_RUNNING', time: T0 + 1_000, visibleAt: T0 + 1_000 },
          { state: 'JOB_STATE_DONE', time: T0 + 6_000, visibleAt: T0 + 6_000 },
        ],
      },
    ]);
  });

  it('answers 404 error JSON for other routes and 400 for a body that is not JSON', async () => {
    const other = await fetch(`${h.sim.rootUrl}v1b3/projects/p/jobs`);
    assert.equal(other.status, 404);
    assert.deepEqual(await other.json(), {
      error: {
        code: 404,
        message:
          'Simulator: no route for GET /v1b3/projects/p/jobs; supported: POST …/locations/{l}/flexTemplates:launch, POST …/locations/{l}/templates:launch?gcsPath=…, GET …/locations/{l}/jobs[/{id}], PUT …/locations/{l}/jobs/{id} (cancel), GET …/locations/{l}/jobs/{id}/metrics; Cloud Run: POST /v2/…/jobs/{job}:run, GET /v2/…/jobs/{job}/executions[/{e}], POST /v2/…/jobs/{job}/executions/{e}:cancel',
        status: 'NOT_FOUND',
      },
    });
    const bad = await fetch(`${h.sim.rootUrl}v1b3/projects/p/locations/l/flexTemplates:launch`, {
      method: 'POST',
      body: '{"launchParameter":',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      error: {
        code: 400,
        message: 'Invalid JSON payload received. Unexpected token.',
        status: 'INVALID_ARGUMENT',
      },
    });
    assert.deepEqual(
      { ...h.sim.calls },
      {
        launch: 1,
        get: 0,
        list: 0,
        update: 0,
        metrics: 0,
        runJob: 0,
        getExecution: 0,
        listExecutions: 0,
        cancelExecution: 0,
        other: 1,
      },
    );
  });
});
