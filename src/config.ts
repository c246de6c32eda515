import { ConfigError } from './errors.js';

/** Run stores dfchain can use. */
export const STORE_KINDS = ['firestore', 'memory'] as const;
/** Run stores dfchain can use. */
export type StoreKind = (typeof STORE_KINDS)[number];

/** Where timers (Wait, Retry intervals, timeouts) are kept until due. */
export const TIMER_KINDS = ['cloudtasks', 'local'] as const;
/** Where timers are kept until due: a Cloud Tasks queue, or this process (the local stack). */
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Everything dfchain reads from the environment, parsed once. */
export interface Config {
  readonly projectId: string;
  readonly chainsDir: string;
  /** Root URL of the Dataflow REST API; undefined means Google's. */
  readonly dataflowRootUrl?: string;
  readonly store: StoreKind;
  /** How long to wait for the Dataflow API to agree a job ended before failing the delivery. */
  readonly confirmDeadlineMs: number;
  /** Longest wait between two `jobs.get` calls while the API still lags the log. */
  readonly confirmPollMs: number;
  /** Per-request timeout of Dataflow API calls. */
  readonly dataflowTimeoutMs: number;
  /**
   * How long a launch intent belongs to the delivery that claimed it: nobody else may launch it
   * before this passes, and its holder starts a launch call only while the call's timeout fits.
   */
  readonly launchLeaseMs: number;
  /** Firestore database of runs and definitions (`(default)` unless named). */
  readonly firestoreDatabase: string;
  /** Service account Dataflow workers run as when a Task names none (`serviceAccountEmail`). */
  readonly workerServiceAccount?: string;
  /** Local-stack testing only: faults injected into the function's own store and Dataflow calls. */
  readonly localFaults?: LocalFaults;
  /** `DFCHAIN_TIMING=1`: a DEBUG `handoff.timing` line per delivery (src/timing.ts; the bench). */
  readonly timing?: true;
  /** `DFCHAIN_TIMERS`: where timers wait until due. */
  readonly timers: TimerKind;
  /** `DFCHAIN_TOPIC`: the events topic, which due timers publish to. */
  readonly topic: string;
  /** `DFCHAIN_TASKS_QUEUE`: the Cloud Tasks queue of the timers. */
  readonly tasksQueue: string;
  /** `DFCHAIN_TASKS_LOCATION`: the queue's location. */
  readonly tasksLocation: string;
  /**
   * `DFCHAIN_TIMER_SERVICE_ACCOUNT`: the account whose OAuth token a timer's task carries to
   * Pub/Sub. Required by a deployed function with Cloud Tasks timers (see parseConfig).
   */
  readonly timerServiceAccount?: string;
  /**
   * `DFCHAIN_MAX_ACTIVE_JOBS`: the most jobs dfchain keeps active per project at once; launches
   * beyond it wait in order. 0 turns the budget off.
   */
  readonly maxActiveJobs: number;
  /** `DFCHAIN_QUOTA_RETRY_SECONDS`: the first wait after a launch refused for quota (then doubled). */
  readonly quotaRetryMs: number;
}

/** Fault injection for reliability tests on the local stack (`DFCHAIN_LOCAL_FAULTS`). */
export interface LocalFaults {
  /** Probability (0..1) that a store call throws StoreTransientError, before or after it ran. */
  readonly storeFaultRate: number;
  /** Probability (0..1) that the process kills itself at a crash point of a transition. */
  readonly crashRate: number;
  /** Seed of the fault decisions, so a failing sequence can be replayed. */
  readonly seed: number;
}

/** Keys of `DFCHAIN_LOCAL_FAULTS`, e.g. `store=0.2,crash=0.05,seed=7`. */
export const LOCAL_FAULT_KEYS = ['store', 'crash', 'seed'] as const;
/** A key of `DFCHAIN_LOCAL_FAULTS`. */
export type LocalFaultKey = (typeof LOCAL_FAULT_KEYS)[number];

/** Project id used when talking to local stand-ins, where any id works. */
export const LOCAL_PROJECT = 'dfchain-local';

// Well below the 540 s ceiling of an event function, and well above the API's ~30 s lag.
const DEFAULT_CONFIRM_DEADLINE_SECONDS = 120;
// A launch follows the API's lag by half this on average; each pending job costs one jobs.get
// per interval while the API lags (up to ~150 calls over a 30 s lag).
const DEFAULT_CONFIRM_POLL_SECONDS = 0.2;
// A flex template launch validates the template before it answers: allow it well over 10 s.
const DEFAULT_DATAFLOW_TIMEOUT_SECONDS = 60;
// Two launch calls' timeouts: a holder whose first call timed out can still make a second.
const DEFAULT_LAUNCH_LEASE_SECONDS = 150;
// Dataflow's default quota of concurrent jobs per project
// (https://cloud.google.com/dataflow/quotas: "Each Google Cloud project can run at most 25
// concurrent Dataflow jobs"); raise it with the project's quota.
const DEFAULT_MAX_ACTIVE_JOBS = 25;
const MAX_ACTIVE_JOBS_LIMIT = 10_000;
// A 429 is a project-wide condition: waiting half a minute before the first retry spares the
// quota a burst of refused calls; the wait doubles up to QUOTA_RETRY_CAP_MS.
const DEFAULT_QUOTA_RETRY_SECONDS = 30;
/** Margin for clock skew between instances, kept free at both ends of a launch lease. */
export const LEASE_MARGIN_MS = 5_000;
// Firestore database ids: https://cloud.google.com/firestore/docs/manage-databases#database_id
const SERVICE_ACCOUNT_PATTERN = /^[a-z0-9][a-z0-9._+-]*@[a-z0-9.-]+\.gserviceaccount\.com$/;
const FIRESTORE_DATABASE_PATTERN = /^(\(default\)|[a-z][a-z0-9-]{2,61}[a-z0-9])$/;
// Topic ids: the `name` of projects.topics.create (Pub/Sub REST reference): "must start with a
// letter [...] between 3 and 255 characters in length, and it must not start with "goog""
const TOPIC_PATTERN = /^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;
// QUEUE_ID: "letters ([A-Za-z]), numbers ([0-9]), or hyphens (-). The maximum length is 100
// characters" (google.cloud.tasks.v2.Queue.name).
const QUEUE_PATTERN = /^[A-Za-z0-9-]{1,100}$/;
// Cloud Tasks locations are regions: europe-west4, us-central1, northamerica-northeast1, …
const LOCATION_PATTERN = /^[a-z]+-[a-z]+[0-9]+$/;
const DEFAULT_TOPIC = 'dfchain-events';
const DEFAULT_TASKS_QUEUE = 'dfchain-timers';
// Cloud Functions (2nd gen) exposes no region variable to the function: infra/deploy.sh sets
// DFCHAIN_TASKS_LOCATION to the function's region, and this default only serves a hand-made setup.
const DEFAULT_TASKS_LOCATION = 'us-central1';

/** DFCHAIN_TIMERS and the variables of the kind it names. */
function timerConfig(
  env: NodeJS.ProcessEnv,
): Pick<Config, 'timers' | 'topic' | 'tasksQueue' | 'tasksLocation' | 'timerServiceAccount'> {
  const timers = env['DFCHAIN_TIMERS'] || 'cloudtasks';
  if (!(TIMER_KINDS as readonly string[]).includes(timers)) {
    throw new ConfigError(
      `DFCHAIN_TIMERS="${timers}" is not one of ${TIMER_KINDS.join(', ')} (cloudtasks: a Cloud Tasks queue, for a deployed function; local: in this process, for the local stack)`,
    );
  }
  const topic = env['DFCHAIN_TOPIC'] || DEFAULT_TOPIC;
  if (!TOPIC_PATTERN.test(topic)) {
    throw new ConfigError(
      `DFCHAIN_TOPIC="${topic}" is not a Pub/Sub topic id (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog"); name the topic alone, not projects/…/topics/…, or unset it for ${DEFAULT_TOPIC}`,
    );
  }
  const tasksQueue = env['DFCHAIN_TASKS_QUEUE'] || DEFAULT_TASKS_QUEUE;
  if (!QUEUE_PATTERN.test(tasksQueue)) {
    throw new ConfigError(
      `DFCHAIN_TASKS_QUEUE="${tasksQueue}" is not a Cloud Tasks queue id (1-100 letters, digits and '-'); name the queue alone, not projects/…/queues/…, or unset it for ${DEFAULT_TASKS_QUEUE}`,
    );
  }
  const tasksLocation = env['DFCHAIN_TASKS_LOCATION'] || DEFAULT_TASKS_LOCATION;
  if (!LOCATION_PATTERN.test(tasksLocation)) {
    throw new ConfigError(
      `DFCHAIN_TASKS_LOCATION="${tasksLocation}" is not a Cloud Tasks location such as europe-west4: set it to the queue's region, or unset it for ${DEFAULT_TASKS_LOCATION}`,
    );
  }
  const timerServiceAccount = env['DFCHAIN_TIMER_SERVICE_ACCOUNT'] || undefined;
  if (timerServiceAccount !== undefined && !SERVICE_ACCOUNT_PATTERN.test(timerServiceAccount)) {
    throw new ConfigError(
      `DFCHAIN_TIMER_SERVICE_ACCOUNT="${timerServiceAccount}" is not a service account email (NAME@PROJECT.iam.gserviceaccount.com): set it to the function's service account`,
    );
  }
  // Required only where the function runs deployed: Cloud Run sets K_SERVICE in every
  // container (https://cloud.google.com/run/docs/container-contract), a Cloud Function
  // of the 2nd generation included. Elsewhere (unit tests, the CLI, functions-framework on a
  // laptop) the function still starts, and a timer fails when scheduled, naming this variable.
  if (timers === 'cloudtasks' && timerServiceAccount === undefined && env['K_SERVICE']) {
    throw new ConfigError(
      `DFCHAIN_TIMER_SERVICE_ACCOUNT is not set: with DFCHAIN_TIMERS=cloudtasks each timer's task publishes to the topic with an OAuth token of that account; set it to the function's service account, NAME@PROJECT.iam.gserviceaccount.com (infra/deploy.sh does), or set DFCHAIN_TIMERS=local`,
    );
  }
  return {
    timers: timers as TimerKind,
    topic,
    tasksQueue,
    tasksLocation,
    ...(timerServiceAccount ? { timerServiceAccount } : {}),
  };
}

function positiveSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 540) {
    throw new ConfigError(
      `${name}="${raw}" is not a number of seconds between 0 and 540; unset it to use ${fallback}`,
    );
  }
  return value * 1000;
}

function maxActiveJobs(env: NodeJS.ProcessEnv): number {
  const raw = env['DFCHAIN_MAX_ACTIVE_JOBS'];
  if (raw === undefined || raw === '') return DEFAULT_MAX_ACTIVE_JOBS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > MAX_ACTIVE_JOBS_LIMIT) {
    throw new ConfigError(
      `DFCHAIN_MAX_ACTIVE_JOBS="${raw}" is not a whole number of jobs between 0 and ${MAX_ACTIVE_JOBS_LIMIT}: set it to the project's Dataflow quota of concurrent jobs (default ${DEFAULT_MAX_ACTIVE_JOBS}), or 0 to launch without a budget`,
    );
  }
  return value;
}

function localFaults(env: NodeJS.ProcessEnv): LocalFaults | undefined {
  const raw = env['DFCHAIN_LOCAL_FAULTS'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const values: Record<LocalFaultKey, number> = { store: 0, crash: 0, seed: 1 };
  for (const part of raw.split(',')) {
    const [key = '', value = '', ...rest] = part.split('=').map((s) => s.trim());
    const number = Number(value);
    const isKey = (LOCAL_FAULT_KEYS as readonly string[]).includes(key);
    const valid =
      rest.length === 0 &&
      value !== '' &&
      Number.isFinite(number) &&
      (key === 'seed' ? Number.isInteger(number) : number >= 0 && number <= 1);
    if (!isKey || !valid) {
      throw new ConfigError(
        `DFCHAIN_LOCAL_FAULTS="${raw}": "${part}" is not one of store=<0..1>, crash=<0..1>, seed=<integer>; it is a local-stack testing switch: unset it outside tests`,
      );
    }
    values[key as LocalFaultKey] = number;
  }
  return { storeFaultRate: values.store, crashRate: values.crash, seed: values.seed };
}

/** Parses dfchain's configuration from `env`, failing with a message that names the variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataflowRootUrl = env['DFCHAIN_DATAFLOW_ROOT_URL'] || undefined;
  if (dataflowRootUrl !== undefined && !/^https?:\/\/[^/]+/.test(dataflowRootUrl)) {
    throw new ConfigError(
      `DFCHAIN_DATAFLOW_ROOT_URL="${dataflowRootUrl}" is not an http(s) URL; use e.g. http://127.0.0.1:8089/ or unset it for Google's API`,
    );
  }
  const projectId = env['GOOGLE_CLOUD_PROJECT'] || (dataflowRootUrl ? LOCAL_PROJECT : undefined);
  if (projectId === undefined) {
    throw new ConfigError(
      'GOOGLE_CLOUD_PROJECT is not set: set it to the project that owns the runs and the Dataflow jobs (gcloud functions deploy --update-env-vars GOOGLE_CLOUD_PROJECT=…)',
    );
  }
  const store = env['DFCHAIN_STORE'] || 'firestore';
  if (!(STORE_KINDS as readonly string[]).includes(store)) {
    throw new ConfigError(`DFCHAIN_STORE="${store}" is not one of ${STORE_KINDS.join(', ')}`);
  }
  const faults = localFaults(env);
  const dataflowTimeoutMs = positiveSeconds(
    env,
    'DFCHAIN_DATAFLOW_TIMEOUT_SECONDS',
    DEFAULT_DATAFLOW_TIMEOUT_SECONDS,
  );
  const launchLeaseMs = positiveSeconds(
    env,
    'DFCHAIN_LAUNCH_LEASE_SECONDS',
    DEFAULT_LAUNCH_LEASE_SECONDS,
  );
  if (launchLeaseMs < dataflowTimeoutMs + 2 * LEASE_MARGIN_MS) {
    throw new ConfigError(
      `DFCHAIN_LAUNCH_LEASE_SECONDS=${launchLeaseMs / 1000} is shorter than one launch call (DFCHAIN_DATAFLOW_TIMEOUT_SECONDS=${dataflowTimeoutMs / 1000}) plus ${(2 * LEASE_MARGIN_MS) / 1000} s of clock margin: raise it to at least ${(dataflowTimeoutMs + 2 * LEASE_MARGIN_MS) / 1000}`,
    );
  }
  const firestoreDatabase = env['DFCHAIN_FIRESTORE_DATABASE'] || '(default)';
  if (!FIRESTORE_DATABASE_PATTERN.test(firestoreDatabase)) {
    throw new ConfigError(
      `DFCHAIN_FIRESTORE_DATABASE="${firestoreDatabase}" is not a Firestore database id (4-63 lowercase letters, digits and '-', starting with a letter, or "(default)")`,
    );
  }
  const workerServiceAccount = env['DFCHAIN_WORKER_SERVICE_ACCOUNT'] || undefined;
  if (workerServiceAccount !== undefined && !SERVICE_ACCOUNT_PATTERN.test(workerServiceAccount)) {
    throw new ConfigError(
      `DFCHAIN_WORKER_SERVICE_ACCOUNT="${workerServiceAccount}" is not a service account email (NAME@PROJECT.iam.gserviceaccount.com); unset it to let each Task name its own`,
    );
  }
  const timing = env['DFCHAIN_TIMING'] || '0';
  if (timing !== '0' && timing !== '1') {
    throw new ConfigError(`DFCHAIN_TIMING="${timing}" is not 1 (time each delivery) or 0`);
  }
  const timers = timerConfig(env);
  return {
    projectId,
    chainsDir: env['DFCHAIN_CHAINS_DIR'] || 'dag',
    ...(dataflowRootUrl ? { dataflowRootUrl } : {}),
    store: store as StoreKind,
    confirmDeadlineMs: positiveSeconds(
      env,
      'DFCHAIN_CONFIRM_DEADLINE_SECONDS',
      DEFAULT_CONFIRM_DEADLINE_SECONDS,
    ),
    confirmPollMs: positiveSeconds(
      env,
      'DFCHAIN_CONFIRM_POLL_SECONDS',
      DEFAULT_CONFIRM_POLL_SECONDS,
    ),
    dataflowTimeoutMs,
    launchLeaseMs,
    firestoreDatabase,
    ...(workerServiceAccount ? { workerServiceAccount } : {}),
    ...(faults ? { localFaults: faults } : {}),
    ...(timing === '1' ? { timing: true as const } : {}),
    ...timers,
    maxActiveJobs: maxActiveJobs(env),
    quotaRetryMs: positiveSeconds(env, 'DFCHAIN_QUOTA_RETRY_SECONDS', DEFAULT_QUOTA_RETRY_SECONDS),
  };
}
