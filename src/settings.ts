/**
 * Every environment variable dfchain reads, in one table: src/config.ts parses from it, the CLI
 * takes its option defaults and help from it, and `dfchain config-table` prints it as the
 * README's table. A variable read anywhere under src/ must be here (test/unit/settings.test.ts).
 */

/** Who reads a setting: the Cloud Function, the `dfchain` command, or the local stack (`npm start`). */
export type Reader = 'function' | 'command' | 'local';

/** One environment variable. */
export interface Setting {
  readonly env: string;
  /** The `dfchain` option that overrides it for one command, if any. */
  readonly flag?: string;
  /** The value used when it is unset or empty, as text; undefined when there is none. */
  readonly default?: string;
  readonly readBy: readonly Reader[];
  /** One line: what it sets. */
  readonly description: string;
}

/** The settings by the name the code uses; the table's order is this order. */
export const SETTINGS = {
  project: {
    env: 'GOOGLE_CLOUD_PROJECT',
    readBy: ['function', 'command'],
    description:
      'Project that owns the runs and the Dataflow jobs (dfchain-local when DFCHAIN_DATAFLOW_ROOT_URL is set)',
  },
  chainsDir: {
    env: 'DFCHAIN_CHAINS_DIR',
    flag: '--chains-dir',
    default: 'dag',
    readBy: ['function', 'command'],
    description: 'Folder of the chain files (a chain is named after its file)',
  },
  store: {
    env: 'DFCHAIN_STORE',
    default: 'firestore',
    readBy: ['function', 'command'],
    description: 'Run store: firestore, or memory (inside the function process; tests only)',
  },
  firestoreDatabase: {
    env: 'DFCHAIN_FIRESTORE_DATABASE',
    default: '(default)',
    readBy: ['function', 'command'],
    description: 'Firestore database of the runs and definitions (the deployment sets dfchain)',
  },
  topic: {
    env: 'DFCHAIN_TOPIC',
    flag: '--topic',
    default: 'dfchain-events',
    readBy: ['function', 'command'],
    description: 'Pub/Sub topic of the events: start and cancel publish to it, due timers too',
  },
  dataflowRootUrl: {
    env: 'DFCHAIN_DATAFLOW_ROOT_URL',
    readBy: ['function', 'command'],
    description:
      "Root URL of the Dataflow REST API, e.g. the local simulator's (unset: Google's API)",
  },
  runRootUrl: {
    env: 'DFCHAIN_RUN_ROOT_URL',
    readBy: ['function', 'command'],
    description:
      "Root URL of the Cloud Run Admin API (run:job steps), e.g. the local simulator's (unset: Google's API)",
  },
  workerServiceAccount: {
    env: 'DFCHAIN_WORKER_SERVICE_ACCOUNT',
    readBy: ['function', 'command'],
    description:
      'Service account of the Dataflow workers when a Task names none (the deployment sets dfchain-worker)',
  },
  confirmDeadlineSeconds: {
    env: 'DFCHAIN_CONFIRM_DEADLINE_SECONDS',
    default: '120',
    readBy: ['function'],
    description:
      'How long to wait for the Dataflow API to agree a job ended (the API lags the log)',
  },
  confirmPollSeconds: {
    env: 'DFCHAIN_CONFIRM_POLL_SECONDS',
    default: '0.2',
    readBy: ['function'],
    description: 'Longest wait between two jobs.get calls while the API lags the log',
  },
  dataflowTimeoutSeconds: {
    env: 'DFCHAIN_DATAFLOW_TIMEOUT_SECONDS',
    default: '60',
    readBy: ['function'],
    description:
      'Timeout of each Dataflow API call, a timed-out call retried (the deployment sets 30)',
  },
  launchLeaseSeconds: {
    env: 'DFCHAIN_LAUNCH_LEASE_SECONDS',
    default: '150',
    readBy: ['function'],
    description:
      'How long a launch belongs to the delivery that claimed it (at least the timeout + 10 s)',
  },
  maxActiveJobs: {
    env: 'DFCHAIN_MAX_ACTIVE_JOBS',
    default: '25',
    readBy: ['function'],
    description:
      "Most jobs active per project at once, the project's Dataflow quota (0: no budget)",
  },
  quotaRetrySeconds: {
    env: 'DFCHAIN_QUOTA_RETRY_SECONDS',
    default: '30',
    readBy: ['function'],
    description:
      'First wait after a launch refused for quota (429), then doubled up to 10 min (local stack: 1)',
  },
  timers: {
    env: 'DFCHAIN_TIMERS',
    default: 'cloudtasks',
    readBy: ['function'],
    description: 'Where timers wait: cloudtasks (a deployed function) or local (this process)',
  },
  tasksQueue: {
    env: 'DFCHAIN_TASKS_QUEUE',
    default: 'dfchain-timers',
    readBy: ['function'],
    description: 'Cloud Tasks queue of the timers',
  },
  tasksLocation: {
    env: 'DFCHAIN_TASKS_LOCATION',
    default: 'us-central1',
    readBy: ['function'],
    description: "The queue's region (infra/deploy.sh sets the function's)",
  },
  timerServiceAccount: {
    env: 'DFCHAIN_TIMER_SERVICE_ACCOUNT',
    readBy: ['function'],
    description:
      "Account whose token a timer's task carries to Pub/Sub; required deployed with cloudtasks",
  },
  timing: {
    env: 'DFCHAIN_TIMING',
    default: '0',
    readBy: ['function'],
    description: '1: a DEBUG handoff.timing line per delivery (the bench)',
  },
  localFaults: {
    env: 'DFCHAIN_LOCAL_FAULTS',
    readBy: ['function', 'local'],
    description: 'Local-stack tests only: faults to inject, e.g. store=0.2,crash=0.05,seed=7',
  },
  prices: {
    env: 'DFCHAIN_PRICES',
    readBy: ['function', 'command'],
    description:
      "Price table of the cost estimates: inline JSON, or a JSON file's path (unset: the built-in table)",
  },
  loggingRootUrl: {
    env: 'DFCHAIN_LOGGING_ROOT_URL',
    readBy: ['command'],
    description: "dfchain logs: root URL of a stand-in of the Cloud Logging API (unset: Google's)",
  },
  noColor: {
    env: 'NO_COLOR',
    readBy: ['command'],
    description:
      'Set and not empty: no colour and no spinner in --follow and --watch (https://no-color.org)',
  },
  pubsubEmulatorHost: {
    env: 'PUBSUB_EMULATOR_HOST',
    readBy: ['function', 'command'],
    description: 'HOST:PORT of a Pub/Sub emulator, for the Pub/Sub client library',
  },
  firestoreEmulatorHost: {
    env: 'FIRESTORE_EMULATOR_HOST',
    readBy: ['function', 'command'],
    description: 'HOST:PORT of a Firestore emulator, for the Firestore client library',
  },
  kService: {
    env: 'K_SERVICE',
    readBy: ['function'],
    description:
      'Set by Cloud Run in a deployed function: makes DFCHAIN_TIMER_SERVICE_ACCOUNT required',
  },
  metadataServerDetection: {
    env: 'METADATA_SERVER_DETECTION',
    readBy: ['local'],
    description:
      "none: Google's client libraries skip the metadata-server probe (the local stack sets it)",
  },
  nodeEnv: {
    env: 'NODE_ENV',
    readBy: ['local'],
    description:
      "production hides functions-framework's start banner, which the local stack waits for",
  },
  path: {
    env: 'PATH',
    readBy: ['local'],
    description: 'Where the local stack finds gcloud and the emulators',
  },
} as const satisfies Record<string, Setting>;

/** A setting's name in {@link SETTINGS}. */
export type SettingName = keyof typeof SETTINGS;

/** The settings that have a default, so that a value is always there. */
export type DefaultedName = {
  [K in SettingName]: (typeof SETTINGS)[K] extends { readonly default: string } ? K : never;
}[SettingName];

/** The value of a setting under `env`: its variable when set and not empty, else its default. */
export function settingValue(name: DefaultedName, env?: NodeJS.ProcessEnv): string;
/** The value of a setting under `env`: its variable when set and not empty, else undefined. */
export function settingValue(name: SettingName, env?: NodeJS.ProcessEnv): string | undefined;
export function settingValue(
  name: SettingName,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const setting: Setting = SETTINGS[name];
  return env[setting.env] || setting.default;
}

/** A setting's default as an option's help says it: `DFCHAIN_TOPIC, else dfchain-events`. */
export function defaultText(name: SettingName): string {
  const setting: Setting = SETTINGS[name];
  return setting.default === undefined ? setting.env : `${setting.env}, else ${setting.default}`;
}

/** Escapes a table cell's pipes so that it stays one cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The settings as the README's Markdown table: variable, flag, default, read by, description. */
export function configTable(): string[] {
  const rows = Object.values(SETTINGS).map((s: Setting) =>
    [
      `\`${s.env}\``,
      s.flag ? `\`${s.flag}\`` : '',
      s.default !== undefined ? `\`${s.default}\`` : '',
      s.readBy.join(', '),
      cell(s.description),
    ].join(' | '),
  );
  return [
    '| Variable | Flag | Default | Read by | What it sets |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ];
}
