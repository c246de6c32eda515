import { sinceTime } from './since.js';
import { RUN_STATUSES, type Run, type RunStatus } from '../engine/run.js';
import type { RunStore } from '../store/port.js';
import { endpointOf, failureLine, withDeadline, type Endpoint } from './failure.js';
import type { QueuedView } from './status-admission.js';
import { table } from './status.js';
import { duration } from './duration.js';

/** What the STATUS column shows: a run's status, or QUEUED for one waiting to begin. */
export const LISTED_STATUSES = [...RUN_STATUSES, 'QUEUED'] as const;
export type ListedStatus = (typeof LISTED_STATUSES)[number];

/** Runs listed when --limit is not given, and the most --limit takes. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** The window when --since is not given: the last 24 hours. */
const DEFAULT_SINCE_MS = 24 * 3600_000;

/** The options of `dfchain runs` as typed (strings, unchecked). */
export interface RunsArgs {
  readonly chain?: string | undefined;
  readonly status?: string | undefined;
  readonly since?: string | undefined;
  readonly limit?: string | undefined;
}

/** What `dfchain runs` lists, checked. */
export interface RunsQuery {
  readonly chain?: string;
  readonly status?: ListedStatus;
  /** ISO time. */
  readonly since: string;
  readonly limit: number;
}

/**
 * The query the options ask for, or the one line that refuses them (exit 1). `--since` is an
 * ISO time or a duration back from `now`: 90s, 30m, 2h, 3d, 1w.
 */
export function runsQuery(args: RunsArgs, now: Date): RunsQuery | string {
  let status: ListedStatus | undefined;
  if (args.status !== undefined) {
    const upper = args.status.toUpperCase();
    status = LISTED_STATUSES.find((s) => s === upper);
    if (status === undefined) {
      return `dfchain runs: --status must be one of ${LISTED_STATUSES.join(', ')}, got "${args.status}"`;
    }
  }
  const since = sinceTime(args.since, now, DEFAULT_SINCE_MS);
  if (since === undefined) {
    return `dfchain runs: --since must be an ISO time (2026-11-22T10:00:00Z) or a duration back from now (30m, 2h, 3d), got "${args.since}"`;
  }
  let limit = DEFAULT_LIMIT;
  if (args.limit !== undefined) {
    limit = /^\d+$/.test(args.limit) ? Number(args.limit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      return `dfchain runs: --limit must be a whole number from 1 to ${MAX_LIMIT}, got "${args.limit}"`;
    }
  }
  return {
    ...(args.chain !== undefined ? { chain: args.chain } : {}),
    ...(status !== undefined ? { status } : {}),
    since,
    limit,
  };
}

/** The STATUS a run is listed with. */
export function listedStatus(run: Run): ListedStatus {
  return run.queued && run.status === 'RUNNING' ? 'QUEUED' : run.status;
}

/** One run as `dfchain runs --json` shows it. */
export interface RunSummary {
  readonly id: string;
  readonly chain: string;
  readonly status: RunStatus;
  readonly startTime: string;
  readonly endTime?: string;
  readonly error?: Run['error'];
  /** Waiting for a slot of its chain's MaxConcurrentRuns (status RUNNING): its place in line. */
  readonly queued?: QueuedView;
}

/** How `dfchain runs` prints. */
export interface RunsOptions {
  readonly json: boolean;
  /** Where the store's calls go, for the failure line. */
  readonly endpoint?: Endpoint;
  readonly projectId?: string;
  /** The time running runs' durations run to; the clock by default. */
  readonly now?: () => Date;
}

/** Place-in-line look-ups in flight at once. */
const PLACES_AT_ONCE = 16;

/**
 * The listed runs, newest first, each queued one with its place in line: read after the run
 * documents, so one admitted in between still shows, counted behind those still ahead of it.
 */
async function readRuns(store: RunStore, query: RunsQuery): Promise<RunSummary[]> {
  const runs = await store.listRuns({
    since: query.since,
    limit: query.limit,
    // In memory, not in the query: see FirestoreRunStore.listRuns.
    match: (run) =>
      (query.chain === undefined || run.chain === query.chain) &&
      (query.status === undefined || listedStatus(run) === query.status),
  });
  const places = new Map<string, number>();
  const queued = runs.filter((run) => listedStatus(run) === 'QUEUED');
  for (let i = 0; i < queued.length; i += PLACES_AT_ONCE) {
    const batch = queued.slice(i, i + PLACES_AT_ONCE);
    const ahead = await Promise.all(
      batch.map((run) => store.placeInLine({ ...run.queued!, doc: run.id })),
    );
    batch.forEach((run, j) => places.set(run.id, ahead[j]! + 1));
  }
  return runs.map((run) => summary(run, places.get(run.id)));
}

function summary(run: Run, position: number | undefined): RunSummary {
  return {
    id: run.id,
    chain: run.chain,
    status: run.status,
    startTime: run.startTime,
    ...(run.endTime !== undefined ? { endTime: run.endTime } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.queued && run.status === 'RUNNING'
      ? {
          queued: {
            pool: run.queued.pool,
            since: run.queued.at,
            ...(position !== undefined ? { position } : {}),
          },
        }
      : {}),
  };
}

/**
 * The human view: one row per run, newest first. STATUS is `QUEUED n` for a run waiting for a
 * slot of its chain's MaxConcurrentRuns (n = its place in line, 1 = next); DURATION runs to
 * the end, or to `now` while the run runs; ERROR is the run's error name.
 */
export function renderRuns(runs: readonly RunSummary[], query: RunsQuery, now: Date): string[] {
  if (runs.length === 0) return [`no runs started since ${query.since}`];
  const rows = runs.map((run) => [
    run.id,
    run.chain,
    run.queued ? `QUEUED ${run.queued.position ?? '?'}` : run.status,
    run.startTime,
    duration(Date.parse(run.endTime ?? now.toISOString()) - Date.parse(run.startTime)),
    run.error?.Error ?? '',
  ]);
  const lines = table([['RUN ID', 'CHAIN', 'STATUS', 'STARTED', 'DURATION', 'ERROR'], ...rows]);
  if (runs.length === query.limit) {
    lines.push(`(the newest ${query.limit} shown: --limit or --since for more)`);
  }
  return lines;
}

/**
 * `dfchain runs [--chain C] [--status S] [--since T] [--limit N] [--json]`: lists the runs
 * `query` asks for, newest first (one range read of the store, then the place in line of each
 * queued run), with CLI_DEADLINE_MS for all of it. Exit 0, or 1 with one line on `err` when the
 * store cannot be read (stdout stays empty).
 */
export async function runsCommand(
  store: RunStore,
  query: RunsQuery,
  options: RunsOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let runs: RunSummary[];
  try {
    runs = await withDeadline(readRuns(store, query));
  } catch (error) {
    const endpoint = options.endpoint ?? endpointOf('firestore');
    const projectId = options.projectId ?? process.env['GOOGLE_CLOUD_PROJECT'] ?? '(unset)';
    err(failureLine(error, { command: 'runs', endpoint, projectId }));
    return 1;
  }
  if (options.json) out(JSON.stringify(runs));
  else renderRuns(runs, query, options.now?.() ?? new Date()).forEach((line) => out(line));
  return 0;
}
