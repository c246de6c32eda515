import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDataflowPort } from '../../../src/dataflow/googleapis.js';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import { DataflowPermanentError, DataflowTransientError } from '../../../src/errors.js';

const ref = { projectId: 'my-proj', location: 'europe-west4' };
const METRICS = {
  metricTime: '2026-11-30T10:00:00.000Z',
  metrics: [
    {
      name: {
        origin: 'dataflow/v1b3',
        name: 'TotalVcpuTime',
        context: { original_name: 'Service-cpu_num_seconds' },
      },
      scalar: 3600,
      updateTime: '2026-11-30T10:00:00.000Z',
    },
  ],
};

describe('createDataflowPort (googleapis): getMetrics against a local HTTP server', () => {
  let server: Server;
  let urls: string[];
  let reply: { status: number; body: unknown };
  let port: DataflowPort;

  beforeEach(async () => {
    urls = [];
    reply = { status: 200, body: METRICS };
    server = createServer((req, res) => {
      urls.push(`${req.method ?? ''} ${req.url ?? ''}`);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port: listening } = server.address() as AddressInfo;
    port = createDataflowPort({ rootUrl: `http://127.0.0.1:${listening}/`, timeoutMs: 500 });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('GETs the locations form of jobs.getMetrics and returns the JobMetrics as sent', async () => {
    assert.deepEqual(await port.getMetrics!(ref, 'j-1'), METRICS);
    assert.deepEqual(urls, ['GET /v1b3/projects/my-proj/locations/europe-west4/jobs/j-1/metrics']);
  });

  it('an answer without metrics (Google leaves out an empty list) is an empty list', async () => {
    reply = { status: 200, body: {} };
    assert.deepEqual(await port.getMetrics!(ref, 'j-1'), { metricTime: null, metrics: [] });
  });

  it('a 404 is permanent (no such job there), not the lag of jobs.get', async () => {
    reply = {
      status: 404,
      body: { error: { code: 404, status: 'NOT_FOUND', message: 'Job j-1 not found' } },
    };
    await assert.rejects(
      port.getMetrics!(ref, 'j-1'),
      (error: unknown) =>
        error instanceof DataflowPermanentError &&
        error.message.startsWith(
          'Dataflow jobs.getMetrics projects/my-proj/locations/europe-west4/jobs/j-1 failed: HTTP 404 NOT_FOUND: Job j-1 not found',
        ),
    );
  });

  it('a 503 is transient', async () => {
    reply = {
      status: 503,
      body: { error: { code: 503, status: 'UNAVAILABLE', message: 'try later' } },
    };
    await assert.rejects(port.getMetrics!(ref, 'j-1'), DataflowTransientError);
  });
});
