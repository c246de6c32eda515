import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionLine } from './function-process.js';

/**
 * Cloud Logging's numeric severities (LogSeverity in google/logging/type/log_severity.proto):
 * the client asks the REST surface for enums as numbers (`enum-encoding=int`).
 */
const SEVERITY: Readonly<Record<string, number>> = {
  DEFAULT: 0,
  DEBUG: 100,
  INFO: 200,
  NOTICE: 300,
  WARNING: 400,
  ERROR: 500,
  CRITICAL: 600,
  ALERT: 700,
  EMERGENCY: 800,
};

/** Special fields Cloud Run lifts out of a structured stdout line into the LogEntry itself. */
const LABELS_FIELD = 'logging.googleapis.com/labels';
const LIFTED = new Set(['severity', 'timestamp', LABELS_FIELD]);

/** A LogEntry as `entries.list` returns it (the fields `dfchain logs` reads). */
interface RestEntry {
  readonly insertId: string;
  readonly timestamp: string;
  readonly severity: number;
  readonly labels: Record<string, string>;
  readonly resource: { readonly type: string; readonly labels: Record<string, string> };
  readonly jsonPayload: Record<string, unknown>;
}

/** What the stand-in understands of a filter: the terms `dfchain logs` sends (see logsFilter). */
function matcher(filter: string): (entry: RestEntry) => boolean {
  const labels = [...filter.matchAll(/labels\."([^"]+)"="((?:[^"\\]|\\.)*)"/g)].map(
    ([, key, value]) => [key ?? '', JSON.parse(`"${value ?? ''}"`) as string] as const,
  );
  const since = /timestamp>="([^"]+)"/.exec(filter)?.[1];
  return (entry) =>
    labels.every(([key, value]) => entry.labels[key] === value) &&
    (since === undefined || Date.parse(entry.timestamp) >= Date.parse(since));
}

/** The function's structured line as Cloud Run would store it, stamped `received` if it has no time. */
function entryOf(json: Record<string, unknown>, n: number, received: string): RestEntry {
  const jsonPayload = Object.fromEntries(Object.entries(json).filter(([k]) => !LIFTED.has(k)));
  const labels = json[LABELS_FIELD];
  const time = json['timestamp'];
  return {
    insertId: `local-${n}`,
    timestamp: typeof time === 'string' ? time : received,
    severity: SEVERITY[String(json['severity'])] ?? 0,
    labels: typeof labels === 'object' && labels !== null ? (labels as Record<string, string>) : {},
    resource: { type: 'cloud_run_revision', labels: { service_name: 'dfchain' } },
    jsonPayload,
  };
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** A running stand-in: its root URL (DFCHAIN_LOGGING_ROOT_URL) and how to stop it. */
export interface LoggingStandIn {
  readonly rootUrl: string;
  stop(): Promise<void>;
}

/**
 * A local stand-in for the part of the Cloud Logging API's REST surface `dfchain logs` calls
 * (`POST /v2/entries:list` with a filter, page size and token), serving the local function's
 * structured lines as the entries Cloud Run would have written: so `dfchain logs RUN` works
 * on the local stack as in a project.
 */
export async function startLoggingStandIn(fn: {
  readonly lines: readonly FunctionLine[];
  onLine(listener: (line: FunctionLine) => void): () => void;
}): Promise<LoggingStandIn> {
  const entries: RestEntry[] = [];
  const add = (line: FunctionLine): void => {
    if (line.json) entries.push(entryOf(line.json, entries.length, new Date().toISOString()));
  };
  fn.lines.forEach(add);
  const off = fn.onLine(add);
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !req.url?.startsWith('/v2/entries:list')) {
      answer(404, {
        error: { code: 404, message: `no ${req.method} ${req.url}`, status: 'NOT_FOUND' },
      });
      return;
    }
    bodyOf(req).then(
      (body) => {
        const match = matcher(typeof body['filter'] === 'string' ? body['filter'] : '');
        const found = entries.filter(match).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
        const size = Math.min(Number(body['pageSize']) || 50, 1000);
        const start = Number(body['pageToken'] ?? 0) || 0;
        const next = start + size < found.length ? { nextPageToken: String(start + size) } : {};
        answer(200, { entries: found.slice(start, start + size), ...next });
      },
      (error: unknown) =>
        answer(400, { error: { code: 400, message: String(error), status: 'INVALID_ARGUMENT' } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    stop: () => {
      off();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
