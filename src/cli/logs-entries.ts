import type { Logging } from '@google-cloud/logging';

/** One Cloud Logging entry as `dfchain logs` reads it. */
export interface LogEntryView {
  readonly insertId: string;
  /** ISO time. */
  readonly timestamp: string;
  /** DEFAULT, INFO, NOTICE, …; DEFAULT when the entry has none. */
  readonly severity: string;
  /** The jsonPayload as an object, or the textPayload (empty when neither). */
  readonly payload: Readonly<Record<string, unknown>> | string;
}

/** One page of entries.list; `next` is the page token of the following page, if any. */
export interface EntriesPage {
  readonly entries: readonly LogEntryView[];
  readonly next?: string;
}

/** What `dfchain logs` needs of Cloud Logging: one page of entries.list for a filter. */
export interface EntriesPort {
  list(filter: string, pageToken?: string): Promise<EntriesPage>;
}

/** Entries asked for per page (entries.list takes up to 1000). */
export const PAGE_SIZE = 1000;

/**
 * `DFCHAIN_LOGGING_ROOT_URL`: an http(s) URL standing in for logging.googleapis.com (a local
 * stand-in answering POST /v2/entries:list), or undefined for Google's API. Throws on a value
 * that is not an http(s) URL.
 */
export function loggingRootUrl(env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const text = env['DFCHAIN_LOGGING_ROOT_URL'] || undefined;
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(
      `DFCHAIN_LOGGING_ROOT_URL="${text}" is not an http(s) URL; use e.g. http://127.0.0.1:8090/ or unset it for Google's API`,
    );
  }
  return url;
}

/**
 * Options of the Logging client: REST (google-gax's `fallback`), so that the same transport
 * reaches Google (logging.googleapis.com:443 with Application Default Credentials) and a local
 * stand-in at `root` (its host, port and protocol, no credentials: the stand-in, like an
 * emulator, takes none).
 */
export function loggingOptions(projectId: string, root?: URL): Record<string, unknown> {
  if (root === undefined) return { projectId, fallback: true };
  const https = root.protocol === 'https:';
  return {
    projectId,
    fallback: true,
    apiEndpoint: root.hostname,
    port: root.port ? Number(root.port) : https ? 443 : 80,
    protocol: https ? 'https' : 'http',
    // What google-gax's REST stub calls on its auth client: headers (none) and fetch.
    authClient: {
      getRequestHeaders: () => Promise.resolve(new Headers()),
      fetch: (url: string, init: RequestInit) => fetch(url, init),
    },
  };
}

/** Cloud Logging's severity as its name (the REST surface may send the number). */
const SEVERITY_NAMES: Readonly<Record<number, string>> = {
  0: 'DEFAULT',
  100: 'DEBUG',
  200: 'INFO',
  300: 'NOTICE',
  400: 'WARNING',
  500: 'ERROR',
  600: 'CRITICAL',
  700: 'ALERT',
  800: 'EMERGENCY',
};

function severityName(value: unknown): string {
  if (typeof value === 'number') return SEVERITY_NAMES[value] ?? String(value);
  return typeof value === 'string' && value !== '' ? value : 'DEFAULT';
}

function isoTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  // A protobuf Timestamp: {seconds, nanos}.
  const t = value as { seconds?: unknown; nanos?: unknown } | null | undefined;
  if (t && (typeof t.seconds === 'number' || typeof t.seconds === 'string')) {
    const ms = Number(t.seconds) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
    return new Date(ms).toISOString();
  }
  return '';
}

/** What the Logging client's Entry holds, as far as this reads it. */
interface ClientEntry {
  readonly metadata: { insertId?: unknown; timestamp?: unknown; severity?: unknown };
  readonly data: unknown;
}

/** An entry of the client as `dfchain logs` reads it. */
export function entryView(entry: ClientEntry): LogEntryView {
  const { metadata, data } = entry;
  const payload =
    typeof data === 'string'
      ? data
      : typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : '';
  return {
    insertId: typeof metadata.insertId === 'string' ? metadata.insertId : '',
    timestamp: isoTime(metadata.timestamp),
    severity: severityName(metadata.severity),
    payload,
  };
}

/**
 * The port through @google-cloud/logging: `Logging#getEntries` (entries.list), oldest first,
 * one page a call (autoPaginate off: the command pages, so --follow and a deadline see each
 * page), on project `projectId`.
 */
export function loggingEntriesPort(logging: Logging, projectId: string): EntriesPort {
  return {
    async list(filter, pageToken) {
      const [entries, , response] = await logging.getEntries({
        filter,
        orderBy: 'timestamp asc',
        pageSize: PAGE_SIZE,
        resourceNames: [`projects/${projectId}`],
        autoPaginate: false,
        ...(pageToken !== undefined ? { pageToken } : {}),
      });
      const next = (response as { nextPageToken?: unknown } | undefined)?.nextPageToken;
      return {
        entries: entries.map((entry) => entryView(entry as unknown as ClientEntry)),
        ...(typeof next === 'string' && next !== '' ? { next } : {}),
      };
    },
  };
}

/** The port for the CLI's environment: Google's API, or DFCHAIN_LOGGING_ROOT_URL's stand-in. */
export async function cliEntriesPort(projectId: string, root?: URL): Promise<EntriesPort> {
  // Loaded on use: the package's index brings the whole Logging API client.
  const { Logging } = await import('@google-cloud/logging');
  return loggingEntriesPort(new Logging(loggingOptions(projectId, root)), projectId);
}
