import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataflowPort } from '../../../src/dataflow/googleapis.js';
import { DataflowPermanentError, DataflowTransientError } from '../../../src/errors.js';

const ref = { projectId: 'my-proj', location: 'europe-west4' };
const request = {
  launchParameter: {
    jobName: 'ingest-0123456789ab',
    containerSpecGcsPath: 'gs://b/t.json',
    parameters: { date: '2024-01-31' },
  },
};

describe('createDataflowPort: validateFlexTemplate (a dry run)', () => {
  let server: Server;
  let bodies: { url: string; body: unknown }[];
  let answer: { status: number; body: unknown };
  let port: ReturnType<typeof createDataflowPort>;

  beforeEach(async () => {
    bodies = [];
    answer = { status: 200, body: {} };
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push({ url: req.url ?? '', body: JSON.parse(text) as unknown });
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

  it('POSTs the launch body with validateOnly: true and resolves on an answer without a job', async () => {
    await port.validateFlexTemplate(ref, request);
    assert.deepEqual(bodies, [
      {
        url: '/v1b3/projects/my-proj/locations/europe-west4/flexTemplates:launch',
        body: { ...request, validateOnly: true },
      },
    ]);
  });

  it('a refusal is a DataflowPermanentError naming the dry run, Google status and message', async () => {
    answer = {
      status: 400,
      body: {
        error: {
          code: 400,
          status: 'INVALID_ARGUMENT',
          message: 'Invalid template file gs://b/t.json',
        },
      },
    };
    await assert.rejects(port.validateFlexTemplate(ref, request), (error: unknown) => {
      assert.ok(error instanceof DataflowPermanentError);
      assert.equal(
        error.message,
        "Dataflow flexTemplates.launch projects/my-proj/locations/europe-west4 (validateOnly, job ingest-0123456789ab) failed: HTTP 400 INVALID_ARGUMENT: Invalid template file gs://b/t.json (the request is invalid: check the step's Parameters in the chain file)",
      );
      assert.deepEqual(error.details.httpStatus, 400);
      return true;
    });
  });

  it('a 503 is transient; an answer with a job means it was launched for real: permanent, saying to cancel it', async () => {
    answer = { status: 503, body: { error: { code: 503, status: 'UNAVAILABLE', message: 'x' } } };
    await assert.rejects(port.validateFlexTemplate(ref, request), DataflowTransientError);
    answer = { status: 200, body: { job: { id: '2024-01-31_00_00_00-1' } } };
    await assert.rejects(port.validateFlexTemplate(ref, request), (error: unknown) => {
      assert.ok(error instanceof DataflowPermanentError);
      assert.match(
        error.message,
        /launched job 2024-01-31_00_00_00-1 instead of only validating: cancel it/,
      );
      return true;
    });
  });
});
