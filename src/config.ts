import { priceTableFromEnv } from './cost/load.js';
import type { PriceTable } from './cost/prices.js';
import { ConfigError } from './errors.js';
import { SETTINGS, settingValue, type DefaultedName, type SettingName } from './settings.js';

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
  /** Root URL of the Cloud Run Admin API (`run:job`); undefined means Google's. */
  readonly runRootUrl?: string;
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
  /** `DFCHAIN_PRICES`: the price table of cost estimates (docs/cost.md); the built-in one unset. */
  readonly prices: PriceTable;
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

/** A setting's default as a number (the table keeps defaults as text, as the README shows them). */
function numericDefault(name: DefaultedName): number {
  return Number(SETTINGS[name].default);
}

// The defaults are in src/settings.ts; why each is what it is:
// - confirm deadline 120: well below the 540 s ceiling of an event function, and well above
//   the API's ~30 s lag.
// - confirm poll 0.2: a launch follows the API's lag by half this on average; each pending job
//   costs one jobs.get per interval while the API lags (up to ~150 calls over a 30 s lag).
// - Dataflow timeout 60: a flex template launch validates the template before it answers:
//   allow it well over 10 s.
// - launch lease 150: two launch calls' timeouts: a holder whose first call timed out can still
//   make a second.
// - max active jobs 25: Dataflow's default quota of concurrent jobs per project
//   (https://cloud.google.com/dataflow/quotas: "Each Google Cloud project can run at most 25
//   concurrent Dataflow jobs"); raise it with the project's quota.
// - quota retry 30: a 429 is a project-wide condition: waiting half a minute before the first
//   retry spares the quota a burst of refused calls; the wait doubles up to QUOTA_RETRY_CAP_MS.
const DEFAULT_CONFIRM_DEADLINE_SECONDS = numericDefault('confirmDeadlineSeconds');
const DEFAULT_CONFIRM_POLL_SECONDS = numericDefault('confirmPollSeconds');
const DEFAULT_DATAFLOW_TIMEOUT_SECONDS = numericDefault('dataflowTimeoutSeconds');
const DEFAULT_LAUNCH_LEASE_SECONDS = numericDefault('launchLeaseSeconds');
const DEFAULT_MAX_ACTIVE_JOBS = numericDefault('maxActiveJobs');
const MAX_ACTIVE_JOBS_LIMIT = 10_000;
const DEFAULT_QUOTA_RETRY_SECONDS = numericDefault('quotaRetrySeconds');
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
const DEFAULT_TOPIC = SETTINGS.topic.default;
const DEFAULT_TASKS_QUEUE = SETTINGS.tasksQueue.default;
// Cloud Functions (2nd gen) exposes no region variable to the function: infra/deploy.sh sets
// DFCHAIN_TASKS_LOCATION to the function's region, and this default only serves a hand-made setup.
const DEFAULT_TASKS_LOCATION = SETTINGS.tasksLocation.default;

/** DFCHAIN_TIMERS and the variables of the kind it names. */
function timerConfig(
  env: NodeJS.ProcessEnv,
): Pick<Config, 'timers' | 'topic' | 'tasksQueue' | 'tasksLocation' | 'timerServiceAccount'> {
  const timers = settingValue('timers', env);
  if (!(TIMER_KINDS as readonly string[]).includes(timers)) {
    throw new ConfigError(
      `DFCHAIN_TIMERS="${timers}" is not one of ${TIMER_KINDS.join(', ')} (cloudtasks: a Cloud Tasks queue, for a deployed function; local: in this process, for the local stack)`,
    );
  }
  const topic = settingValue('topic', env);
  if (!TOPIC_PATTERN.test(topic)) {
    throw new ConfigError(
      `DFCHAIN_TOPIC="${topic}" is not a Pub/Sub topic id (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog"); name the topic alone, not projects/…/topics/…, or unset it for ${DEFAULT_TOPIC}`,
    );
  }
  const tasksQueue = settingValue('tasksQueue', env);
  if (!QUEUE_PATTERN.test(tasksQueue)) {
    throw new ConfigError(
      `DFCHAIN_TASKS_QUEUE="${tasksQueue}" is not a Cloud Tasks queue id (1-100 letters, digits and '-'); name the queue alone, not projects/…/queues/…, or unset it for ${DEFAULT_TASKS_QUEUE}`,
    );
  }
  const tasksLocation = settingValue('tasksLocation', env);
  if (!LOCATION_PATTERN.test(tasksLocation)) {
    throw new ConfigError(
      `DFCHAIN_TASKS_LOCATION="${tasksLocation}" is not a Cloud Tasks location such as europe-west4: set it to the queue's region, or unset it for ${DEFAULT_TASKS_LOCATION}`,
    );
  }
  const timerServiceAccount = settingValue('timerServiceAccount', env);
  if (timerServiceAccount !== undefined && !SERVICE_ACCOUNT_PATTERN.test(timerServiceAccount)) {
    throw new ConfigError(
      `DFCHAIN_TIMER_SERVICE_ACCOUNT="${timerServiceAccount}" is not a service account email (NAME@PROJECT.iam.gserviceaccount.com): set it to the function's service account`,
    );
  }
  // Required only where the function runs deployed: Cloud Run sets K_SERVICE in every
  // container (https://cloud.google.com/run/docs/container-contract), a Cloud Function
  // of the 2nd generation included. Elsewhere (unit tests, the CLI, functions-framework on a
  // laptop) the function still starts, and a timer fails when scheduled, naming this variable.
  if (
    timers === 'cloudtasks' &&
    timerServiceAccount === undefined &&
    settingValue('kService', env)
  ) {
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

function positiveSeconds(env: NodeJS.ProcessEnv, setting: SettingName, fallback: number): number {
  const name = SETTINGS[setting].env;
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
  const raw = env[SETTINGS.maxActiveJobs.env];
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
  const raw = env[SETTINGS.localFaults.env];
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
  const dataflowRootUrl = settingValue('dataflowRootUrl', env);
  if (dataflowRootUrl !== undefined && !/^https?:\/\/[^/]+/.test(dataflowRootUrl)) {
    throw new ConfigError(
      `DFCHAIN_DATAFLOW_ROOT_URL="${dataflowRootUrl}" is not an http(s) URL; use e.g. http://127.0.0.1:8089/ or unset it for Google's API`,
    );
  }
  const runRootUrl = settingValue('runRootUrl', env);
  if (runRootUrl !== undefined && !/^https?:\/\/[^/]+/.test(runRootUrl)) {
    throw new ConfigError(
      `DFCHAIN_RUN_ROOT_URL="${runRootUrl}" is not an http(s) URL; use e.g. http://127.0.0.1:8089/ (the simulator serves both APIs) or unset it for Google's API`,
    );
  }
  const projectId = settingValue('project', env) || (dataflowRootUrl ? LOCAL_PROJECT : undefined);
  if (projectId === undefined) {
    throw new ConfigError(
      'GOOGLE_CLOUD_PROJECT is not set: set it to the project that owns the runs and the Dataflow jobs (gcloud functions deploy --update-env-vars GOOGLE_CLOUD_PROJECT=…)',
    );
  }
  const store = settingValue('store', env);
  if (!(STORE_KINDS as readonly string[]).includes(store)) {
    throw new ConfigError(`DFCHAIN_STORE="${store}" is not one of ${STORE_KINDS.join(', ')}`);
  }
  const faults = localFaults(env);
  const dataflowTimeoutMs = positiveSeconds(
    env,
    'dataflowTimeoutSeconds',
    DEFAULT_DATAFLOW_TIMEOUT_SECONDS,
  );
  const launchLeaseMs = positiveSeconds(env, 'launchLeaseSeconds', DEFAULT_LAUNCH_LEASE_SECONDS);
  if (launchLeaseMs < dataflowTimeoutMs + 2 * LEASE_MARGIN_MS) {
    throw new ConfigError(
      `DFCHAIN_LAUNCH_LEASE_SECONDS=${launchLeaseMs / 1000} is shorter than one launch call (DFCHAIN_DATAFLOW_TIMEOUT_SECONDS=${dataflowTimeoutMs / 1000}) plus ${(2 * LEASE_MARGIN_MS) / 1000} s of clock margin: raise it to at least ${(dataflowTimeoutMs + 2 * LEASE_MARGIN_MS) / 1000}`,
    );
  }
  const firestoreDatabase = settingValue('firestoreDatabase', env);
  if (!FIRESTORE_DATABASE_PATTERN.test(firestoreDatabase)) {
    throw new ConfigError(
      `DFCHAIN_FIRESTORE_DATABASE="${firestoreDatabase}" is not a Firestore database id (4-63 lowercase letters, digits and '-', starting with a letter, or "(default)")`,
    );
  }
  const workerServiceAccount = settingValue('workerServiceAccount', env);
  if (workerServiceAccount !== undefined && !SERVICE_ACCOUNT_PATTERN.test(workerServiceAccount)) {
    throw new ConfigError(
      `DFCHAIN_WORKER_SERVICE_ACCOUNT="${workerServiceAccount}" is not a service account email (NAME@PROJECT.iam.gserviceaccount.com); unset it to let each Task name its own`,
    );
  }
  const timing = settingValue('timing', env);
  if (timing !== '0' && timing !== '1') {
    throw new ConfigError(`DFCHAIN_TIMING="${timing}" is not 1 (time each delivery) or 0`);
  }
  const timers = timerConfig(env);
  return {
    projectId,
    chainsDir: settingValue('chainsDir', env),
    ...(dataflowRootUrl ? { dataflowRootUrl } : {}),
    ...(runRootUrl ? { runRootUrl } : {}),
    store: store as StoreKind,
    confirmDeadlineMs: positiveSeconds(
      env,
      'confirmDeadlineSeconds',
      DEFAULT_CONFIRM_DEADLINE_SECONDS,
    ),
    confirmPollMs: positiveSeconds(env, 'confirmPollSeconds', DEFAULT_CONFIRM_POLL_SECONDS),
    dataflowTimeoutMs,
    launchLeaseMs,
    firestoreDatabase,
    ...(workerServiceAccount ? { workerServiceAccount } : {}),
    ...(faults ? { localFaults: faults } : {}),
    ...(timing === '1' ? { timing: true as const } : {}),
    ...timers,
    maxActiveJobs: maxActiveJobs(env),
    quotaRetryMs: positiveSeconds(env, 'quotaRetrySeconds', DEFAULT_QUOTA_RETRY_SECONDS),
    prices: priceTableFromEnv(env),
  };
}
