import sinon from 'sinon';
import type { TimerPort, TimerRequest } from '../../../src/timers/port.js';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import { jobNameFor } from '../../../src/chain/job-name.js';
import type { Chain } from '../../../src/chain/types.js';
import type { Clock } from '../../../src/clock.js';
import {
  isClassicLaunch,
  isTerminalJobState,
  type ClassicTemplateLaunch,
  type FlexTemplateLaunch,
  type TemplateLaunch,
  type JobRef,
  type JobSummary,
} from '../../../src/dataflow/job.js';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import type { Run, Step } from '../../../src/engine/run.js';
import {
  JobAlreadyExistsError,
  JobNotFoundError,
  StoreTransientError,
} from '../../../src/errors.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import type { HandlerDeps } from '../../../src/handler/deps.js';
import type { JsonObject } from '../../../src/json.js';
import type { LogLine, Logger } from '../../../src/log/port.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { StoragePermanentError } from '../../../src/errors.js';
import type { ListQuery, ObjectPage, StoragePort } from '../../../src/storage/port.js';
import { threeSteps } from '../../fixtures/chains.js';

/** Project every kit run and job belongs to. */
export const PROJECT = 'my-proj';
/** What the kit's clock always says. */
export const NOW = '2026-11-22T10:00:00.000Z';
/** The input the start helpers send unless told otherwise. */
export const INPUT: JsonObject = { date: '2026-11-21' };
/** The one deployed chain: `threeSteps` (Ingest → Transform → Publish) as "daily". */
export const daily: Chain = { name: 'daily', file: 'daily.json', definition: threeSteps };

/** The id of the kit's n-th job, in Dataflow's format (creation time, then a number). */
export function kitJobId(n: number): string {
  return `2026-11-22_02_00_00-${1000 + n}`;
}

/** A job in the fake Dataflow; `currentState` is what tests change. */
export interface FakeJob {
  id: string;
  name: string;
  projectId: string;
  location: string;
  currentState: string;
  labels: Record<string, string>;
}

function userLabels(request: TemplateLaunch): Record<string, string> {
  const labels = request.launchParameter.environment?.['additionalUserLabels'];
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

const at = (job: FakeJob, ref: JobRef): boolean =>
  job.projectId === ref.projectId && job.location === ref.location;

/** A job as a summary view shows it: no labels (google/dataflow/v1beta3/jobs.proto, JobView). */
const summary = (job: FakeJob): JobSummary => ({ ...job, labels: {} });

/**
 * A DataflowPort of sinon stubs whose default behaviour is a tiny Dataflow that follows
 * Google's rules (docs/google-behaviours in ARCHITECTURE §4): every job lives in one project and
 * region, and calls see only that region; launches create `job-N` RUNNING; a name active in the
 * same region answers 409; `jobs.get` (JOB_VIEW_DESCRIPTION) carries labels, lists and the
 * launch answer are summaries without them. Tests move jobs with {@link setState}. Per-call
 * behaviours (`dataflow.launch.onCall(0).rejects(…)`) override the default.
 */
export class FakeDataflow {
  readonly jobs: FakeJob[] = [];
  readonly getJob = sinon.stub<[JobRef, string], Promise<JobSummary>>();
  readonly listByName = sinon.stub<[JobRef, string], Promise<JobSummary[]>>();
  readonly launch = sinon.stub<[JobRef, FlexTemplateLaunch], Promise<JobSummary>>();
  readonly launchClassic = sinon.stub<[JobRef, ClassicTemplateLaunch], Promise<JobSummary>>();
  readonly listActive = sinon.stub<[JobRef], Promise<JobSummary[]>>();
  readonly cancel = sinon.stub<[JobRef, string], Promise<void>>();
  readonly port: DataflowPort = {
    getJob: this.getJob,
    listJobsByName: this.listByName,
    listActiveJobs: this.listActive,
    launchFlexTemplate: this.launch,
    launchTemplate: this.launchClassic,
    cancelJob: this.cancel,
  };

  constructor() {
    this.installDefaults();
  }

  private installDefaults(): void {
    this.getJob.callsFake((ref, jobId) => {
      const job = this.jobs.find((candidate) => candidate.id === jobId && at(candidate, ref));
      if (job) return Promise.resolve({ ...job, labels: { ...job.labels } });
      return Promise.reject(
        new JobNotFoundError(`Dataflow jobs.get failed: HTTP 404 NOT_FOUND (job ${jobId})`, {
          operation: 'jobs.get',
          httpStatus: 404,
          status: 'NOT_FOUND',
        }),
      );
    });
    this.listByName.callsFake((ref, name) =>
      Promise.resolve(
        this.jobs
          .filter((job) => job.name === name && at(job, ref))
          .reverse()
          .map(summary),
      ),
    );
    this.listActive.callsFake((ref) =>
      Promise.resolve(
        this.jobs
          .filter((job) => at(job, ref) && !isTerminalJobState(job.currentState))
          .map(summary),
      ),
    );
    // Dataflow cancels at once here; its end event is the test's to deliver.
    this.cancel.callsFake((ref, jobId) => {
      const job = this.jobs.find((candidate) => candidate.id === jobId && at(candidate, ref));
      if (job && !isTerminalJobState(job.currentState)) job.currentState = 'JOB_STATE_CANCELLED';
      return Promise.resolve();
    });
    // Through a promise, so a 409 rejects as the real port does rather than throwing.
    this.launch.callsFake((ref, request) =>
      Promise.resolve().then(() => this.create(ref, request)),
    );
    this.launchClassic.callsFake((ref, request) =>
      Promise.resolve().then(() => this.create(ref, request)),
    );
  }

  /** The default launch: creates the job, or throws 409 if an active job has its name. */
  create(ref: JobRef, request: TemplateLaunch): JobSummary {
    const name = request.launchParameter.jobName;
    const method = isClassicLaunch(request) ? 'templates.launch' : 'flexTemplates.launch';
    const active = (job: FakeJob) =>
      job.name === name && at(job, ref) && !isTerminalJobState(job.currentState);
    if (this.jobs.some(active)) {
      throw new JobAlreadyExistsError(
        `Dataflow ${method} failed: HTTP 409 ALREADY_EXISTS (job ${name})`,
        { operation: method, httpStatus: 409, status: 'ALREADY_EXISTS' },
      );
    }
    return summary(this.add({ name, labels: userLabels(request), ...ref }));
  }

  /** Puts a job into Dataflow directly (made outside the handler, or by a foreign launcher). */
  add(job: Pick<FakeJob, 'name'> & Partial<FakeJob>): FakeJob {
    const added: FakeJob = {
      id: kitJobId(this.jobs.length + 1),
      projectId: PROJECT,
      location: 'europe-west4',
      currentState: 'JOB_STATE_RUNNING',
      labels: {},
      ...job,
    };
    this.jobs.push(added);
    return added;
  }

  /** The job of that name; fails the test when there is none. */
  job(name: string): FakeJob {
    const job = this.jobs.findLast((candidate) => candidate.name === name);
    if (!job) throw new Error(`fake Dataflow has no job named ${name}`);
    return job;
  }

  /** Moves the job of that name to `state`. */
  setState(name: string, state: string): FakeJob {
    const job = this.job(name);
    job.currentState = state;
    return job;
  }

  /**
   * Forgets the calls made so far and every per-call override (sinon counts `onCall(n)` from
   * the reset), so one delivery's calls are counted against the plain fake Dataflow.
   */
  reset(): void {
    for (const stub of [this.getJob, this.listByName, this.listActive, this.launch, this.cancel])
      stub.reset();
    this.installDefaults();
  }

  /** Every call made to the port, of any kind. */
  get callCount(): number {
    return (
      this.getJob.callCount +
      this.listByName.callCount +
      this.listActive.callCount +
      this.launch.callCount +
      this.cancel.callCount
    );
  }
}

/** A TimerPort that keeps every timer asked for; tests fire them by hand. */
export class FakeTimers implements TimerPort {
  readonly scheduled: TimerRequest[] = [];

  schedule(timer: TimerRequest): Promise<void> {
    this.scheduled.push(timer);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A Logger that keeps every line. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];

  write(line: LogLine): void {
    this.lines.push(line);
  }

  /** The `event` names in the order written. */
  events(): string[] {
    return this.lines.map((line) => line.event);
  }

  /** Every line of one event name. */
  named(event: string): LogLine[] {
    return this.lines.filter((line) => line.event === event);
  }

  /** Forgets what was written so far, to look at one delivery's lines only. */
  clear(): void {
    this.lines.length = 0;
  }
}

/** A clock that stands still until a test moves it. */
export class ManualClock implements Clock {
  private ms = Date.parse(NOW);

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock on by `ms`. */
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * An in-memory Cloud Storage: `objects` by `bucket/name`; listing in name order, a page of
 * `maxResults`. Tests make calls fail with `storage.port.readObject.onCall(0).rejects(…)`.
 */
export class FakeStorage {
  readonly objects = new Map<string, string>();
  readonly port = {
    listObjects: sinon.stub<[ListQuery], Promise<ObjectPage>>(),
    readObject: sinon.stub<[string, string, number], Promise<Buffer>>(),
  } satisfies StoragePort;

  constructor() {
    this.port.listObjects.callsFake((q) => {
      const names = [...this.objects.keys()]
        .filter((key) => key.startsWith(`${q.bucket}/${q.prefix ?? ''}`))
        .map((key) => key.slice(q.bucket.length + 1))
        .sort();
      const start = Number(q.pageToken ?? 0);
      const page = names.slice(start, start + q.maxResults).map((name) => ({
        bucket: q.bucket,
        name,
        generation: '1',
        size: String(this.objects.get(`${q.bucket}/${name}`)!.length),
      }));
      const next = start + q.maxResults < names.length ? String(start + q.maxResults) : undefined;
      return Promise.resolve({ objects: page, ...(next ? { nextPageToken: next } : {}) });
    });
    this.port.readObject.callsFake((bucket, name) => {
      const data = this.objects.get(`${bucket}/${name}`);
      return data === undefined
        ? Promise.reject(new StoragePermanentError(`gs://${bucket}/${name}: 404`, 'notFound'))
        : Promise.resolve(Buffer.from(data));
    });
  }
}

/** Everything a handler test touches. */
export interface Kit {
  readonly clock: ManualClock;
  readonly deps: HandlerDeps;
  readonly store: MemoryRunStore;
  readonly dataflow: FakeDataflow;
  readonly logger: RecordingLogger;
  readonly timers: FakeTimers;
  readonly storage: FakeStorage;
}

/** The nonce of every run a kit starts: the engine draws none itself, the kit's is fixed. */
export const KIT_NONCE = 'kit-nonce';

/** Lease of a launch intent in the kit: the deployed default. */
export const LEASE_MS = 150_000;
/** Dataflow call timeout in the kit: the deployed default. */
export const CALL_MS = 60_000;

/**
 * Fresh dependencies: chain "daily", an empty memory store, a fixed clock, a fake Dataflow,
 * lease-holder tokens `token-1`, `token-2`, … (one per delivery) and runs nonced KIT_NONCE.
 */
export function createKit(overrides: Partial<HandlerDeps> = {}): Kit {
  let tokens = 0;
  const store = new MemoryRunStore();
  const dataflow = new FakeDataflow();
  const logger = new RecordingLogger();
  const clock = new ManualClock();
  const timers = new FakeTimers();
  const storage = new FakeStorage();
  const deps: HandlerDeps = {
    timers,
    storage: storage.port,
    projectId: PROJECT,
    chains: new ChainCatalog([daily]),
    dataflow: dataflow.port,
    store,
    clock,
    logger,
    confirmDeadlineMs: 30_000,
    confirmPollMs: 500,
    launchLeaseMs: LEASE_MS,
    dataflowCallMs: CALL_MS,
    newToken: () => `token-${++tokens}`,
    newNonce: () => KIT_NONCE,
    ...overrides,
  };
  return { deps, clock, store, dataflow, logger, timers, storage };
}

/** The deterministic job name of `state`'s first attempt in run `runId` of "daily" . */
export function jobNameOf(runId: string, state: string): string {
  const task = threeSteps.States[state];
  if (task?.Type !== 'Task') throw new Error(`threeSteps has no Task ${state}`);
  return jobNameFor(task.Parameters.jobName ?? '', {
    chain: 'daily',
    runId,
    state,
    attempt: 0,
    nonce: KIT_NONCE,
  });
}

/**
 * The stored run with its history (and its parts' ended steps) folded back into `steps`, so a
 * test sees every ended step and its own in flight; fails the test when there is none.
 */
export async function storedRun(store: MemoryRunStore, runId: string): Promise<Run> {
  const run = await store.get(runId);
  if (!run) throw new Error(`no run ${runId} in the store`);
  const history = await store.history(runId);
  // A part keeps its ended steps itself; a run's parts' ended steps are the run's too.
  const parts = run.part ? [] : await store.parts(runId);
  const ended = [...history, ...(run.ended ?? []), ...parts.flatMap((part) => part.ended ?? [])];
  return {
    ...run,
    steps: { ...Object.fromEntries(ended.map((s) => [s.jobName, s])), ...run.steps },
  };
}

/** The run's step for `state`; fails the test when there is none. */
export function stepOf(run: Run, state: string): Step {
  const step = Object.values(run.steps).find((candidate) => candidate.state === state);
  if (!step) throw new Error(`run ${run.id} has no step for ${state}`);
  return step;
}

/** A Pub/Sub messagePublished CloudEvent carrying `payload` as JSON, with message id `id`. */
export function pubsubEvent(payload: unknown, id: string): IncomingEvent {
  const data = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  return {
    id,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    data: { message: { data, messageId: id } },
  };
}

/** A `start` command for "daily" (or `chain`); `runId: undefined` leaves the id out. */
export function startEvent(
  options: { runId?: string; input?: JsonObject; chain?: string } = {},
  id = 'm-start',
): IncomingEvent {
  const runId = 'runId' in options ? options.runId : 'r1';
  return pubsubEvent(
    {
      dfchain: 'start',
      chain: options.chain ?? 'daily',
      ...(runId === undefined ? {} : { runId }),
      input: options.input ?? INPUT,
    },
    id,
  );
}

/** A `tick` command. */
export function tickEvent(id = 'm-tick'): IncomingEvent {
  return pubsubEvent({ dfchain: 'tick' }, id);
}

/** The sink's "Worker pool stopped." LogEntry for `job`, as a Pub/Sub CloudEvent. */
export function jobEndedEvent(
  job: Pick<FakeJob, 'id' | 'name' | 'projectId' | 'location'>,
  id = 'm-end',
): IncomingEvent {
  return pubsubEvent(
    {
      insertId: `log-${id}`,
      logName: `projects/${job.projectId}/logs/dataflow.googleapis.com%2Fjob-message`,
      resource: {
        type: 'dataflow_step',
        labels: {
          job_id: job.id,
          job_name: job.name,
          project_id: '123456789012',
          region: job.location,
          step_id: '',
        },
      },
      textPayload: 'Worker pool stopped.',
      severity: 'INFO',
      timestamp: NOW,
    },
    id,
  );
}

/**
 * Makes the `call`-th store update from now on (1 for the next) write and then fail, as a
 * Firestore write whose answer is lost does; returns the stub, to restore.
 */
export function loseAnswerOfUpdate(store: MemoryRunStore, call = 1): sinon.SinonStub {
  const update = store.update.bind(store);
  const stub = sinon.stub(store, 'update').callsFake(async (runId, change) => {
    const result = await update(runId, change);
    if (stub.callCount === call) throw new StoreTransientError('local fault: after the write');
    return result;
  });
  return stub;
}
