import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import sinon from 'sinon';
import { startConsole, type ConsoleServer } from '../../../src/console/server.js';
import { call, consoleContext, jsonOf, serve, webRootWithPage } from './kit.js';

/** The machine's first non-loopback IPv4 address, if it has one. */
function otherAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((a) => a.family === 'IPv4' && !a.internal)?.address;
}

/** The error of a connection to host:port (undefined when it connected). */
function connectError(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const req = request({
      host,
      port,
      path: '/api/config',
      headers: { host: `127.0.0.1:${port}` },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (error) => resolve(error));
    req.end();
  });
}

describe('console server: startConsole', () => {
  const { root } = webRootWithPage();
  let servers: ConsoleServer[];

  beforeEach(() => (servers = []));
  afterEach(async () => {
    sinon.restore();
    for (const server of servers) await server.close();
  });

  async function started(ctx = consoleContext()): Promise<ConsoleServer> {
    const server = await serve(ctx, root);
    servers.push(server);
    return server;
  }

  it('listens on 127.0.0.1 at the port given (0: a free one) and says so in its url', async () => {
    const server = await started();
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
    assert.equal((await call(server.port, '/api/config')).status, 200);
  });

  it('refuses connections on another loopback address (127.0.0.2): bound to 127.0.0.1 only', async () => {
    const server = await started();
    const error = await connectError('127.0.0.2', server.port);
    assert.equal(error?.code, 'ECONNREFUSED');
  });

  const other = otherAddress();
  it(
    other
      ? `refuses connections on this machine's non-loopback address ${other}`
      : 'this machine has no non-loopback IPv4 address: the refusal on another interface is not checked, only that 127.0.0.1 answers',
    async () => {
      const server = await started();
      if (other) assert.equal((await connectError(other, server.port))?.code, 'ECONNREFUSED');
      assert.equal(await connectError('127.0.0.1', server.port), undefined);
    },
  );

  for (const host of [
    'evil.example',
    'evil.example:PORT',
    '127.0.0.1:1',
    'localhost',
    '[::1]:PORT',
  ]) {
    it(`answers 403 to a Host header "${host}" (DNS rebinding)`, async () => {
      const server = await started();
      const answer = await call(server.port, '/api/config', {
        headers: { host: host.replace('PORT', String(server.port)) },
      });
      assert.equal(answer.status, 403);
      assert.match(answer.body, /^refused: this console answers only http:\/\/127\.0\.0\.1:\d+\//);
      assert.doesNotMatch(answer.body, /projectId/);
    });
  }

  for (const host of ['127.0.0.1:PORT', 'localhost:PORT']) {
    it(`answers a Host header "${host}"`, async () => {
      const server = await started();
      const answer = await call(server.port, '/api/config', {
        headers: { host: host.replace('PORT', String(server.port)) },
      });
      assert.equal(answer.status, 200);
      assert.equal(jsonOf<{ projectId: string }>(answer).projectId, 'p');
    });
  }

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const first = await started();
    await assert.rejects(startConsole(consoleContext(), { port: first.port, webRoot: root }), {
      code: 'EADDRINUSE',
    });
  });

  it('close() ends open live streams and stops their views', async () => {
    const ctx = consoleContext();
    const server = await serve(ctx, root);
    const ended = new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/events?view=runs' },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('close', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    while (ctx.feed.watches.length === 0) await new Promise((r) => setImmediate(r));
    await server.close();
    const text = await ended;
    assert.match(text, /^retry: \d+\n\n/);
    assert.match(text, /\ndata: \{"runs":\[\]/);
    assert.equal(ctx.feed.watches.length, 1);
    assert.equal(ctx.feed.watches[0]!.stopped, true, 'the view stopped watching the store');
  });

  it('a fault of its own code answers 500 with a sentence, never a stack trace', async () => {
    const ctx = consoleContext();
    sinon.stub(ctx, 'now').throws(new Error('clock broke'));
    const server = await started(ctx);
    const answer = await call(server.port, '/api/runs');
    assert.equal(answer.status, 500);
    assert.deepEqual(jsonOf(answer), {
      error: 'the console failed: clock broke',
      kind: 'unavailable',
    });
  });
});
