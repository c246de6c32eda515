/**
 * What the CLI says when something expected goes wrong: one line naming the place and what to
 * do, never a stack trace, and never the function's own wording (the store's errors say "the
 * delivery will be retried", which is true of the function and false of a command).
 */

/** The Google services the CLI calls. */
export type Service = 'pubsub' | 'firestore';

/** Longest a CLI command waits for a Google service (or its emulator) before giving up. */
export const CLI_DEADLINE_MS = 5_000;

const SERVICES: Readonly<Record<Service, { name: string; variable: string; google: string }>> = {
  pubsub: { name: 'Pub/Sub', variable: 'PUBSUB_EMULATOR_HOST', google: 'pubsub.googleapis.com' },
  firestore: {
    name: 'Firestore',
    variable: 'FIRESTORE_EMULATOR_HOST',
    google: 'firestore.googleapis.com',
  },
};

/** Where a command's calls to `service` go: an emulator named by its variable, or Google. */
export interface Endpoint {
  readonly service: Service;
  /** The emulator's HOST:PORT, when its variable is set. */
  readonly emulator?: string;
}

/** The endpoint the client libraries use for `service` under `env`. */
export function endpointOf(service: Service, env: NodeJS.ProcessEnv = process.env): Endpoint {
  const emulator = env[SERVICES[service].variable] || undefined;
  return { service, ...(emulator ? { emulator } : {}) };
}

/** The endpoint as a message names it: `the Pub/Sub emulator at H (PUBSUB_EMULATOR_HOST)`. */
export function endpointText(endpoint: Endpoint): string {
  const { name, variable, google } = SERVICES[endpoint.service];
  return endpoint.emulator
    ? `the ${name} emulator at ${endpoint.emulator} (${variable})`
    : `${name} at ${google}`;
}

/** A refusal the CLI decided itself, already worded as its one line; `exitCode` is the command's. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** A call that got no answer within the CLI's deadline. */
export class NoAnswerError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = 'NoAnswerError';
  }
}

/**
 * `work`, or NoAnswerError after `ms`. The client libraries retry at several layers (Firestore
 * retries each read five times over its own gax retries), so per-call settings alone cannot
 * bound a command: this does, whatever the libraries do underneath.
 */
export async function withDeadline<T>(work: Promise<T>, ms = CLI_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerError(ms)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a command was doing when it failed, for the wording of its line. */
export interface FailureContext {
  /** The command, as typed: `start`, `status`. */
  readonly command: string;
  readonly endpoint: Endpoint;
  readonly projectId: string;
  /** `start` only: the topic it publishes to. */
  readonly topic?: string;
}

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

/** The innermost error of a `cause` chain: the client library's, under the store's wrapper. */
function rootCause(error: unknown): unknown {
  let current = error;
  // Bounded: a cause chain that loops must not hang the command.
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause; depth++) {
    current = current.cause;
  }
  return current;
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

/** True when `error` is google-auth-library finding no Application Default Credentials. */
export function isMissingCredentials(error: unknown): boolean {
  return firstLine(rootCause(error)).startsWith('Could not load the default credentials');
}

/** The role a command needs on the service it calls. */
const ROLES: Readonly<Record<Service, string>> = {
  pubsub: 'roles/pubsub.publisher on the topic',
  firestore: 'roles/datastore.viewer on the project',
};

/** The one line a command prints for `error` (see the table in the README). */
export function failureLine(error: unknown, context: FailureContext): string {
  const prefix = `dfchain ${context.command}:`;
  if (error instanceof CliFailure) return error.message;
  const { endpoint } = context;
  const place = endpointText(endpoint);
  const { variable } = SERVICES[endpoint.service];
  if (isMissingCredentials(error)) {
    return `${prefix} no Google credentials to call ${place}: run "gcloud auth application-default login", or set ${variable} to a running emulator's HOST:PORT`;
  }
  const cause = rootCause(error);
  const code = codeOf(cause);
  if (cause instanceof NoAnswerError || code === DEADLINE_EXCEEDED || code === UNAVAILABLE) {
    const why =
      cause instanceof NoAnswerError
        ? cause.message
        : code === UNAVAILABLE
          ? 'no connection'
          : `no answer within ${CLI_DEADLINE_MS / 1000} s`;
    const advice = endpoint.emulator
      ? `start the emulator, or correct or unset ${variable}`
      : `check the network connection and proxy (HTTPS_PROXY), or set ${variable} to use an emulator`;
    return `${prefix} cannot reach ${place}: ${why}; ${advice}`;
  }
  if (code === NOT_FOUND && context.topic !== undefined) {
    const advice = endpoint.emulator
      ? 'create it on the emulator (the local stack, npm start, creates it), or name the events topic with --topic'
      : `create it (gcloud pubsub topics create ${context.topic} --project ${context.projectId}), or name the events topic with --topic`;
    return `${prefix} topic "${context.topic}" does not exist in project ${context.projectId} on ${place}: ${advice}`;
  }
  if (code === PERMISSION_DENIED) {
    return `${prefix} ${place} denied the call for project ${context.projectId}: grant ${ROLES[endpoint.service]} to the account of "gcloud auth application-default login" (or of GOOGLE_APPLICATION_CREDENTIALS)`;
  }
  if (code === UNAUTHENTICATED) {
    return `${prefix} ${place} refused the credentials (expired or revoked): run "gcloud auth application-default login" again`;
  }
  return `${prefix} ${place} failed: ${firstLine(cause)}`;
}
