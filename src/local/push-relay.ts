import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pushedMessageId, type DeliveryLedger } from './deliveries.js';

/** A local HTTP relay between the Pub/Sub emulator's push and the function. */
export interface PushRelay {
  /** Base URL to give the push subscription; paths are forwarded as they come. */
  readonly url: string;
  stop(): Promise<void>;
}

// Hop-by-hop and length headers belong to each connection, not to the forwarded request.
const HOP_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
]);

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_HEADERS.has(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Starts a relay that forwards every push to `targetUrl` and records, per message id, the push and
 * whether the function acknowledged it (2xx): the emulator keeps its acknowledgements to itself,
 * and tests need them to prove "acknowledged once" without sleeping. It listens on port 0, so the
 * port it reports is the one it holds.
 */
export async function startPushRelay(
  targetUrl: string,
  ledger: DeliveryLedger,
): Promise<PushRelay> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const messageId = pushedMessageId(body.toString('utf8'));
      void (async () => {
        let status: number | undefined;
        try {
          const answer = await fetch(`${targetUrl}${request.url ?? '/'}`, {
            method: request.method ?? 'POST',
            headers: forwardable(request.headers),
            ...(body.length > 0 ? { body } : {}),
          });
          status = answer.status;
          const text = Buffer.from(await answer.arrayBuffer());
          // Recorded before answering, so a waiter sees the ack no later than the emulator does.
          if (messageId !== undefined) ledger.record(messageId, status);
          response.writeHead(status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          response.end(text);
        } catch {
          // The function did not answer (it died, or is restarting): a nack, as for Pub/Sub.
          if (messageId !== undefined && status === undefined) ledger.record(messageId, undefined);
          if (!response.headersSent) response.writeHead(502);
          response.end();
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
