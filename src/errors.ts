/**
 * Every error dfchain raises, in one place.
 *
 * The split that matters is retryability: a {@link RetryableError} makes the function fail the
 * delivery so Pub/Sub redelivers it later; a {@link NonRetryableError} is logged and the message
 * acknowledged, because delivering it again cannot succeed.
 */

/** Base class: every dfchain error has a stable `code` for logs and tests. */
export abstract class DfchainError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A fault that may pass: the delivery fails and Pub/Sub redelivers it. */
export abstract class RetryableError extends DfchainError {
  readonly retryable = true;
}

/** A fault that will not pass by trying again: logged, and the message acknowledged. */
export abstract class NonRetryableError extends DfchainError {
  readonly retryable = false;
}

/** The environment is wrong; the function refuses to start. */
export class ConfigError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'CONFIG', options);
  }
}

/** One problem in one chain file, at one JSON path. */
export interface ChainProblem {
  /** JSON path inside the file, such as `States.Publish.Next`. Empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** A chain file is invalid; lists every problem found, each with its file and JSON path. */
export class ChainValidationError extends NonRetryableError {
  constructor(
    readonly file: string,
    readonly problems: readonly ChainProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      problems.map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'),
      'CHAIN_INVALID',
      options,
    );
  }
}

/** One or more chain files are invalid; the message lists every problem of every file. */
export class ChainsInvalidError extends NonRetryableError {
  constructor(
    readonly errors: readonly ChainValidationError[],
    options?: { cause?: unknown },
  ) {
    super(errors.map((e) => e.message).join('\n'), 'CHAIN_INVALID', options);
  }
}

/** A message that can never be processed (malformed, foreign, unknown chain, conflicting start). */
export class PoisonMessageError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'POISON_MESSAGE', options);
  }
}

/** A `start` command reused a run id with a different input. */
export class RunConflictError extends NonRetryableError {
  constructor(
    readonly runId: string,
    options?: { cause?: unknown },
  ) {
    super(
      `run "${runId}" already exists with a different input: start it under a new runId, or resend the original input`,
      'RUN_CONFLICT',
      options,
    );
  }
}

/** Evaluating a `.$` path or intrinsic against the run's data failed. */
export class PathError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PATH', options);
  }
}

/** HTTP status and Google status string of a failed Dataflow API call. */
export interface DataflowErrorDetails {
  readonly operation: string;
  readonly httpStatus?: number;
  readonly status?: string;
}

/** The Dataflow API answered with a transient fault (429, 5xx, network, timeout). */
export class DataflowTransientError extends RetryableError {
  constructor(
    message: string,
    readonly details: DataflowErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'DATAFLOW_TRANSIENT', options);
  }
}

/**
 * The Dataflow API refused the call for quota (HTTP 429 RESOURCE_EXHAUSTED): nothing was
 * created. A launch refused so waits for a timer and tries again; it never fails the Task.
 */
export class DataflowQuotaError extends DataflowTransientError {}

/** The Dataflow API refused the call for good (400, 403, ...): retrying cannot help. */
export class DataflowPermanentError extends NonRetryableError {
  constructor(
    message: string,
    readonly details: DataflowErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'DATAFLOW_PERMANENT', options);
  }
}

/** The Dataflow API does not (yet) know the job: it lags the log by up to ~30 s. */
export class JobNotFoundError extends RetryableError {
  constructor(
    message: string,
    readonly details: DataflowErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'JOB_NOT_FOUND', options);
  }
}

/** A launch collided with an active job of the same name (HTTP 409 ALREADY_EXISTS). */
export class JobAlreadyExistsError extends RetryableError {
  constructor(
    message: string,
    readonly details: DataflowErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'JOB_ALREADY_EXISTS', options);
  }
}

/** The API still shows the job as not terminal, or unknown, past the confirmation deadline. */
export class JobNotConfirmedError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'JOB_NOT_CONFIRMED', options);
  }
}

/** The run store failed in a way that may pass (unavailable, contention, deadline). */
export class StoreTransientError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'STORE_TRANSIENT', options);
  }
}

/** The run store refused a write for good (a document over Firestore's 1 MiB, a bad value). */
export class StorePermanentError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'STORE_PERMANENT', options);
  }
}

/** True when the delivery carrying `error` should be retried by Pub/Sub. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof DfchainError) return error.retryable;
  // Unknown failures are retried: dropping a message loses work, and the dead-letter topic
  // bounds a message that fails forever.
  return true;
}

/** The API never showed the job within the lag bound: a foreign or forged message. */
export class JobNeverVisibleError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'JOB_NEVER_VISIBLE', options);
  }
}

/** Scheduling a timer failed in a way that may pass (Cloud Tasks unavailable, quota, deadline). */
export class TimerTransientError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'TIMER_TRANSIENT', options);
  }
}

/** Scheduling a timer was refused for good (no queue, no permission, a bad request). */
export class TimerPermanentError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'TIMER_PERMANENT', options);
  }
}

/** Publishing a Task's message failed in a way that may pass (unavailable, deadline, quota). */
export class PublishTransientError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PUBLISH_TRANSIENT', options);
  }
}

/**
 * Publishing a Task's message was refused for good (no such topic, no permission, a message
 * Pub/Sub does not take): the Task fails with States.TaskFailed.
 */
export class PublishPermanentError extends NonRetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'PUBLISH_PERMANENT', options);
  }
}

/** HTTP status and Google status string of a failed Cloud Run Admin API call: as Dataflow's. */
export type RunErrorDetails = DataflowErrorDetails;

/** The Cloud Run Admin API answered with a transient fault (408, 429, 5xx, network, timeout). */
export class RunTransientError extends RetryableError {
  constructor(
    message: string,
    readonly details: RunErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'RUN_TRANSIENT', options);
  }
}

/**
 * The Cloud Run Admin API refused the call for quota (HTTP 429 RESOURCE_EXHAUSTED): no execution
 * was started. A `jobs.run` refused so waits and tries again; it never fails the Task.
 */
export class RunQuotaError extends RunTransientError {}

/** The Cloud Run Admin API refused the call for good (400, 403, an unknown job…): retrying cannot help. */
export class RunPermanentError extends NonRetryableError {
  constructor(
    message: string,
    readonly details: RunErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'RUN_PERMANENT', options);
  }
}

/** `executions.get` does not (yet) know the execution: the API may lag the completion entry. */
export class ExecutionNotFoundError extends RetryableError {
  constructor(
    message: string,
    readonly details: RunErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, 'EXECUTION_NOT_FOUND', options);
  }
}

/** Cloud Storage failed in a way that may pass (429, 5xx, network, timeout). */
export class StorageTransientError extends RetryableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'STORAGE_TRANSIENT', options);
  }
}

/**
 * Cloud Storage refused the call for good: `notFound` (404: no such bucket or object),
 * `denied` (401, 403: the function's account may not read it), `tooLarge` (more bytes than
 * dfchain reads), or `other` (another 4xx).
 */
export class StoragePermanentError extends NonRetryableError {
  constructor(
    message: string,
    readonly reason: 'notFound' | 'denied' | 'tooLarge' | 'other',
    options?: { cause?: unknown },
  ) {
    super(message, 'STORAGE_PERMANENT', options);
  }
}
