import pRetry from 'p-retry';
import { ExecutionNotFoundError, JobNotConfirmedError, isRetryable } from '../errors.js';
import { isTerminal, type ExecutionSummary } from './execution.js';
import type { CloudRunPort } from './port.js';

/** How long and how often to ask whether an execution ended. */
export interface ConfirmExecutionOptions {
  /** Stop asking after this long: the delivery then fails and Pub/Sub redelivers it. */
  readonly deadlineMs: number;
  /** Longest delay between calls. */
  readonly maxDelayMs: number;
}

/** Thrown inside the retry loop while the execution is still running. */
class StillRunning extends JobNotConfirmedError {}

/**
 * Asks Cloud Run for the execution until it has ended: the API may lag the completion entry
 * (NOT_FOUND, or still running), so those and transient faults are retried with backoff and
 * jitter up to `deadlineMs`; a permanent error stops at once.
 * @throws JobNotConfirmedError past the deadline (retryable), with the last error as cause.
 */
export async function confirmExecutionEnded(
  run: CloudRunPort,
  name: string,
  options: ConfirmExecutionOptions,
): Promise<ExecutionSummary> {
  const started = Date.now();
  try {
    return await pRetry(
      async () => {
        const summary = await run.getExecution(name);
        if (!isTerminal(summary))
          throw new StillRunning(`Cloud Run shows execution ${name} as still running`);
        return summary;
      },
      {
        retries: 1000,
        minTimeout: Math.min(100, options.maxDelayMs),
        maxTimeout: options.maxDelayMs,
        randomize: true,
        maxRetryTime: options.deadlineMs,
        shouldRetry: ({ error }) =>
          error instanceof ExecutionNotFoundError ||
          error instanceof StillRunning ||
          isRetryable(error),
      },
    );
  } catch (error) {
    if (!isRetryable(error)) throw error;
    throw new JobNotConfirmedError(
      `execution ${name} not confirmed ended within ${Math.round((Date.now() - started) / 1000)} s: ${(error as Error).message}; the delivery is retried`,
      { cause: error },
    );
  }
}
