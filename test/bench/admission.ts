import { loadavg } from 'node:os';
import type { Firestore } from '@google-cloud/firestore';
import type { ChainDefinition } from '../../src/chain/types.js';
import { validateChain } from '../../src/chain/validate.js';
import type { JobSummary } from '../../src/dataflow/job.js';
import { jobsPool } from '../../src/engine/admission.js';
import type { HandlerDeps } from '../../src/handler/deps.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import { mulberry32 } from '../../src/local/random.js';
import type { Logger, LogLine } from '../../src/log/port.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import {
  AdmissionTrace,
  TracedFirestoreRunStore,
  inDelivery,
  type Phase,
  type Tally,
} from './admission-trace.js';
import { firestoreCounts, type FirestoreCounts } from './counting-firestore.js';
import { PushSubscription, deliveryKind, quantile } from './deliveries.js';
import { completionEntry, pubsubEvent, startCommand } from './events.js';
import { benchDeps } from './fakes.js';
import { withFirestoreEmulator } from './fanout.js';
import { figure, formatTable, type Figure } from './figures.js';
import { TimedFakeDataflow } from './timed-dataflow.js';

/** The project fanout.ts's emulator client uses: the budget's pool is `jobs.<it>`. */
const PROJECT = 'dfchain-bench';
const CHAIN = 'admitted';

/** Sizes of the admission bench. */
export interface AdmissionPlan {
  /** Runs started, all at once: all but the first `budget` wait in line. */
  readonly runs: number;
  /** DFCHAIN_MAX_ACTIVE_JOBS. */
  readonly budget: number;
  /** Start and job-end deliveries in flight at most (each a function instance). */
  readonly startsInFlight: number;
  readonly endsInFlight: number;
  /** Each job runs a uniform draw from this range, in ms. */
  readonly jobMs: readonly [number, number];
  /** Give up after this long. */
  readonly budgetMs: number;
}

/** A chain of one Task: every run is one job, so every launch after the first `budget` waited. */
function oneTaskChain(): ChainDefinition {
  return {
    StartAt: 'Work',
    Defaults: { Region: 'europe-west4', Environment: { tempLocation: 'gs://b/tmp' } },
    States: {
      Work: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Parameters: {
          jobName: 'work',
          containerSpecGcsPath: 'gs://b/templates/work.json',
          parameters: { 'date.$': '$.date' },
        },
        End: true,
      },
    },
  } as ChainDefinition;
}

/** What the logger saw: lines by event, and the first message of each warning event. */
interface LogSeen {
  readonly events: Map<string, number>;
  readonly firstWarning: Map<string, string>;
}

function watchingLogger(seen: LogSeen, onRunEnded: () => void): Logger {
  return {
    write(line: LogLine): void {
      seen.events.set(line.event, (seen.events.get(line.event) ?? 0) + 1);
      if (line.severity === 'WARNING' || line.severity === 'ERROR')
        if (!seen.firstWarning.has(line.event)) seen.firstWarning.set(line.event, line.message);
      if (line.event === 'run.succeeded' || line.event === 'run.failed') onRunEnded();
    },
  };
}

/** Everything one drive measured. */
interface AdmissionResult {
  readonly ended: number;
  readonly stopped?: string;
  readonly wallMs: number;
  /** From the release of the held job ends (performance.now()) to the last run's end, and the line then. */
  readonly drainFrom: number;
  readonly drainMs: number;
  readonly queuedAtDrain: number;
  readonly load: readonly [number, number];
  readonly counts: FirestoreCounts;
  readonly trace: AdmissionTrace;
  readonly dataflow: TimedFakeDataflow;
  /** performance.now() of each job name's first launch call. */
  readonly launchedAt: ReadonlyMap<string, number>;
  readonly peakActive: number;
  readonly seen: LogSeen;
  readonly failedDeliveries: number;
  /** How long each job-end delivery took, in ms. */
  readonly endDeliveryMs: readonly number[];
  readonly instances: number;
  readonly leftover: { readonly slots: number; readonly waiters: number };
}

/**
 * Starts `plan.runs` one-Task runs at once against a budget of `plan.budget` active jobs,
 * through the real handler and FirestoreRunStore on the emulator. Starts and job ends come by
 * two push subscriptions, so a backlog of starts does not hold back the job ends that free
 * slots (Pub/Sub promises no order across messages either); each delivery gets its own function
 * instance with its own store, all counting into shared counters.
 */
async function driveAdmission(db: Firestore, plan: AdmissionPlan): Promise<AdmissionResult> {
  const definition = oneTaskChain();
  validateChain(`${CHAIN}.json`, definition);
  const stamp = Date.now().toString(36);
  const counts = firestoreCounts();
  const trace = new AdmissionTrace();
  const seen: LogSeen = { events: new Map(), firstWarning: new Map() };
  let ended = 0;
  let allEnded!: () => void;
  const done = new Promise<void>((resolve) => (allEnded = resolve));
  const logger = watchingLogger(seen, () => {
    if (++ended === plan.runs) allEnded();
  });
  const random = mulberry32(0xad317);
  const launchedAt = new Map<string, number>();
  let peakActive = 0;
  let published = 0;
  // Job ends held back until every start is delivered: the emulator starts runs slower than 25
  // jobs of 50–200 ms end, so without this the line would never form. Then 1,000 − 25 runs wait.
  let held: JobSummary[] | undefined = [];
  // eslint-disable-next-line prefer-const -- the subscriptions need the port, the port them
  let ends: PushSubscription<HandlerDeps>;
  const publishEnd = (job: JobSummary): void => {
    const mention = { jobId: job.id, jobName: job.name, projectId: job.projectId };
    const entry = completionEntry({ ...mention, location: job.location });
    ends.publish(pubsubEvent(entry, `${stamp}-e${++published}`), 'jobEnded');
  };
  const dataflow: TimedFakeDataflow = new TimedFakeDataflow(
    // Called inside each launch call, once the job counts as active.
    (name, at) => {
      if (!launchedAt.has(name)) launchedAt.set(name, at);
      peakActive = Math.max(peakActive, dataflow.active);
      const [min, max] = plan.jobMs;
      return min + (max - min) * random();
    },
    (job: JobSummary) => (held ? held.push(job) : publishEnd(job)),
  );
  const chains = { [CHAIN]: definition };
  const instance = (): HandlerDeps => ({
    ...benchDeps(chains, dataflow, new TracedFirestoreRunStore(db, counts, trace), logger),
    projectId: PROJECT,
    clock: { now: () => new Date() },
    maxActiveJobs: plan.budget,
  });
  const handle = (deps: HandlerDeps, event: Parameters<typeof handleEvent>[1]) =>
    inDelivery(trace, deliveryKind(), () => handleEvent(deps, event));
  const redeliveryMs = 1_000;
  const starts = new PushSubscription<HandlerDeps>(
    { maxInFlight: plan.startsInFlight, redeliveryMs },
    instance,
    handle,
  );
  ends = new PushSubscription<HandlerDeps>(
    { maxInFlight: plan.endsInFlight, redeliveryMs },
    instance,
    handle,
  );
  const load1 = loadavg()[0]!;
  const start = performance.now();
  for (let i = 0; i < plan.runs; i++) {
    const runId = `adm-${stamp}-${String(i).padStart(5, '0')}`;
    starts.publish(
      pubsubEvent(startCommand(CHAIN, runId, { date: '2026-11-21' }), `${runId}-s`),
      'start',
    );
  }
  let stopped: string | undefined;
  let finished = false;
  let drainFrom = Number.NaN;
  let queuedAtDrain = 0;
  // Once every start is in: the line is as long as it gets, and the held job ends go out.
  const release = async (): Promise<void> => {
    queuedAtDrain = (await new FirestoreRunStore(db).waiters(jobsPool(PROJECT), plan.runs)).length;
    const jobs = held ?? [];
    held = undefined;
    drainFrom = performance.now();
    for (const job of jobs) publishEnd(job);
  };
  const watch = async (): Promise<void> => {
    let quietSince: number | undefined;
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (held && starts.outstanding === 0) await release();
      const now = performance.now();
      if (now - start > plan.budgetMs) {
        stopped = `gave up after ${Math.round(plan.budgetMs / 1000)} s`;
        return;
      }
      // No message anywhere and no job running: whoever still waits in line waits for a tick.
      const quiet = starts.outstanding + ends.outstanding === 0 && dataflow.active === 0;
      quietSince = quiet ? (quietSince ?? now) : undefined;
      if (quietSince !== undefined && now - quietSince > 2_000) {
        stopped = 'stuck: no message or job left, runs still waiting';
        return;
      }
    }
  };
  await Promise.race([done, watch()]);
  finished = true;
  const wallMs = performance.now() - start;
  const drainMs = performance.now() - drainFrom;
  const load = [load1, loadavg()[0]!] as const;
  starts.close();
  ends.close();
  dataflow.stop();
  await Promise.all([starts.drained(), ends.drained()]);
  const reader = new FirestoreRunStore(db);
  const pool = jobsPool(PROJECT);
  const [slots, waiters] = await Promise.all([reader.slots(pool), reader.waiters(pool, plan.runs)]);
  const deliveries = [...starts.deliveries, ...ends.deliveries];
  return {
    ended,
    ...(stopped ? { stopped } : {}),
    wallMs,
    drainFrom,
    drainMs,
    queuedAtDrain,
    load,
    counts,
    trace,
    dataflow,
    launchedAt,
    peakActive,
    seen,
    failedDeliveries: deliveries.filter((d) => !d.acked).length,
    endDeliveryMs: ends.deliveries.map((d) => d.ms),
    instances: starts.instances + ends.instances,
    leftover: { slots: slots.length, waiters: waiters.length },
  };
}

function sum(tallies: readonly Tally[]): Tally {
  const total = { ...tallies[0]! };
  for (const t of tallies.slice(1))
    for (const key of Object.keys(total) as (keyof Tally)[]) total[key] += t[key];
  return total;
}

function describe(t: Tally): string {
  return `reads ${t.reads}, slot q ${t.slotQueries}, waiter q ${t.waiterQueries}, place q ${t.placeInLineQueries}, commits ${t.commits}, conflicts ${t.conflicts}, run docs ${t.runDocs}, slot/queue docs ${t.admissionDocs}`;
}

/** Latency quantiles of `values` as four figures named `<name>.p50|p95|p99|max`. */
function latencyFigures(name: string, values: readonly number[], note: string): Figure[] {
  return [
    figure(`${name}.p50`, quantile(values, 0.5), 'ms', `${note} (${values.length})`),
    figure(`${name}.p95`, quantile(values, 0.95), 'ms', note),
    figure(`${name}.p99`, quantile(values, 0.99), 'ms', note),
    figure(`${name}.max`, values.length ? Math.max(...values) : Number.NaN, 'ms', note),
  ];
}

/** The figures of one drive, and the invariants it broke. */
function admissionReport(
  plan: AdmissionPlan,
  r: AdmissionResult,
): { figures: Figure[]; broken: string[] } {
  const n = 'admission';
  const pairs = r.trace.pairs();
  const endOf = new Map(r.dataflow.ends.map((end) => [end.name, end.at]));
  const toLaunch: number[] = [];
  const toCommit: number[] = [];
  const commitToLaunch: number[] = [];
  const endToRecord: number[] = [];
  for (const { admission, release } of pairs) {
    const launched = r.launchedAt.get(admission.jobName);
    toCommit.push(admission.at - release.at);
    if (launched !== undefined) {
      toLaunch.push(launched - release.at);
      commitToLaunch.push(launched - admission.at);
    }
    const jobEnd = endOf.get(release.jobName);
    // The first jobs' ends were held back until every start was in: not a delivery's delay.
    if (jobEnd !== undefined && jobEnd >= r.drainFrom) endToRecord.push(release.at - jobEnd);
  }
  const admissions = r.trace.admissions;
  const tried = r.trace.perDelivery.map((d) => d.reads);
  const lost = r.trace.perDelivery.map((d) => d.conflicts);
  const won = r.trace.perDelivery.map((d) => d.admissions);
  let busyMs = 0;
  for (const end of r.dataflow.ends) {
    const launched = r.launchedAt.get(end.name);
    if (launched !== undefined && launched >= r.drainFrom) busyMs += end.at - launched;
  }
  const byPhase = (phase: Phase) => admissions.filter((a) => a.phase === phase).length;
  const { tallies } = r.trace;
  const total = sum([tallies.start, tallies.end, tallies.admit]);
  const per = (value: number, of = admissions.length) => value / Math.max(1, of);
  const admitPhase = byPhase('admit');
  const created = [...r.dataflow.created.values()];
  const duplicated = created.filter((c) => c > 1).length;
  const maxIndex = r.trace.maxIndex();
  const events = (event: string) => r.seen.events.get(event) ?? 0;
  const load = `load1 ${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`;
  const base = `${plan.runs} one-Task runs, budget ${plan.budget}, jobs ${plan.jobMs[0]}–${plan.jobMs[1]} ms, ${plan.startsInFlight} start + ${plan.endsInFlight} job-end deliveries in flight, Firestore emulator; ${load}`;
  const perAdmission = (key: keyof Tally, label: string): Figure =>
    figure(
      `${n}.firestore.${key}_per_admission`,
      per(total[key]),
      `${label}/adm`,
      `all deliveries: ${total[key]} / ${admissions.length} admissions; job-end admitting only: ${per(tallies.admit[key], admitPhase).toFixed(2)} (${tallies.admit[key]} / ${admitPhase})`,
    );
  const figures: Figure[] = [
    figure(
      `${n}.runs_ended`,
      r.ended,
      'runs',
      `of ${plan.runs}${r.stopped ? ` (${r.stopped})` : ''}; run.succeeded ${events('run.succeeded')}, run.failed ${events('run.failed')}`,
    ),
    figure(`${n}.wall`, r.wallMs / 1000, 's', `starts published → last run ended; ${base}`),
    figure(
      `${n}.queued`,
      r.queuedAtDrain,
      'runs',
      `waiting in line once every start was in (job ends held back until then)`,
    ),
    figure(
      `${n}.drain.wall`,
      r.drainMs / 1000,
      's',
      `held job ends released → last run ended: the line drained by admissions alone`,
    ),
    figure(
      `${n}.drain.runs_per_s`,
      r.queuedAtDrain / (r.drainMs / 1000),
      'runs/s',
      `runs that waited in line / drain time`,
    ),
    figure(
      `${n}.runs_per_s`,
      r.ended / (r.wallMs / 1000),
      'runs/s',
      `ceiling with this budget and job length: ${Math.round(plan.budget / ((plan.jobMs[0] + plan.jobMs[1]) / 2 / 1000))} runs/s`,
    ),
    ...latencyFigures(
      `${n}.latency`,
      toLaunch,
      'job end recorded (commit releasing slot i) → launch call of the waiter admitted to slot i',
    ),
    ...latencyFigures(
      `${n}.latency.to_admit`,
      toCommit,
      'job end recorded → commit admitting the waiter (slot claimed, entry dequeued)',
    ),
    figure(
      `${n}.latency.admit_to_launch.p50`,
      quantile(commitToLaunch, 0.5),
      'ms',
      `commit admitting → launch call; p99 ${quantile(commitToLaunch, 0.99).toFixed(1)} ms`,
    ),
    figure(
      `${n}.end_to_record.p50`,
      quantile(endToRecord, 0.5),
      'ms',
      `job ended at Dataflow → its end recorded (delivery queue + handler), not part of the latency; p99 ${quantile(endToRecord, 0.99).toFixed(1)} ms`,
    ),
    figure(
      `${n}.admissions`,
      admissions.length,
      'launches',
      `jobs that waited in line and were admitted: ${admitPhase} by job-end deliveries, ${byPhase('start')} by start deliveries; admission.admitted lines ${events('admission.admitted')}; ${pairs.length} paired with the release of their slot`,
    ),
    figure(
      `${n}.active.peak`,
      r.peakActive,
      'jobs',
      `most jobs running at Dataflow at once (budget ${plan.budget}); slot indices used 0..${maxIndex}`,
    ),
    figure(
      `${n}.jobs.duplicated`,
      duplicated,
      'names',
      `job names launched more than once (of ${r.dataflow.created.size} names, ${r.dataflow.calls.launch} launch calls)`,
    ),
    figure(
      `${n}.drain.active_mean`,
      busyMs / r.drainMs,
      'jobs',
      `mean jobs running at Dataflow while the line drained (job time launched after the release / drain time; budget ${plan.budget})`,
    ),
    figure(
      `${n}.end_delivery.p50`,
      quantile(r.endDeliveryMs, 0.5),
      'ms',
      `job-end delivery, recording and admitting (${r.endDeliveryMs.length}); p99 ${quantile(r.endDeliveryMs, 0.99).toFixed(0)} ms, max ${Math.max(0, ...r.endDeliveryMs).toFixed(0)} ms`,
    ),
    figure(
      `${n}.end_delivery.waiters_tried`,
      quantile(tried, 0.5),
      'reads',
      `run reads per job-end delivery while admitting (p50; p99 ${quantile(tried, 0.99)}, max ${Math.max(0, ...tried)}); conflicts p50 ${quantile(lost, 0.5)}, max ${Math.max(0, ...lost)}; admissions won p50 ${quantile(won, 0.5)}, max ${Math.max(0, ...won)}, ${won.filter((w) => w === 0).length} of ${won.length} deliveries won none`,
    ),
    perAdmission('reads', 'reads'),
    perAdmission('slotQueries', 'queries'),
    perAdmission('waiterQueries', 'queries'),
    perAdmission('placeInLineQueries', 'queries'),
    perAdmission('commits', 'commits'),
    perAdmission('runDocs', 'docs'),
    perAdmission('admissionDocs', 'docs'),
    perAdmission('conflicts', 'conflicts'),
    figure(
      `${n}.firestore.by_phase`,
      total.commits + total.conflicts,
      'attempts',
      `start deliveries: ${describe(tallies.start)} | job-end recording: ${describe(tallies.end)} | job-end admitting: ${describe(tallies.admit)}`,
    ),
    figure(
      `${n}.firestore.conflicts_by_delivery`,
      r.counts.conflicts,
      'conflicts',
      Object.entries(r.counts.conflictsBy)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ') || 'none',
    ),
    figure(
      `${n}.leftover`,
      r.leftover.slots + r.leftover.waiters,
      'docs',
      `slot documents ${r.leftover.slots} and queue documents ${r.leftover.waiters} left after every run ended (must be 0)`,
    ),
    figure(
      `${n}.deliveries.failed`,
      r.failedDeliveries,
      'deliveries',
      `rejected and redelivered; delivery.retry ${events('delivery.retry')}, admission.failed ${events('admission.failed')}, launch.held ${events('launch.held')}; ${r.instances} function instances`,
    ),
  ];
  const broken: string[] = [];
  if (r.peakActive > plan.budget)
    broken.push(`${r.peakActive} jobs ran at once, over the budget of ${plan.budget}`);
  if (maxIndex >= plan.budget) broken.push(`slot index ${maxIndex} claimed, budget ${plan.budget}`);
  if (duplicated > 0) broken.push(`${duplicated} job names launched more than once`);
  if (r.dataflow.created.size !== r.ended)
    broken.push(`${r.dataflow.created.size} jobs launched for ${r.ended} runs ended`);
  if (r.ended !== plan.runs)
    broken.push(`${r.ended} of ${plan.runs} runs ended (${r.stopped ?? '?'})`);
  if (r.leftover.slots + r.leftover.waiters > 0)
    broken.push(`${r.leftover.slots} slots and ${r.leftover.waiters} waiters left behind`);
  for (const [event, message] of r.seen.firstWarning)
    process.stderr.write(`\n  first ${event}: ${message.slice(0, 300)}`);
  return { figures, broken };
}

/**
 * Issue 12: `plan.runs` runs queued against a budget of `plan.budget` active jobs on the
 * Firestore emulator; fails loudly (after printing the figures) if the budget or
 * exactly-once launching is broken.
 */
export function admissionFigures(plan: AdmissionPlan): Promise<Figure[]> {
  return withFirestoreEmulator(async (db) => {
    const result = await driveAdmission(db, plan);
    process.stderr.write(
      `\n  admission: ${result.ended}/${plan.runs} runs ended after ${(result.wallMs / 1000).toFixed(1)} s`,
    );
    const { figures, broken } = admissionReport(plan, result);
    if (broken.length > 0) {
      process.stderr.write(`\n${formatTable(figures)}\n`);
      throw new Error(`admission bench: ${broken.join('; ')}`);
    }
    return figures;
  });
}
