import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { PORT_TAKEN, PortTakenError, freePort, onFreePort } from '../../../src/local/ports.js';

describe('local: ports', () => {
  it('never hands out the same port twice in one process', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    assert.equal(new Set(ports).size, 20);
  });

  it('a port it hands out can be bound', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('starts again on a new port when the first was taken before the bind', async () => {
    const tried: number[] = [];
    const result = await onFreePort((port) => {
      tried.push(port);
      return tried.length < 3
        ? Promise.reject(new PortTakenError(`port ${port} taken`))
        : Promise.resolve(`up on ${port}`);
    });
    assert.equal(tried.length, 3);
    assert.equal(new Set(tried).size, 3, 'a new port each time');
    assert.equal(result, `up on ${tried[2]}`);
  });

  it('gives up after 5 taken ports, and at once on any other failure', async () => {
    let attempts = 0;
    await assert.rejects(
      onFreePort(() => {
        attempts++;
        return Promise.reject(new PortTakenError('taken'));
      }),
      PortTakenError,
    );
    assert.equal(attempts, 5);
    attempts = 0;
    await assert.rejects(
      onFreePort(() => {
        attempts++;
        return Promise.reject(new Error('no java'));
      }),
      /no java/,
    );
    assert.equal(attempts, 1);
  });

  const taken = [
    'Error: listen EADDRINUSE: address already in use 127.0.0.1:8085',
    'java.net.BindException: Address already in use',
    'io.netty.channel.unix.Errors$NativeIoException: bind(..) failed: Address already in use',
  ];
  for (const text of taken) {
    it(`recognises a taken port in ${JSON.stringify(text.slice(0, 40))}`, () => {
      assert.match(text, PORT_TAKEN);
    });
  }

  it('does not mistake other start failures for a taken port', () => {
    assert.doesNotMatch('Error: Cannot find module dist/index.js', PORT_TAKEN);
  });
});
