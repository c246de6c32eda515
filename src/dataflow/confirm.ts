import pRetry from 'p-retry';
import {
  DfchainError,
  JobNeverVisibleError,
  JobNotConfirmedError,
  JobNotFoundError,
  isRetryable,
} from '../errors.js';
import { endedJob, type EndedJob, type JobRef } from './job.js';
import type { DataflowPort } from './port.js';

/** One failed look at the job, reported before dfchain waits and asks again. */
export interface ConfirmRetryInfo {
  /** 1 for the first call. */
  readonly attempt: number;
  /** What the API said: a state such as `JOB_STATE_RUNNING`, `NOT_FOUND`, or an error message. */
  readonly lastSeen: string;
  readonly error: Error;
}

/** How long and how often to ask the API whether a job ended. */
export interface ConfirmOptions {
  /** Stop asking after this long: the delivery then fails and Pub/Sub redelivers it. */
  readonly deadlineMs: number;
  /** First delay between calls, before jitter (default 250 ms); it doubles each time. */
  readonly minDelayMs?: number;
  /** Longest delay between calls (default 5 s). */
  readonly maxDelayMs?: number;
  readonly onRetry?: (info: ConfirmRetryInfo) => void;
  /**
   * A job the API has never shown after this long is not lag but a message about a job that
   * does not exist here (foreign or forged): stop, rather than poll to the deadline (default
   * NOT_FOUND_LIMIT_MS).
   */
  readonly notFoundLimitMs?: number;
}

/**
 * How long a job may stay NOT_FOUND before dfchain stops believing in it: the API lags the log
 * by up to ~30 s in the field (ARCHITECTURE §4), plus a margin. A real job whose API lags
 * longer is still advanced by the tick.
 */
export const NOT_FOUND_LIMIT_MS = 45_000;

/** Thrown inside the retry loop when the API answers with a state that is not terminal yet. */
class StillRunning extends JobNotConfirmedError {
  constructor(readonly state: string) {
    super(`the API shows the job as ${state}, not terminal yet`);
  }
}

function describe(error: Error): string {
  if (error instanceof StillRunning) return error.state;
  if (error instanceof JobNotFoundError) return 'NOT_FOUND';
  return error.message;
}

/**
 * Asks the API for the job until it reports a terminal state. The API lags the log by up to
 * ~30 s, so NOT_FOUND, a non-terminal state and transient faults are retried with exponential
 * backoff and jitter up to `deadlineMs`; a permanent error (such as 403) stops at once.
 * @throws JobNotConfirmedError past the deadline (retryable), with the last error as cause.
 */
export async function confirmJobEnded(
  dataflow: DataflowPort,
  ref: JobRef,
  jobId: string,
  options: ConfirmOptions,
): Promise<EndedJob> {
  const started = Date.now();
  // A limit at or past the deadline is no limit: the deadline's retryable error applies.
  const limit = options.notFoundLimitMs ?? NOT_FOUND_LIMIT_MS;
  const notFoundLimitMs = limit < options.deadlineMs ? limit : Number.POSITIVE_INFINITY;
  let everSeen = false;
  try {
    return await pRetry(
      async () => {
        let job;
        try {
          job = await dataflow.getJob(ref, jobId);
        } catch (error) {
          if (!(error instanceof JobNotFoundError) || everSeen) throw error;
          if (Date.now() - started < notFoundLimitMs) throw error;
          throw new JobNeverVisibleError(
            `job ${jobId} in projects/${ref.projectId}/locations/${ref.location} was still NOT_FOUND ${Math.round((Date.now() - started) / 1000)} s after its message arrived, beyond the API's lag: a message about a job that does not exist here`,
            { cause: error },
          );
        }
        everSeen = true;
        return endedJob(job) ?? Promise.reject(new StillRunning(job.currentState));
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxRetryTime: options.deadlineMs,
        minTimeout: options.minDelayMs ?? 250,
        maxTimeout: options.maxDelayMs ?? 5000,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error, attemptNumber }) => {
          if (!isRetryable(error)) return false;
          options.onRetry?.({ attempt: attemptNumber, lastSeen: describe(error), error });
          return true;
        },
      },
    );
  } catch (error) {
    // A retryable dfchain error only escapes p-retry at the deadline; anything else (a permanent
    // error, a bug in the port) is passed on as it is.
    if (!(error instanceof DfchainError) || !error.retryable) throw error;
    throw new JobNotConfirmedError(
      `job ${jobId} in projects/${ref.projectId}/locations/${ref.location} is not confirmed ended within the ${options.deadlineMs} ms deadline: the API last said ${describe(error)}; the delivery fails so Pub/Sub redelivers it`,
      { cause: error },
    );
  }
}
