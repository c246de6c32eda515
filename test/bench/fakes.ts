import { createHash } from 'node:crypto';
import type { TimerPort } from '../../src/timers/port.js';
import { isTerminalJobState } from '../../src/dataflow/job.js';
import { ChainCatalog } from '../../src/chain/catalog.js';
import type { ChainDefinition } from '../../src/chain/types.js';
import type { Clock } from '../../src/clock.js';
import type { TemplateLaunch, JobRef, JobSummary } from '../../src/dataflow/job.js';
import type { DataflowPort } from '../../src/dataflow/port.js';
import type { QueueEntry, SlotHold } from '../../src/engine/admission.js';
import type { Run, Step } from '../../src/engine/run.js';
import { JobNotFoundError } from '../../src/errors.js';
import type { HandlerDeps } from '../../src/handler/deps.js';
import type { Logger, LogLine } from '../../src/log/port.js';
import { MemoryRunStore } from '../../src/store/memory.js';
import type { RunChange, RunListing, RunStore } from '../../src/store/port.js';

/** Project every benchmark run belongs to. */
export const BENCH_PROJECT = 'bench-proj';

/** Dataflow calls by operation. */
export interface DataflowCalls {
  get: number;
  list: number;
  launch: number;
}

/**
 * The deterministic id the fake gives the job named `jobName`, so events can be built ahead: in
 * Dataflow's format (the decoder refuses any other before it makes a call), digits from a hash.
 */
export function fakeJobId(jobName: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(jobName).digest('hex').slice(0, 15)}`);
  return `2026-11-22_10_00_00-${digits.toString()}`;
}

/**
 * An in-process DataflowPort with no latency: a launched job is at once JOB_STATE_DONE, so
 * confirming it takes one `getJob`. Counts every call.
 */
export class FakeDataflow implements DataflowPort {
  readonly calls: DataflowCalls = { get: 0, list: 0, launch: 0 };
  private readonly byId = new Map<string, JobSummary>();
  private readonly byName = new Map<string, JobSummary>();

  getJob(ref: JobRef, jobId: string): Promise<JobSummary> {
    this.calls.get++;
    const job = this.byId.get(jobId);
    if (job) return Promise.resolve(job);
    return Promise.reject(
      new JobNotFoundError(`fake Dataflow: no job ${jobId}`, { operation: 'jobs.get' }),
    );
  }

  listJobsByName(_ref: JobRef, name: string): Promise<JobSummary[]> {
    this.calls.list++;
    const job = this.byName.get(name);
    return Promise.resolve(job ? [{ ...job, labels: {} }] : []);
  }

  cancelJob(_ref: JobRef, jobId: string): Promise<void> {
    const job = this.byId.get(jobId);
    if (job) this.byId.set(jobId, { ...job, currentState: 'JOB_STATE_CANCELLED' });
    return Promise.resolve();
  }

  listActiveJobs(ref: JobRef): Promise<JobSummary[]> {
    this.calls.list++;
    const active = [...this.byId.values()].filter(
      (job) => job.location === ref.location && !isTerminalJobState(job.currentState),
    );
    return Promise.resolve(active);
  }

  launchTemplate(ref: JobRef, request: TemplateLaunch): Promise<JobSummary> {
    return this.launchFlexTemplate(ref, request);
  }

  launchFlexTemplate(ref: JobRef, request: TemplateLaunch): Promise<JobSummary> {
    this.calls.launch++;
    const { jobName, environment } = request.launchParameter;
    const job: JobSummary = {
      id: fakeJobId(jobName),
      name: jobName,
      projectId: ref.projectId,
      location: ref.location,
      currentState: 'JOB_STATE_DONE',
      labels: (environment?.['additionalUserLabels'] ?? {}) as Record<string, string>,
    };
    this.byId.set(job.id, job);
    this.byName.set(jobName, job);
    return Promise.resolve(job);
  }
}

/** What CountingRunStore counts: its methods, and `updateAttempts` (compare-and-set rounds). */
export const STORE_COUNTERS = [
  'create',
  'get',
  'update',
  'updateAttempts',
  'putDefinition',
  'getDefinition',
  'listRunning',
  'slots',
  'waiters',
] as const;
/** What CountingRunStore counts. */
export type StoreCounter = (typeof STORE_COUNTERS)[number];

/** Store calls by method; a retried compare-and-set adds to `updateAttempts` only. */
export type StoreCalls = Record<StoreCounter, number>;

/** A RunStore that counts each round trip a remote store would make, over a MemoryRunStore. */
export class CountingRunStore implements RunStore {
  readonly calls: StoreCalls = Object.fromEntries(
    STORE_COUNTERS.map((counter) => [counter, 0]),
  ) as StoreCalls;

  constructor(readonly inner: MemoryRunStore = new MemoryRunStore()) {}

  create(run: Run, creates: readonly Run[] = []): Promise<{ created: boolean; run: Run }> {
    this.calls.create++;
    return this.inner.create(run, creates);
  }

  get(runId: string): Promise<Run | undefined> {
    this.calls.get++;
    return this.inner.get(runId);
  }

  update<T>(
    runId: string,
    change: (run: Run | undefined) => RunChange<T> | Promise<RunChange<T>>,
  ): Promise<T> {
    this.calls.update++;
    return this.inner.update(runId, (run) => {
      this.calls.updateAttempts++;
      return change(run);
    });
  }

  putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    this.calls.putDefinition++;
    return this.inner.putDefinition(hash, definition);
  }

  getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    this.calls.getDefinition++;
    return this.inner.getDefinition(hash);
  }

  history(runId: string): Promise<Step[]> {
    return this.inner.history(runId);
  }

  parts(runId: string): Promise<Run[]> {
    return this.inner.parts(runId);
  }

  groupParts(group: string): Promise<Run[]> {
    return this.inner.groupParts(group);
  }

  groupRunning(group: string): Promise<boolean> {
    return this.inner.groupRunning(group);
  }

  listRunning(): Promise<Run[]> {
    this.calls.listRunning++;
    return this.inner.listRunning();
  }

  listRuns(listing: RunListing): Promise<Run[]> {
    return this.inner.listRuns(listing);
  }

  slots(pool: string): Promise<SlotHold[]> {
    this.calls.slots++;
    return this.inner.slots(pool);
  }

  waiters(pool: string, limit: number): Promise<QueueEntry[]> {
    this.calls.waiters++;
    return this.inner.waiters(pool, limit);
  }

  placeInLine(entry: QueueEntry): Promise<number> {
    return this.inner.placeInLine(entry);
  }

  dropOrphanSlot(hold: SlotHold): Promise<boolean> {
    return this.inner.dropOrphanSlot(hold);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A clock stuck at one instant, so no figure depends on the date. */
export const fixedClock: Clock = { now: () => new Date('2026-11-22T10:00:00.000Z') };

/**
 * A logger that drops every line, but reports runs that end (`run.succeeded` / `run.failed`)
 * so a driver can wait for them; the line is still built, as in production.
 */
export function discardLogger(onRunEnded: (runId: string) => void = () => undefined): Logger {
  return {
    write(line: LogLine): void {
      if (
        line.runId !== undefined &&
        (line.event === 'run.succeeded' || line.event === 'run.failed')
      )
        onRunEnded(line.runId);
    },
  };
}

/** Handler dependencies for a benchmark: one chain, the given port and store, no real logging. */
export function benchDeps(
  chains: Record<string, ChainDefinition>,
  dataflow: DataflowPort,
  store: RunStore,
  logger: Logger = discardLogger(),
): HandlerDeps {
  const catalog = new ChainCatalog(
    Object.entries(chains).map(([name, definition]) => ({
      name,
      file: `${name}.json`,
      definition,
    })),
  );
  const noStorage = () => Promise.reject(new Error('the bench chains read no Cloud Storage'));
  return {
    projectId: BENCH_PROJECT,
    chains: catalog,
    dataflow,
    store,
    storage: { listObjects: noStorage, readObject: noStorage },
    clock: fixedClock,
    logger,
    confirmDeadlineMs: 30_000,
    confirmPollMs: 200,
    launchLeaseMs: 150_000,
    dataflowCallMs: 60_000,
    newToken: nextToken,
    // No nonce: the benches compute job names themselves (jobNameFor with nonce '').
    newNonce: () => '',
    timers: noTimers,
  };
}

/** A timer port for benches whose chains have no timers: asking for one is a bench bug. */
const noTimers: TimerPort = {
  schedule: (timer) => Promise.reject(new Error(`bench: unexpected timer ${timer.name}`)),
  close: () => Promise.resolve(),
};

let tokens = 0;
function nextToken(): string {
  return `bench-${++tokens}`;
}
