import { createServer } from 'node:net';

// Ports this process handed out: two parts of one stack starting at once must not get the same
// port from the OS before either has bound it.
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that was free a moment ago and was not handed out before by this
 * process; never assume a fixed port is. Another process may still take it before the caller
 * binds it: start through {@link onFreePort} to try again on a new port when that happens.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

/** Resolves once `url` answers any HTTP status, or rejects after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch (error) {
      if (!isAlive()) throw new Error(`${url}: the process serving it exited`, { cause: error });
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer within ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** What a server prints when its port was taken between the probe and its own bind. */
export const PORT_TAKEN =
  /EADDRINUSE|address already in use|BindException|port \S+ is (?:already )?in use/i;

/** A process could not bind the port it was given: another process took it first. */
export class PortTakenError extends Error {}

/**
 * Runs `start` on a fresh free port, and again on a new one each time it throws
 * {@link PortTakenError}, at most `attempts` times: a free port is only free until someone binds it.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= attempts) throw error;
    }
  }
}
