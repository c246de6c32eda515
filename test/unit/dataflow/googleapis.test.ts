import { strict as assert } from 'node:assert';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataflowPort } from '../../../src/dataflow/googleapis.js';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import {
  DataflowPermanentError,
  DataflowTransientError,
  JobAlreadyExistsError,
  JobNotFoundError,
} from '../../../src/errors.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Reply = (seen: Seen) => { status: number; body?: unknown } | 'hang';

const ref = { projectId: 'my-proj', location: 'europe-west4' };
const apiJob = {
  id: 'j-1',
  name: 'daily-ingest-r1-0',
  projectId: 'my-proj',
  location: 'europe-west4',
  currentState: 'JOB_STATE_DONE',
  labels: { 'dfchain-run': 'r1' },
  createTime: '2024-05-01T01:00:00.000Z',
};
const summary = {
  id: 'j-1',
  name: 'daily-ingest-r1-0',
  projectId: 'my-proj',
  location: 'europe-west4',
  currentState: 'JOB_STATE_DONE',
  labels: { 'dfchain-run': 'r1' },
};
const googleError = (code: number, status: string, message: string) => ({
  status: code,
  body: { error: { code, message, status } },
});

describe('createDataflowPort (googleapis) against a local HTTP server', () => {
  let server: Server;
  let seen: Seen[];
  let reply: Reply;
  let port: DataflowPort;

  beforeEach(async () => {
    seen = [];
    reply = () => ({ status: 200, body: apiJob });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
        };
        seen.push(request);
        const answer = reply(request);
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port: listening } = server.address() as AddressInfo;
    port = createDataflowPort({ rootUrl: `http://127.0.0.1:${listening}/`, timeoutMs: 500 });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('getJob asks the locations URL with the description view (the summary has no labels) and sends no Authorization header', async () => {
    assert.deepEqual(await port.getJob(ref, 'j-1'), summary);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.method, 'GET');
    assert.equal(
      seen[0]!.url,
      '/v1b3/projects/my-proj/locations/europe-west4/jobs/j-1?view=JOB_VIEW_DESCRIPTION',
    );
    assert.equal(seen[0]!.headers.authorization, undefined);
  });

  it('getJob fills in what the API leaves out', async () => {
    reply = () => ({ status: 200, body: { id: 'j-1', name: 'n' } });
    assert.deepEqual(await port.getJob(ref, 'j-1'), {
      id: 'j-1',
      name: 'n',
      projectId: 'my-proj',
      location: 'europe-west4',
      currentState: 'JOB_STATE_UNKNOWN',
      labels: {},
    });
  });

  it('listJobsByName lists every job of that name, newest first, as summaries without labels', async () => {
    reply = () => ({
      status: 200,
      body: {
        jobs: [
          { ...apiJob, id: 'old', createTime: '2024-04-01T00:00:00Z' },
          { ...apiJob, id: 'new', createTime: '2024-05-02T00:00:00.123456Z' },
          {
            ...apiJob,
            id: 'other',
            name: 'daily-ingest-r1-00',
            createTime: '2024-06-01T00:00:00Z',
          },
        ],
      },
    });
    const found = await port.listJobsByName(ref, 'daily-ingest-r1-0');
    assert.deepEqual(
      found.map((job) => job.id),
      ['new', 'old'],
    );
    // Even if a server sent labels here, a list answer is never trusted to carry them.
    assert.deepEqual(
      found.map((job) => job.labels),
      [{}, {}],
    );
    assert.equal(
      seen[0]!.url,
      '/v1b3/projects/my-proj/locations/europe-west4/jobs?name=daily-ingest-r1-0&filter=ALL',
    );
  });

  it('listJobsByName follows pages and answers [] when none match', async () => {
    reply = ({ url }) => ({
      status: 200,
      body: url.includes('pageToken') ? { jobs: [] } : { jobs: [], nextPageToken: 't2' },
    });
    assert.deepEqual(await port.listJobsByName(ref, 'nope'), []);
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        '/v1b3/projects/my-proj/locations/europe-west4/jobs?name=nope&filter=ALL',
        '/v1b3/projects/my-proj/locations/europe-west4/jobs?name=nope&filter=ALL&pageToken=t2',
      ],
    );
  });

  it('launchFlexTemplate POSTs the request body and maps the launched job', async () => {
    reply = () => ({ status: 200, body: { job: { ...apiJob, currentState: 'JOB_STATE_QUEUED' } } });
    const request = {
      launchParameter: {
        jobName: 'daily-ingest-r1-0',
        containerSpecGcsPath: 'gs://b/t.json',
        parameters: { date: '2024-05-01' },
        environment: { maxWorkers: 10, additionalUserLabels: { 'dfchain-run': 'r1' } },
      },
    };
    const job = await port.launchFlexTemplate(ref, request);
    assert.equal(job.currentState, 'JOB_STATE_QUEUED');
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(
      seen[0]!.url,
      '/v1b3/projects/my-proj/locations/europe-west4/flexTemplates:launch',
    );
    assert.deepEqual(JSON.parse(seen[0]!.body), request);
  });

  it('a launch answered without a job is a permanent error', async () => {
    reply = () => ({ status: 200, body: {} });
    await assert.rejects(port.launchFlexTemplate(ref, { launchParameter: { jobName: 'x' } }), {
      name: 'DataflowPermanentError',
      message:
        'Dataflow flexTemplates.launch projects/my-proj/locations/europe-west4 (job x) failed: the answer has no job (not an HTTP or network fault: retrying cannot help)',
    });
  });

  const statuses = [
    [404, 'NOT_FOUND', JobNotFoundError],
    [409, 'ALREADY_EXISTS', JobAlreadyExistsError],
    [429, 'RESOURCE_EXHAUSTED', DataflowTransientError],
    [500, 'INTERNAL', DataflowTransientError],
    [503, 'UNAVAILABLE', DataflowTransientError],
    [400, 'INVALID_ARGUMENT', DataflowPermanentError],
    [403, 'PERMISSION_DENIED', DataflowPermanentError],
  ] as const;
  for (const [code, status, type] of statuses) {
    it(`HTTP ${code} ${status} becomes ${type.name}, once (no client retry)`, async () => {
      reply = () => googleError(code, status, `simulated ${status}`);
      const error: unknown = await port.getJob(ref, 'j-1').catch((e: unknown) => e);
      assert.ok(error instanceof type, String(error));
      assert.deepEqual(error.details, {
        operation: 'jobs.get projects/my-proj/locations/europe-west4/jobs/j-1',
        httpStatus: code,
        status,
      });
      assert.match(
        error.message,
        new RegExp(
          `^Dataflow jobs\\.get projects/my-proj/locations/europe-west4/jobs/j-1 failed: HTTP ${code} ${status}: simulated ${status} \\(`,
        ),
      );
      assert.equal(seen.length, 1);
    });
  }

  it('a request past the timeout is a transient error', async () => {
    reply = () => 'hang';
    const { port: listening } = server.address() as AddressInfo;
    const impatient = createDataflowPort({
      rootUrl: `http://127.0.0.1:${listening}/`,
      timeoutMs: 50,
    });
    const error: unknown = await impatient.getJob(ref, 'j-1').catch((e: unknown) => e);
    assert.ok(error instanceof DataflowTransientError, String(error));
    assert.match(
      error.message,
      /^Dataflow jobs\.get .* failed: no HTTP answer: .* \(a transient fault: it is retried\)$/,
    );
  });

  it('a refused connection is a transient error', async () => {
    const { port: listening } = server.address() as AddressInfo;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = createServer().listen(0);
    const closed = createDataflowPort({
      rootUrl: `http://127.0.0.1:${listening}/`,
      timeoutMs: 500,
    });
    const error: unknown = await closed.getJob(ref, 'j-1').catch((e: unknown) => e);
    assert.ok(error instanceof DataflowTransientError, String(error));
    assert.equal(error.details.httpStatus, undefined);
  });
  it('listActiveJobs asks for ACTIVE jobs and maps each as a summary without labels, [] for an empty page', async () => {
    reply = ({ url }) => ({
      status: 200,
      body: url.includes('pageToken')
        ? {}
        : { jobs: [apiJob, { currentState: 'JOB_STATE_RUNNING' }], nextPageToken: 't2' },
    });
    assert.deepEqual(await port.listActiveJobs(ref), [
      { ...summary, labels: {} },
      {
        id: '',
        name: '',
        projectId: 'my-proj',
        location: 'europe-west4',
        currentState: 'JOB_STATE_RUNNING',
        labels: {},
      },
    ]);
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        '/v1b3/projects/my-proj/locations/europe-west4/jobs?filter=ACTIVE',
        '/v1b3/projects/my-proj/locations/europe-west4/jobs?filter=ACTIVE&pageToken=t2',
      ],
    );
  });

  it('listJobsByName gives a job the answer leaves without an id the empty id', async () => {
    reply = () => ({ status: 200, body: { jobs: [{ name: 'daily-ingest-r1-0' }] } });
    const [found] = await port.listJobsByName(ref, 'daily-ingest-r1-0');
    assert.equal(found?.id, '');
  });

  it('stops listing after 20 pages, the cap on a misbehaving server', async () => {
    reply = () => ({ status: 200, body: { jobs: [], nextPageToken: 'again' } });
    assert.deepEqual(await port.listJobsByName(ref, 'daily-ingest-r1-0'), []);
    assert.equal(seen.length, 20);
  });

  it('a 404 from a list names the missing project or region: permanent, not API lag', async () => {
    reply = () => googleError(404, 'NOT_FOUND', 'Location europe-west4 not found');
    const error: unknown = await port.listJobsByName(ref, 'x').catch((e: unknown) => e);
    assert.ok(error instanceof DataflowPermanentError, String(error));
    assert.equal(
      error.details.operation,
      'jobs.list projects/my-proj/locations/europe-west4/jobs?filter=ALL',
    );
  });

  it('a 404 from a launch is permanent, not API lag', async () => {
    reply = () => googleError(404, 'NOT_FOUND', 'template not found');
    const error: unknown = await port
      .launchFlexTemplate(ref, { launchParameter: { jobName: 'x' } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof DataflowPermanentError, String(error));
  });

  describe('cancelJob', () => {
    const CANCEL_URL = '/v1b3/projects/my-proj/locations/europe-west4/jobs/j-1';
    const GET_URL = `${CANCEL_URL}?view=JOB_VIEW_SUMMARY`;
    const OPERATION = 'jobs.update projects/my-proj/locations/europe-west4/jobs/j-1 (cancel)';

    it('PUTs requestedState JOB_STATE_CANCELLED to the locations URL, with no update mask', async () => {
      reply = () => ({ status: 200, body: { ...apiJob, currentState: 'JOB_STATE_RUNNING' } });
      assert.equal(await port.cancelJob(ref, 'j-1'), undefined);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.method, 'PUT');
      assert.equal(seen[0]!.url, CANCEL_URL);
      assert.deepEqual(JSON.parse(seen[0]!.body), { requestedState: 'JOB_STATE_CANCELLED' });
      assert.equal(seen[0]!.headers.authorization, undefined);
    });

    it('a refusal saying the job has terminated is success, without a look-up', async () => {
      reply = () =>
        googleError(
          400,
          'FAILED_PRECONDITION',
          "Workflow modification failed. Causes: (7603adc9e9bff51e): Cannot perform operation 'cancel' on Job: j-1. Job has terminated in state SUCCESS: Workflow job: j-1 succeeded.",
        );
      await port.cancelJob(ref, 'j-1');
      assert.deepEqual(
        seen.map((s) => s.method),
        ['PUT'],
      );
    });

    for (const [code, status] of [
      [400, 'FAILED_PRECONDITION'],
      [409, 'ABORTED'],
      [412, 'FAILED_PRECONDITION'],
    ] as const) {
      for (const state of ['JOB_STATE_DONE', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLING']) {
        it(`HTTP ${code} ${status} for a job the API shows ${state} is success`, async () => {
          reply = ({ method }) =>
            method === 'PUT'
              ? googleError(code, status, 'the job cannot be modified')
              : { status: 200, body: { ...apiJob, currentState: state } };
          await port.cancelJob(ref, 'j-1');
          assert.deepEqual(
            seen.map((s) => `${s.method} ${s.url}`),
            [`PUT ${CANCEL_URL}`, `GET ${GET_URL}`],
          );
        });
      }
    }

    it('a refusal of a job still running is the refusal: permanent for 400, transient for 409', async () => {
      let status = 400;
      reply = ({ method }) =>
        method === 'PUT'
          ? googleError(status, status === 400 ? 'INVALID_ARGUMENT' : 'ABORTED', 'no')
          : { status: 200, body: { ...apiJob, currentState: 'JOB_STATE_RUNNING' } };
      const permanent: unknown = await port.cancelJob(ref, 'j-1').catch((e: unknown) => e);
      assert.ok(permanent instanceof DataflowPermanentError, String(permanent));
      assert.deepEqual(permanent.details, {
        operation: OPERATION,
        httpStatus: 400,
        status: 'INVALID_ARGUMENT',
      });
      status = 409;
      const transient: unknown = await port.cancelJob(ref, 'j-1').catch((e: unknown) => e);
      assert.ok(transient instanceof DataflowTransientError, String(transient));
      assert.equal(
        transient.message,
        `Dataflow ${OPERATION} failed: HTTP 409 ABORTED: no (a concurrent change of the job: it is retried)`,
      );
    });

    it('a refusal whose look-up fails too is the refusal', async () => {
      reply = ({ method }) =>
        method === 'PUT'
          ? googleError(400, 'FAILED_PRECONDITION', 'no')
          : googleError(503, 'UNAVAILABLE', 'later');
      const error: unknown = await port.cancelJob(ref, 'j-1').catch((e: unknown) => e);
      assert.ok(error instanceof DataflowPermanentError, String(error));
      assert.equal(error.details.status, 'FAILED_PRECONDITION');
      assert.equal(seen.length, 2);
    });

    it('404 on a job Dataflow gave us is permanent, not API lag, and looks nothing up', async () => {
      reply = () => googleError(404, 'NOT_FOUND', 'Job j-1 not found');
      const error: unknown = await port.cancelJob(ref, 'j-1').catch((e: unknown) => e);
      assert.ok(error instanceof DataflowPermanentError, String(error));
      assert.equal(
        error.message,
        `Dataflow ${OPERATION} failed: HTTP 404 NOT_FOUND: Job j-1 not found (the job is not in this project and region: check the job's location (Dataflow forgets jobs 30 days after they end))`,
      );
      assert.equal(seen.length, 1);
    });

    for (const [code, status, type] of [
      [429, 'RESOURCE_EXHAUSTED', DataflowTransientError],
      [503, 'UNAVAILABLE', DataflowTransientError],
      [403, 'PERMISSION_DENIED', DataflowPermanentError],
    ] as const) {
      it(`HTTP ${code} ${status} is ${type.name}, once, with no look-up`, async () => {
        reply = () => googleError(code, status, 'simulated');
        const error: unknown = await port.cancelJob(ref, 'j-1').catch((e: unknown) => e);
        assert.ok(error instanceof type, String(error));
        assert.equal(seen.length, 1);
      });
    }

    it('a cancel with no answer is transient', async () => {
      reply = () => 'hang';
      const { port: listening } = server.address() as AddressInfo;
      const impatient = createDataflowPort({
        rootUrl: `http://127.0.0.1:${listening}/`,
        timeoutMs: 50,
      });
      const error: unknown = await impatient.cancelJob(ref, 'j-1').catch((e: unknown) => e);
      assert.ok(error instanceof DataflowTransientError, String(error));
    });
  });
});

describe("createDataflowPort without a root URL: Google's API with Application Default Credentials", () => {
  const saved = process.env['GOOGLE_APPLICATION_CREDENTIALS'];
  afterEach(() => {
    if (saved === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = saved;
  });

  it('authenticates every call: unreadable credentials fail it before any request', async () => {
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = '/nonexistent/dfchain-test-credentials.json';
    const port = createDataflowPort({ timeoutMs: 500 });
    const error: unknown = await port.getJob(ref, 'j-1').catch((e: unknown) => e);
    assert.ok(error instanceof DataflowPermanentError, String(error));
    assert.match(
      error.message,
      /The file at \/nonexistent\/dfchain-test-credentials\.json does not exist/,
    );
  });
});
