import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEB_ROOT } from './assets.js';
import type { ConsoleContext } from './context.js';
import type { LiveTiming } from './live.js';
import { route } from './routes.js';

/** The only address the console listens on: the console reads and acts with its user's credentials. */
export const CONSOLE_HOST = '127.0.0.1';

/** The port `dfchain console` takes when --port is not given. */
export const DEFAULT_CONSOLE_PORT = 8742;

/** A running console. */
export interface ConsoleServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every open live stream. */
  close(): Promise<void>;
}

/** Where and how the console serves. */
export interface ServeOptions {
  /** 0: a free port. */
  readonly port: number;
  /** The built page (default: the package's dist/web). */
  readonly webRoot?: string;
  readonly live?: LiveTiming;
}

/**
 * The Host header names this console (127.0.0.1 or localhost at its port). Any other name is a
 * page of another site that had its own host name resolve to 127.0.0.1 (DNS rebinding) to read
 * the console: refused.
 */
function ownHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return host === `${CONSOLE_HOST}:${port}` || host === `localhost:${port}`;
}

/**
 * Starts the console's web server on 127.0.0.1 only (never another interface). Resolves once
 * it listens; rejects with the listen error (EADDRINUSE: the port is taken).
 */
export async function startConsole(
  ctx: ConsoleContext,
  options: ServeOptions,
): Promise<ConsoleServer> {
  const routes = {
    ctx,
    webRoot: options.webRoot ?? WEB_ROOT,
    ...(options.live ? { live: options.live } : {}),
  };
  let port = options.port;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!ownHost(req, port)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(
        `refused: this console answers only http://${CONSOLE_HOST}:${port}/ (Host was "${req.headers.host ?? ''}")`,
      );
      return;
    }
    route(routes, req, res).catch((error: unknown) => {
      // A fault of the console's own code: the page gets a sentence, never a stack trace.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent)
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: `the console failed: ${message}`, kind: 'unavailable' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, CONSOLE_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${CONSOLE_HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live streams never end by themselves.
        server.closeAllConnections();
      }),
  };
}
