import { loadavg } from 'node:os';
import { Firestore } from '@google-cloud/firestore';
import type { ChainDefinition, State } from '../../src/chain/types.js';
import { validateChain } from '../../src/chain/validate.js';
import type { JobSummary } from '../../src/dataflow/job.js';
import type { Run } from '../../src/engine/run.js';
import type { IncomingEvent } from '../../src/events/signal.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import type { HandlerDeps } from '../../src/handler/deps.js';
import type { JsonObject } from '../../src/json.js';
import { startEmulator } from '../../src/local/emulators.js';
import type { Logger, LogLine } from '../../src/log/port.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import {
  CountingFirestoreRunStore,
  DOCUMENT_LIMIT,
  STRING_PROPERTY_LIMIT,
  firestoreCounts,
  type FirestoreCounts,
} from './counting-firestore.js';
import { PushSubscription, quantile, type Delivery } from './deliveries.js';
import { completionEntry, pubsubEvent, startCommand } from './events.js';
import { benchDeps } from './fakes.js';
import { figure, type Figure } from './figures.js';
import { mulberry32 } from '../../src/local/random.js';
import { TimedFakeDataflow, type JobDuration } from './timed-dataflow.js';

const PROJECT = 'dfchain-bench';
const DEFAULTS = { Region: 'europe-west4', Environment: { tempLocation: 'gs://b/tmp' } };
/** Job-name prefix of the Task after the fan-out: its launches count the joins. */
const JOIN_PREFIX = 'join';

function task(prefix: string, parameters: JsonObject, next?: string): State {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: {
      jobName: prefix,
      containerSpecGcsPath: `gs://b/templates/${prefix}.json`,
      parameters,
    },
    ...(next === undefined ? { End: true as const } : { Next: next }),
  } as State;
}

/** A Map over `$.items` (one Task per item, at most `maxConcurrency` at once), then one Task. */
export function mapChain(maxConcurrency: number | undefined): ChainDefinition {
  return {
    StartAt: 'Each',
    Defaults: DEFAULTS,
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ...(maxConcurrency ? { MaxConcurrency: maxConcurrency } : {}),
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Work',
          States: { Work: task('item', { 'day.$': '$' }) },
        },
        ResultPath: null,
        Next: 'After',
      },
      After: task(JOIN_PREFIX, { 'date.$': '$.date' }),
    },
  } as ChainDefinition;
}

/** A Parallel of `branches` branches of one Task each, then one Task. */
export function parallelChain(branches: number): ChainDefinition {
  return {
    StartAt: 'Fan',
    Defaults: DEFAULTS,
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: Array.from({ length: branches }, (_, i) => ({
          StartAt: `B${i}`,
          States: { [`B${i}`]: task(`branch-${i}`, { 'date.$': '$.date', lane: String(i) }) },
        })),
        ResultPath: null,
        Next: 'After',
      },
      After: task(JOIN_PREFIX, { 'date.$': '$.date' }),
    },
  } as ChainDefinition;
}

/** The Map's input: `items` days. */
export function mapInput(items: number): JsonObject {
  return {
    date: '2026-11-21',
    items: Array.from({ length: items }, (_, i) => `day-${String(i).padStart(5, '0')}`),
  };
}

/** One fan-out scenario on the emulator. */
export interface FanoutScenario {
  /** Figure prefix, e.g. `fanout.map.1000`. */
  readonly name: string;
  readonly definition: ChainDefinition;
  readonly input: JsonObject;
  /** Jobs of the fan-out (items or branches): the denominator of the per-item figures. */
  readonly width: number;
  /** How long each job runs, from its launch. */
  readonly duration: (random: () => number, firstLaunchMs: () => number) => JobDuration;
  /** Deliveries in flight at most (Pub/Sub push). */
  readonly maxInFlight: number;
  /** Delay before a failed delivery comes back. */
  readonly redeliveryMs: number;
  /** Give up after this long (the run is then reported as not finished). */
  readonly budgetMs: number;
}

/** What one scenario came to. */
export interface FanoutResult {
  readonly status: string;
  /** Why the drive stopped before the run ended, if it did. */
  readonly stopped?: string;
  readonly wallMs: number;
  readonly deliveries: readonly Delivery[];
  readonly counts: FirestoreCounts;
  readonly dataflow: TimedFakeDataflow;
  readonly logEvents: ReadonlyMap<string, number>;
  /** Transitions: the start plus every job end the run recorded. */
  readonly transitions: number;
  readonly instances: number;
  readonly load: readonly [number, number];
  readonly run?: Run;
  readonly error?: string;
}

/** A logger that counts lines by event and reports the run's end. */
function countingLogger(events: Map<string, number>, onEnded: () => void): Logger {
  return {
    write(line: LogLine): void {
      events.set(line.event, (events.get(line.event) ?? 0) + 1);
      if (line.event === 'run.succeeded' || line.event === 'run.failed') onEnded();
    },
  };
}

/**
 * Drives one run through the real handler: the real FirestoreRunStore (one per function
 * instance, all on one emulator), a fake Dataflow whose jobs end after their duration, and
 * a push subscription delivering the start and every job end with up to `maxInFlight` in
 * flight, redelivering what the handler rejects.
 */
export async function driveFanout(db: Firestore, scenario: FanoutScenario): Promise<FanoutResult> {
  validateChain(`${scenario.name}.json`, scenario.definition);
  const runId = `${scenario.name.replace(/[^a-z0-9]+/g, '-')}-${Date.now().toString(36)}`;
  const counts = firestoreCounts();
  const logEvents = new Map<string, number>();
  let ended!: () => void;
  const runEnded = new Promise<void>((resolve) => (ended = resolve));
  const logger = countingLogger(logEvents, () => ended());
  const random = mulberry32(0x5eed);
  let firstLaunch = Number.NaN;
  const durationOf = scenario.duration(random, () => firstLaunch);
  let published = 0;
  // eslint-disable-next-line prefer-const -- the subscription needs the port, the port the subscription
  let subscription: PushSubscription<HandlerDeps>;
  const dataflow = new TimedFakeDataflow(
    (name, at) => {
      if (Number.isNaN(firstLaunch)) firstLaunch = at;
      return durationOf(name, at);
    },
    (job: JobSummary) => {
      const mention = { jobId: job.id, jobName: job.name, projectId: job.projectId };
      const entry = completionEntry({ ...mention, location: job.location });
      subscription.publish(pubsubEvent(entry, `${runId}-e${++published}`), 'jobEnded');
    },
  );
  const chains = { fanout: scenario.definition };
  const realClock = { now: () => new Date() };
  subscription = new PushSubscription<HandlerDeps>(
    { maxInFlight: scenario.maxInFlight, redeliveryMs: scenario.redeliveryMs },
    () => ({
      ...benchDeps(chains, dataflow, new CountingFirestoreRunStore(db, counts), logger),
      projectId: PROJECT,
      clock: realClock,
    }),
    (deps, event: IncomingEvent) => handleEvent(deps, event),
  );
  const load1 = loadavg()[0]!;
  const start = performance.now();
  subscription.publish(
    pubsubEvent(startCommand('fanout', runId, scenario.input), `${runId}-s`),
    'start',
  );
  let stopped: string | undefined;
  let finished = false;
  const watch = async (): Promise<void> => {
    let quietSince: number | undefined;
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = performance.now();
      if (now - start > scenario.budgetMs) {
        stopped = `gave up after ${Math.round(scenario.budgetMs / 1000)} s`;
        return;
      }
      // Nothing queued, in flight, redelivered or running at Dataflow: the run cannot move.
      const quiet = subscription.outstanding === 0 && dataflow.active === 0;
      quietSince = quiet ? (quietSince ?? now) : undefined;
      if (quietSince !== undefined && now - quietSince > 1_000) {
        stopped = 'stuck: no message or job left, and the run has not ended';
        return;
      }
    }
  };
  await Promise.race([runEnded, watch()]);
  finished = true;
  const wallMs = performance.now() - start;
  const load = [load1, loadavg()[0]!] as const;
  subscription.close();
  dataflow.stop();
  await subscription.drained();
  const run = await new FirestoreRunStore(db).get(runId).catch(() => undefined);
  const status = run?.status ?? 'MISSING';
  return {
    status,
    ...(status === 'RUNNING' || status === 'MISSING' ? { stopped: stopped ?? 'unknown' } : {}),
    wallMs,
    deliveries: subscription.deliveries,
    counts,
    dataflow,
    logEvents,
    transitions: 1 + (logEvents.get('job.confirmed') ?? 0),
    instances: subscription.instances,
    load,
    ...(run ? { run } : {}),
    ...(run?.error ? { error: `${run.error.Error}: ${run.error.Cause}` } : {}),
  };
}

/** Jobs created under `prefix`, and names created more than once. */
function launches(dataflow: TimedFakeDataflow, prefix: string) {
  let jobs = 0;
  let names = 0;
  let duplicated = 0;
  for (const [name, created] of dataflow.created) {
    if (!name.startsWith(`${prefix}-`)) continue;
    names++;
    jobs += created;
    if (created > 1) duplicated++;
  }
  return { jobs, names, duplicated };
}

/** The figures of one scenario, named `<scenario.name>.*`. */
export function fanoutFigures(scenario: FanoutScenario, result: FanoutResult): Figure[] {
  const { counts, deliveries, dataflow } = result;
  const width = scenario.width;
  // Per fan-out item on a run that finished; per job end it recorded on one cut off.
  const recorded = result.transitions - 1;
  const finished = result.status !== 'RUNNING' && result.status !== 'MISSING';
  const denominator = finished ? width : Math.max(1, recorded);
  const per = (value: number) => value / denominator;
  const perWhat = finished
    ? `per item (${width})`
    : `per job end recorded (${recorded}; run cut off)`;
  const ends = deliveries.filter((d) => d.kind === 'jobEnded');
  const acked = ends.filter((d) => d.acked).map((d) => d.ms);
  const failed = deliveries.filter((d) => !d.acked);
  const joins = launches(dataflow, JOIN_PREFIX);
  const duplicates = [...dataflow.created.values()].filter((n) => n > 1).length;
  const events = (name: string) => result.logEvents.get(name) ?? 0;
  const load = `load1 ${result.load[0].toFixed(1)}→${result.load[1].toFixed(1)}`;
  const base = `${width} jobs, ${scenario.maxInFlight} deliveries in flight, Firestore emulator; ${load}`;
  const n = scenario.name;
  const attempts = counts.commits + counts.conflicts + counts.refused;
  const figures = [
    figure(
      `${n}.status`,
      result.status === 'SUCCEEDED' ? 1 : 0,
      'succeeded',
      `run ${result.status}${result.stopped ? ` (${result.stopped})` : ''}${result.error ? `: ${result.error.slice(0, 160)}` : ''}`,
    ),
    figure(
      `${n}.items_recorded`,
      result.transitions - 1,
      'job ends',
      `job ends the run recorded (of ${width} fan-out jobs + 1 join)`,
    ),
    figure(`${n}.wall`, result.wallMs / 1000, 's', `start published → run ended; ${base}`),
    figure(
      `${n}.transitions_per_s`,
      result.transitions / (result.wallMs / 1000),
      'transitions/s',
      `${result.transitions} transitions (start + job ends recorded)`,
    ),
    figure(
      `${n}.transition.p50`,
      quantile(acked, 0.5),
      'ms',
      `job-end deliveries acked (${acked.length})`,
    ),
    figure(`${n}.transition.p99`, quantile(acked, 0.99), 'ms', 'job-end deliveries acked'),
    figure(
      `${n}.delivery.p99_all`,
      quantile(
        ends.map((d) => d.ms),
        0.99,
      ),
      'ms',
      `every job-end delivery, rejected ones too (${ends.length})`,
    ),
    figure(
      `${n}.transition.max`,
      acked.length ? Math.max(...acked) : Number.NaN,
      'ms',
      'job-end deliveries acked',
    ),
    figure(
      `${n}.deliveries.failed`,
      failed.length,
      'deliveries',
      `rejected, redelivered after ${scenario.redeliveryMs} ms (${failed.filter((d) => d.kind === 'start').length} of them the start); of ${deliveries.length} deliveries`,
    ),
    figure(
      `${n}.firestore.writes_per_item`,
      per(counts.documentsWritten),
      'docs/item',
      `${perWhat}: ${counts.documentsWritten} documents written (run doc per commit + history docs)`,
    ),
    figure(
      `${n}.firestore.commits_per_item`,
      per(counts.commits),
      'commits/item',
      `${perWhat}: ${counts.commits} conditional commits landed`,
    ),
    figure(
      `${n}.firestore.conflicts_per_item`,
      per(counts.conflicts),
      'conflicts/item',
      `${perWhat}: ${counts.conflicts} compare-and-set conflicts = ${((100 * counts.conflicts) / Math.max(1, attempts)).toFixed(1)} % of ${attempts} commit attempts; by delivery: ${Object.entries(
        counts.conflictsBy,
      )
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ')}`,
    ),
    figure(
      `${n}.firestore.reads_per_item`,
      per(counts.reads),
      'reads/item',
      `${perWhat}: ${counts.reads} run reads (stale cache or lost compare-and-set); ${counts.definitionReads} definition reads`,
    ),
    figure(
      `${n}.firestore.refused`,
      counts.refused,
      'commits',
      counts.firstRefusal
        ? `refused by Firestore, largest run string ${counts.refusedRunFieldBytes} B: ${counts.firstRefusal.slice(0, 140)}`
        : 'none refused',
    ),
    figure(
      `${n}.run_document.max`,
      counts.maxDocumentBytes / 1024,
      'KiB',
      `largest run document stored (${counts.maxDocumentBytes} B; run string ${counts.maxRunFieldBytes} B, limit ${STRING_PROPERTY_LIMIT} B; document limit ${DOCUMENT_LIMIT} B)`,
    ),
    figure(
      `${n}.dataflow.calls_per_item`,
      per(dataflow.calls.get + dataflow.calls.list + dataflow.calls.launch),
      'calls/item',
      `${perWhat}: get ${per(dataflow.calls.get).toFixed(2)}, list ${per(dataflow.calls.list).toFixed(2)}, launch ${per(dataflow.calls.launch).toFixed(2)}`,
    ),
    figure(
      `${n}.jobs.duplicated`,
      duplicates,
      'names',
      `job names created more than once (of ${dataflow.created.size} names)`,
    ),
    figure(
      `${n}.join.launches`,
      joins.jobs,
      'jobs',
      `jobs of the state after the fan-out (must be 1 on success); launch calls ${dataflow.calls.launch}`,
    ),
    figure(
      `${n}.log.delivery_retry`,
      events('delivery.retry'),
      'lines',
      `launch.held ${events('launch.held')}, job.adopted ${events('job.adopted')}, job.unrecorded ${events('job.unrecorded')}, message.rejected ${events('message.rejected')}, message.ignored ${events('message.ignored')}`,
    ),
    figure(
      `${n}.instances`,
      result.instances,
      'instances',
      'function instances the deliveries needed',
    ),
  ];
  if (scenario.name.includes('parallel')) {
    const branchEnds = dataflow.ends
      .filter((end) => !end.name.startsWith(`${JOIN_PREFIX}-`))
      .map((end) => end.at);
    const spread = branchEnds.length ? Math.max(...branchEnds) - Math.min(...branchEnds) : 0;
    figures.push(
      figure(
        `${n}.job_end_spread`,
        spread,
        'ms',
        `first branch job end → last (${branchEnds.length} branch jobs ended)`,
      ),
    );
  }
  return figures;
}

/** Starts a Firestore emulator, hands `work` a client of it, and stops it. */
export async function withFirestoreEmulator<T>(work: (db: Firestore) => Promise<T>): Promise<T> {
  const emulator = await startEmulator('firestore');
  const db = new Firestore({ projectId: PROJECT, host: emulator.host, ssl: false });
  try {
    return await work(db);
  } finally {
    await db.terminate();
    await emulator.stop();
  }
}

/** Runs `scenarios` one after the other on `db`, telling stderr how each went. */
export async function scenarioFigures(
  db: Firestore,
  scenarios: readonly FanoutScenario[],
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const scenario of scenarios) {
    const result = await driveFanout(db, scenario);
    process.stderr.write(
      `\n  ${scenario.name}: ${result.status}${result.stopped ? ` (${result.stopped})` : ''} after ${(result.wallMs / 1000).toFixed(1)} s, ${result.transitions} transitions`,
    );
    figures.push(...fanoutFigures(scenario, result));
  }
  return figures;
}

/** Map scenarios: `items` items, at most `maxConcurrency` running, jobs of 100–500 ms. */
export function mapScenario(
  items: number,
  maxConcurrency: number,
  budgetMs: number,
  maxInFlight = 100,
): FanoutScenario {
  return {
    name: `fanout.map.${items}${maxInFlight === 100 ? '' : `.inflight${maxInFlight}`}`,
    definition: mapChain(maxConcurrency),
    input: mapInput(items),
    width: items,
    duration: (random) => () => 100 + 400 * random(),
    maxInFlight,
    redeliveryMs: 1_000,
    budgetMs,
  };
}

/** Parallel of `branches` one-Task branches whose jobs all end within one second. */
export function parallelScenario(
  branches: number,
  budgetMs: number,
  maxInFlight = 100,
): FanoutScenario {
  return {
    name: `fanout.parallel.${branches}${maxInFlight === 100 ? '' : `.inflight${maxInFlight}`}`,
    definition: parallelChain(branches),
    input: { date: '2026-11-21' },
    width: branches,
    // Every branch job ends in the same second, 1–2 s after the first launch; the join's in 100 ms.
    duration: (random, first) => (name, at) =>
      name.startsWith(`${JOIN_PREFIX}-`) ? 100 : first() + 1_000 + 1_000 * random() - at,
    maxInFlight,
    redeliveryMs: 1_000,
    budgetMs,
  };
}
