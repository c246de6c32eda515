import { ConfigError } from './errors.js';

/** Run stores dfchain can use. */
export const STORE_KINDS = ['firestore', 'memory'] as const;
/** Run stores dfchain can use. */
export type StoreKind = (typeof STORE_KINDS)[number];

/** Everything dfchain reads from the environment, parsed once. */
export interface Config {
  readonly projectId: string;
  readonly chainsDir: string;
  /** Root URL of the Dataflow REST API; undefined means Google's. */
  readonly dataflowRootUrl?: string;
  readonly store: StoreKind;
  /** How long to wait for the Dataflow API to agree a job ended before failing the delivery. */
  readonly confirmDeadlineMs: number;
}

/** Project id used when talking to local stand-ins, where any id works. */
export const LOCAL_PROJECT = 'dfchain-local';

// Well below the 540 s ceiling of an event function, and well above the API's ~30 s lag.
const DEFAULT_CONFIRM_DEADLINE_SECONDS = 120;

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
      'GOOGLE_CLOUD_PROJECT is not set: set it to the project that owns the runs and the Dataflow jobs (gcloud functions deploy --set-env-vars GOOGLE_CLOUD_PROJECT=…)',
    );
  }
  const store = env['DFCHAIN_STORE'] || 'firestore';
  if (!(STORE_KINDS as readonly string[]).includes(store)) {
    throw new ConfigError(`DFCHAIN_STORE="${store}" is not one of ${STORE_KINDS.join(', ')}`);
  }
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
  };
}
