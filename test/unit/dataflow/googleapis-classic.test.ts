import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataflowPort } from '../../../src/dataflow/googleapis.js';
import type { ClassicTemplateLaunch } from '../../../src/dataflow/job.js';
import {
  DataflowPermanentError,
  DataflowQuotaError,
  DataflowTransientError,
  JobAlreadyExistsError,
} from '../../../src/errors.js';

const ref = { projectId: 'my-proj', location: 'europe-west4' };
const request: ClassicTemplateLaunch = {
  kind: 'classic',
  gcsPath: 'gs://b/templates/export',
  launchParameter: {
    jobName: 'export-0123456789ab',
    parameters: { day: '2024-05-01' },
    environment: { tempLocation: 'gs://b/tmp', additionalUserLabels: { 'dfchain-run': 'r1' } },
  },
};
const LAUNCH_PATH = '/v1b3/projects/my-proj/locations/europe-west4/templates:launch';
const apiJob = {
  id: 'j-1',
  name: 'export-0123456789ab',
  projectId: 'my-proj',
  location: 'europe-west4',
  currentState: 'JOB_STATE_QUEUED',
  labels: { 'dfchain-run': 'r1' },
};

describe('createDataflowPort: classic templates (templates.launch)', () => {
  let server: Server;
  let seen: { method: string; url: URL; body: unknown }[];
  let answer: { status: number; body: unknown };
  let port: ReturnType<typeof createDataflowPort>;

  beforeEach(async () => {
    seen = [];
    answer = { status: 200, body: { job: apiJob } };
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: new URL(req.url ?? '', 'http://x'),
          body: JSON.parse(text) as unknown,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
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

  it('launchTemplate POSTs LaunchTemplateParameters with gcsPath as the query parameter', async () => {
    const job = await port.launchTemplate(ref, request);
    assert.deepEqual(job, { ...apiJob, labels: {} });
    const [call] = seen;
    assert.equal(call?.method, 'POST');
    assert.equal(call.url.pathname, LAUNCH_PATH);
    assert.deepEqual([...call.url.searchParams], [['gcsPath', 'gs://b/templates/export']]);
    assert.deepEqual(call.body, request.launchParameter);
  });

  it('a launch answered without a job is a permanent error naming templates.launch', async () => {
    answer = { status: 200, body: {} };
    await assert.rejects(port.launchTemplate(ref, request), {
      name: 'DataflowPermanentError',
      message:
        'Dataflow templates.launch projects/my-proj/locations/europe-west4 (job export-0123456789ab) failed: the answer has no job (not an HTTP or network fault: retrying cannot help)',
    });
  });

  const statuses = [
    [400, 'INVALID_ARGUMENT', DataflowPermanentError],
    [409, 'ALREADY_EXISTS', JobAlreadyExistsError],
    [429, 'RESOURCE_EXHAUSTED', DataflowQuotaError],
    [503, 'UNAVAILABLE', DataflowTransientError],
  ] as const;
  for (const [code, status, type] of statuses) {
    it(`HTTP ${code} ${status} from a classic launch is ${type.name}, as from a Flex one`, async () => {
      answer = { status: code, body: { error: { code, status, message: `simulated ${status}` } } };
      const error: unknown = await port.launchTemplate(ref, request).catch((e: unknown) => e);
      assert.ok(error instanceof type, String(error));
      assert.deepEqual(error.details, {
        operation:
          'templates.launch projects/my-proj/locations/europe-west4 (job export-0123456789ab)',
        httpStatus: code,
        status,
      });
      assert.equal(seen.length, 1);
    });
  }

  it('validateTemplate sends validateOnly=true as a query parameter and resolves without a job', async () => {
    answer = { status: 200, body: {} };
    await port.validateTemplate(ref, request);
    const [call] = seen;
    assert.equal(call?.url.pathname, LAUNCH_PATH);
    assert.deepEqual(Object.fromEntries(call.url.searchParams), {
      gcsPath: 'gs://b/templates/export',
      validateOnly: 'true',
    });
    assert.deepEqual(call.body, request.launchParameter);
  });

  it('a dry run that answers with a job is a permanent error telling how to cancel it', async () => {
    await assert.rejects(port.validateTemplate(ref, request), (error: unknown) => {
      assert.ok(error instanceof DataflowPermanentError);
      assert.match(
        error.message,
        /launched job j-1 instead of only validating: cancel it \(gcloud dataflow jobs cancel j-1 --region europe-west4\)/,
      );
      return true;
    });
  });

  it('a refused dry run is a DataflowPermanentError with Google status and message', async () => {
    answer = {
      status: 400,
      body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Invalid template file' } },
    };
    await assert.rejects(port.validateTemplate(ref, request), (error: unknown) => {
      assert.ok(error instanceof DataflowPermanentError);
      assert.match(
        error.message,
        /^Dataflow templates\.launch .*\(validateOnly, job export-0123456789ab\) failed: HTTP 400 INVALID_ARGUMENT: Invalid template file/,
      );
      return true;
    });
  });
});
