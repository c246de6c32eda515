import type { protos } from '@google-cloud/tasks';
import { createHash } from 'node:crypto';
import { ConfigError, DfchainError, TimerPermanentError, TimerTransientError } from '../errors.js';
import { dueTime, timerMessageData } from './message.js';
import type { TimerPort, TimerRequest } from './port.js';

/** A Cloud Tasks CreateTask request (google.cloud.tasks.v2). */
export type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

/** The part of @google-cloud/tasks' CloudTasksClient that dfchain calls. */
export interface TasksClient {
  createTask(request: CreateTaskRequest): Promise<unknown>;
  close(): Promise<void>;
}

/** Where the timers go and as whom they publish. */
export interface CloudTasksTimerOptions {
  readonly projectId: string;
  /** The events topic the tasks publish to (`DFCHAIN_TOPIC`). */
  readonly topic: string;
  /** Queue id (`DFCHAIN_TASKS_QUEUE`). */
  readonly queue: string;
  /** Queue location (`DFCHAIN_TASKS_LOCATION`). */
  readonly location: string;
  /**
   * The account whose OAuth token each task carries to Pub/Sub (`DFCHAIN_TIMER_SERVICE_ACCOUNT`);
   * undefined: every schedule fails with a ConfigError naming the variable.
   */
  readonly serviceAccount: string | undefined;
  /** Default: a CloudTasksClient of @google-cloud/tasks, loaded at the first schedule. */
  readonly client?: TasksClient;
  /** The wall clock in ms; default Date.now. */
  readonly now?: () => number;
}

/**
 * The farthest ahead a task may be scheduled: "Maximum schedule time for a task: 30 days from
 * the current date and time" (https://cloud.google.com/tasks/docs/quotas). A timer due later is
 * scheduled at the cap, less an hour for clock skew: it arrives early, and the engine, which
 * keeps the real due time, arms it again (under a new name) for the rest of the wait.
 */
export const MAX_SCHEDULE_MS = 30 * 86_400_000 - 3_600_000;
/** Pub/Sub publish accepts `pubsub` or `cloud-platform` (REST reference, projects.topics.publish). */
export const OAUTH_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** gRPC status codes (google.rpc.Code) by number, for messages. */
const GRPC_CODES: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};
const ALREADY_EXISTS = 6;
/** Codes that may pass on a later try (Google's AIP-194 retry guidance, plus ABORTED). */
export const TRANSIENT_CODES: readonly number[] = [1, 2, 4, 8, 10, 13, 14];

/** The task id: sha256 of the timer name, hex. Sequential ids slow Cloud Tasks down (CreateTaskRequest). */
export function taskId(timerName: string): string {
  return createHash('sha256').update(timerName, 'utf8').digest('hex');
}

/** `projects/P/locations/L/queues/Q`. */
export function queuePath(
  options: Pick<CloudTasksTimerOptions, 'projectId' | 'location' | 'queue'>,
): string {
  return `projects/${options.projectId}/locations/${options.location}/queues/${options.queue}`;
}

/** The Pub/Sub REST publish URL of the events topic. */
export function publishUrl(projectId: string, topic: string): string {
  return `https://pubsub.googleapis.com/v1/projects/${projectId}/topics/${topic}:publish`;
}

/**
 * The CreateTask request for `timer`: a named HTTP task that, at the due time, POSTs the timer
 * command to Pub/Sub's REST publish with an OAuth token of `serviceAccount` (an OAuth token,
 * not OIDC: Google APIs on *.googleapis.com take access tokens; google.cloud.tasks.v2.HttpRequest).
 */
export function createTaskRequest(
  options: Omit<CloudTasksTimerOptions, 'client' | 'now' | 'serviceAccount'> & {
    readonly serviceAccount: string;
  },
  timer: TimerRequest,
  now: number,
): CreateTaskRequest {
  const parent = queuePath(options);
  const at = Math.min(dueTime(timer), now + MAX_SCHEDULE_MS);
  const body = { messages: [{ data: timerMessageData(timer).toString('base64') }] };
  return {
    parent,
    task: {
      name: `${parent}/tasks/${taskId(timer.name)}`,
      // A time in the past is "set to the current time" by Cloud Tasks (CreateTaskRequest).
      scheduleTime: { seconds: Math.floor(at / 1000), nanos: (((at % 1000) + 1000) % 1000) * 1e6 },
      httpRequest: {
        httpMethod: 'POST',
        url: publishUrl(options.projectId, options.topic),
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(body), 'utf8'),
        oauthToken: { serviceAccountEmail: options.serviceAccount, scope: OAUTH_SCOPE },
      },
    },
  };
}

/** What to do about a refused CreateTask, by gRPC code. */
function advice(code: number | undefined, options: CloudTasksTimerOptions): string {
  const queue = `${options.queue} in ${options.location}`;
  switch (code) {
    case 5:
      return `the queue ${queue} does not exist: infra/deploy.sh creates it (gcloud tasks queues create ${options.queue} --location=${options.location}), or set DFCHAIN_TASKS_QUEUE and DFCHAIN_TASKS_LOCATION to an existing queue`;
    case 7:
    case 16:
      return `grant the function's service account roles/cloudtasks.enqueuer on the queue ${queue} and roles/iam.serviceAccountUser on ${options.serviceAccount ?? 'DFCHAIN_TIMER_SERVICE_ACCOUNT'} (infra/deploy.sh does both); check the Cloud Tasks API is enabled`;
    case 9:
      return `the queue ${queue} is paused or disabled: resume it (gcloud tasks queues resume ${options.queue} --location=${options.location})`;
    case 3:
      return 'the request is invalid: check DFCHAIN_TIMER_SERVICE_ACCOUNT (an account of the same project as the queue) and DFCHAIN_TOPIC';
    default:
      return code !== undefined && TRANSIENT_CODES.includes(code)
        ? 'a transient fault: it is retried'
        : 'retrying cannot help: fix the queue or the configuration';
  }
}

/** Turns a CreateTask failure into a typed error; undefined for ALREADY_EXISTS (success). */
export function classifyTasksError(
  error: unknown,
  timer: TimerRequest,
  options: CloudTasksTimerOptions,
): DfchainError | undefined {
  if (error instanceof DfchainError) return error;
  const fields =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof fields['code'] === 'number' ? fields['code'] : undefined;
  // "Another task with the same name can't be created for ~1hour after the original task was
  // deleted or executed" (CreateTaskRequest): the timer is, or was, scheduled.
  if (code === ALREADY_EXISTS) return undefined;
  const text =
    typeof fields['details'] === 'string' && fields['details'] !== ''
      ? fields['details']
      : error instanceof Error
        ? error.message
        : String(error);
  const status = code === undefined ? 'no gRPC status' : `${GRPC_CODES[code] ?? 'code'} (${code})`;
  const what = `Cloud Tasks createTask in ${queuePath(options)} for timer "${timer.name}" of run ${timer.runId} failed: ${status}: ${text}`;
  if (code === undefined && /default credentials/i.test(text)) {
    return new TimerPermanentError(
      `${what} (set up Application Default Credentials, or DFCHAIN_TIMERS=local off Google Cloud)`,
      { cause: error },
    );
  }
  // No status at all: the call never got an answer (network): it may pass.
  if (code === undefined || TRANSIENT_CODES.includes(code)) {
    return new TimerTransientError(`${what} (${advice(code, options)})`, { cause: error });
  }
  return new TimerPermanentError(`${what} (${advice(code, options)})`, { cause: error });
}

async function defaultClient(): Promise<TasksClient> {
  // ~0.6 s to load: only a delivery that arms a timer pays it.
  const { CloudTasksClient } = await import('@google-cloud/tasks');
  return new CloudTasksClient();
}

/**
 * The deployed TimerPort: one named Cloud Tasks HTTP task per timer, publishing the timer
 * command on the events topic at its due time. Asking again for a name is a no-op: Cloud Tasks
 * answers ALREADY_EXISTS (for about an hour after the task ran), taken as success; after that
 * the engine's own record of the timer is the guard.
 */
export function createCloudTasksTimers(options: CloudTasksTimerOptions): TimerPort {
  const now = options.now ?? Date.now;
  let client: Promise<TasksClient> | undefined = options.client
    ? Promise.resolve(options.client)
    : undefined;
  return {
    async schedule(timer) {
      const serviceAccount = options.serviceAccount;
      if (serviceAccount === undefined) {
        throw new ConfigError(
          `DFCHAIN_TIMER_SERVICE_ACCOUNT is not set, so timer "${timer.name}" of run ${timer.runId} cannot be scheduled on Cloud Tasks: set it to the function's service account (infra/deploy.sh does), or set DFCHAIN_TIMERS=local`,
        );
      }
      const request = createTaskRequest({ ...options, serviceAccount }, timer, now());
      try {
        client ??= defaultClient();
        await (await client).createTask(request);
      } catch (error) {
        const failure = classifyTasksError(error, timer, options);
        if (failure) throw failure;
      }
    },
    async close() {
      const open = client;
      client = undefined;
      // A client that never loaded has nothing to close.
      if (open)
        await open.then(
          (loaded) => loaded.close(),
          () => undefined,
        );
    },
  };
}
