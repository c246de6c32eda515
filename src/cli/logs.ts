import { sinceTime } from './since.js';
import { LOG_LABELS } from '../log/cloud-logging.js';
import type { EntriesPort, LogEntryView } from './logs-entries.js';
import { isMissingCredentials, NoAnswerError, withDeadline } from './failure.js';

/** The window when --since is not given: the last 7 days. */
const DEFAULT_SINCE_MS = 7 * 86_400_000;

/** How often --follow asks for newer entries. */
export const FOLLOW_EVERY_MS = 2_000;

/** The events that end a run: --follow stops after one. */
export const END_EVENTS: readonly string[] = ['run.succeeded', 'run.failed', 'run.cancelled'];

/** The options of `dfchain logs` as typed. */
export interface LogsArgs {
  readonly runId?: string | undefined;
  readonly since?: string | undefined;
}

/** What `dfchain logs` asks Cloud Logging for, checked. */
export interface LogsQuery {
  readonly runId: string;
  /** ISO time: entries at or after it. */
  readonly since: string;
}

/** The query the options ask for, or the one line that refuses them (exit 1). */
export function logsQuery(args: LogsArgs, now: Date): LogsQuery | string {
  if (!args.runId) return 'dfchain logs: needs a run id: dfchain logs RUN_ID';
  const since = sinceTime(args.since, now, DEFAULT_SINCE_MS);
  if (since === undefined) {
    return `dfchain logs: --since must be an ISO time (2026-11-22T10:00:00Z) or a duration back from now (30m, 2h, 3d), got "${args.since}"`;
  }
  return { runId: args.runId, since };
}

/** A string literal of the Logging query language. */
function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The Logging query of a run's entries at or after `since`: the function's entries (a Cloud
 * Functions gen2 service named dfchain, see "Observing runs: Cloud Logging, metrics and alerts" in the README)
 * labelled with the run (LOG_LABELS.runId).
 */
export function logsFilter(runId: string, since: string): string {
  return [
    'resource.type="cloud_run_revision"',
    'resource.labels.service_name="dfchain"',
    `labels.${quoted(LOG_LABELS.runId)}=${quoted(runId)}`,
    `timestamp>=${quoted(since)}`,
  ].join(' AND ');
}

/**
 * The Logs Explorer page of `filter` in `projectId`. The format, path parameter `;query=` with
 * the encoded query then `?project=`, is the one github.com/vvakame/gcplogurl (logurl.go)
 * builds: `https://console.cloud.google.com/logs/query;query=<query>?project=<project>`.
 */
export function explorerUrl(filter: string, projectId: string): string {
  return `https://console.cloud.google.com/logs/query;query=${encodeURIComponent(filter)}?project=${encodeURIComponent(projectId)}`;
}

function field(entry: LogEntryView, name: string): string | undefined {
  if (typeof entry.payload === 'string') return undefined;
  const value = entry.payload[name];
  return typeof value === 'string' ? value : undefined;
}

/** `TIME  SEVERITY  EVENT  message`; a text entry shows `-` as its event. */
export function entryLine(entry: LogEntryView): string {
  const message =
    typeof entry.payload === 'string' ? entry.payload : (field(entry, 'message') ?? '');
  const event = field(entry, 'event') ?? '-';
  // EVENT padded as npm start pads it (run.deadline_missed and longer ones push the message on).
  return `${entry.timestamp}  ${entry.severity.padEnd(7)}  ${event.padEnd(15)}  ${message}`;
}

/** `--json`: the entry's jsonPayload (or {textPayload}) with its timestamp, severity, insertId. */
export function entryJson(entry: LogEntryView): string {
  const payload =
    typeof entry.payload === 'string' ? { textPayload: entry.payload } : entry.payload;
  return JSON.stringify({
    ...payload,
    timestamp: entry.timestamp,
    severity: entry.severity,
    insertId: entry.insertId,
  });
}

/** Where the command's calls go, for its failure line. */
export interface LogsPlace {
  readonly projectId: string;
  /** DFCHAIN_LOGGING_ROOT_URL, when set. */
  readonly root?: URL;
}

function placeText(place: LogsPlace): string {
  return place.root
    ? `the Cloud Logging stand-in at ${place.root.origin} (DFCHAIN_LOGGING_ROOT_URL)`
    : 'Cloud Logging at logging.googleapis.com';
}

// gRPC codes, as google-gax's REST transport reports HTTP errors too.
const DEADLINE_EXCEEDED = 4;
const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The error and its causes, outermost first (bounded: a looping chain must not hang). */
function chain(error: unknown): unknown[] {
  const all: unknown[] = [error];
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause; depth++) {
    current = current.cause;
    all.push(current);
  }
  return all;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

/** The one line `dfchain logs` prints for `error`. */
export function logsFailureLine(error: unknown, place: LogsPlace): string {
  const prefix = 'dfchain logs:';
  const where = placeText(place);
  if (isMissingCredentials(error)) {
    return `${prefix} no Google credentials to call ${where}: run "gcloud auth application-default login", or set DFCHAIN_LOGGING_ROOT_URL to a local stand-in`;
  }
  const errors = chain(error);
  const code = errors
    .map((e) => (e as { code?: unknown } | null)?.code)
    .find((c) => c !== undefined && c !== null);
  const network = errors.some((e) => NETWORK_CODES.has(String((e as { code?: unknown })?.code)));
  const timedOut = errors.find((e) => e instanceof NoAnswerError);
  if (timedOut || network || code === UNAVAILABLE || code === DEADLINE_EXCEEDED) {
    const why = timedOut
      ? timedOut.message
      : network
        ? 'no connection'
        : code === UNAVAILABLE
          ? 'unavailable'
          : 'no answer in time';
    const advice = place.root
      ? 'start it, or correct or unset DFCHAIN_LOGGING_ROOT_URL'
      : 'check the network connection and proxy (HTTPS_PROXY)';
    return `${prefix} cannot reach ${where}: ${why}; ${advice}`;
  }
  if (code === PERMISSION_DENIED || code === 403) {
    return `${prefix} ${where} denied reading the logs of project ${place.projectId}: grant roles/logging.viewer on the project to the account of "gcloud auth application-default login" (or of GOOGLE_APPLICATION_CREDENTIALS)`;
  }
  if (code === UNAUTHENTICATED || code === 401) {
    return `${prefix} ${where} refused the credentials (expired or revoked): run "gcloud auth application-default login" again`;
  }
  return `${prefix} ${where} failed: ${firstLine(errors[errors.length - 1])}`;
}

/** How `dfchain logs` prints and waits. */
export interface LogsOptions extends LogsPlace {
  readonly json: boolean;
  readonly follow: boolean;
  /** Waits between --follow's polls; setTimeout by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every page of `filter`, each page within the CLI's deadline. */
async function listAll(port: EntriesPort, filter: string): Promise<LogEntryView[]> {
  const all: LogEntryView[] = [];
  let token: string | undefined;
  do {
    const page = await withDeadline(port.list(filter, token));
    all.push(...page.entries);
    token = page.next;
  } while (token !== undefined);
  return all;
}

/**
 * `dfchain logs RUN_ID [--follow] [--since T] [--json]`: the run's entries in Cloud Logging,
 * oldest first (entries.list, every page), then the Logs Explorer URL of the same query
 * (stdout; stderr with --json, whose stdout is one JSON object per entry). --follow asks
 * again every 2 s for entries at or after the last one seen (deduplicated by insertId) until
 * the run's end line (run.succeeded, run.failed, run.cancelled) or Ctrl-C (the URL is printed
 * before it waits).
 * Exit 0 when entries were printed; 1 when there were none ("no entries…" on stderr, the URL
 * still printed) or Cloud Logging could not be read (one line on stderr).
 */
export async function logsCommand(
  port: EntriesPort,
  query: LogsQuery,
  options: LogsOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const filter = logsFilter(query.runId, query.since);
  const url = explorerUrl(filter, options.projectId);
  const printUrl = () => (options.json ? err : out)(`Logs Explorer: ${url}`);
  const seen = new Set<string>();
  let last: string | undefined;
  let ended = false;
  const print = (entries: readonly LogEntryView[]) => {
    for (const entry of entries) {
      if (entry.insertId !== '' && seen.has(entry.insertId)) continue;
      seen.add(entry.insertId);
      if (entry.timestamp !== '') last = entry.timestamp;
      out(options.json ? entryJson(entry) : entryLine(entry));
      if (END_EVENTS.includes(field(entry, 'event') ?? '')) ended = true;
    }
  };
  try {
    print(await listAll(port, filter));
    if (options.follow) {
      // At once: a followed run may go on for hours.
      printUrl();
      const sleep = options.sleep ?? realSleep;
      while (!ended) {
        await sleep(FOLLOW_EVERY_MS);
        print(await listAll(port, logsFilter(query.runId, last ?? query.since)));
      }
    }
  } catch (error) {
    err(logsFailureLine(error, options));
    printUrl();
    return 1;
  }
  if (options.follow) return 0;
  if (seen.size === 0) {
    err(
      `dfchain logs: no entries of run ${query.runId} since ${query.since} in project ${options.projectId}`,
    );
    printUrl();
    return 1;
  }
  printUrl();
  return 0;
}
