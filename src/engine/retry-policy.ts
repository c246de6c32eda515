import type { Catcher, Retrier } from '../chain/types.js';
import { ERROR_NAMES } from './error-names.js';
import type { RunError } from './run.js';

/** ASL's default Retry fields. */
export const RETRY_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 } as const;

/**
 * True for errors no Retry or Catch may handle: AWS fails the whole execution on
 * `States.Runtime` and `States.DataLimitExceeded` ("States.ALL … cannot catch the
 * States.DataLimitExceeded terminal error or Runtime error types",
 * docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
export function isFatal(error: RunError): boolean {
  return error.Error === ERROR_NAMES.runtime || error.Error === ERROR_NAMES.dataLimitExceeded;
}

/**
 * True when a retrier's or catcher's `ErrorEquals` matches `name`: by exact name, by
 * `States.ALL` (anything but the fatal Runtime error), or by `States.TaskFailed` (AWS: any
 * known error except `States.Timeout`).
 */
export function errorMatches(errorEquals: readonly string[], name: string): boolean {
  if (isFatal({ Error: name, Cause: '' })) return false;
  return errorEquals.some(
    (pattern) =>
      pattern === name ||
      pattern === ERROR_NAMES.all ||
      (pattern === ERROR_NAMES.taskFailed && name !== ERROR_NAMES.timeout),
  );
}

/** A retry the policy allows: which retrier, and the delay before the next attempt. */
export interface RetryDecision {
  readonly retrier: number;
  readonly delayMs: number;
}

/**
 * Whether to retry after `error`, given the retries each retrier has used. ASL: the first
 * retrier that matches decides; once its MaxAttempts are used up the error goes to Catch, even
 * if a later retrier would match. `jitter` is a number in [0, 1) drawn once for this attempt
 * (FULL jitter scales the delay by it), so the decision is a pure function of data.
 */
export function retryDecision(
  retriers: readonly Retrier[] | undefined,
  error: RunError,
  used: Readonly<Record<string, number>>,
  jitter: number,
): RetryDecision | undefined {
  const index = (retriers ?? []).findIndex((r) => errorMatches(r.ErrorEquals, error.Error));
  const retrier = retriers?.[index];
  if (retrier === undefined) return undefined;
  const count = used[index] ?? 0;
  if (count >= (retrier.MaxAttempts ?? RETRY_DEFAULTS.MaxAttempts)) return undefined;
  const interval = retrier.IntervalSeconds ?? RETRY_DEFAULTS.IntervalSeconds;
  const rate = retrier.BackoffRate ?? RETRY_DEFAULTS.BackoffRate;
  let seconds = interval * rate ** count;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= jitter;
  return { retrier: index, delayMs: Math.round(seconds * 1000) };
}

/** The first catcher that matches `error`, or undefined. */
export function catcherFor(
  catchers: readonly Catcher[] | undefined,
  error: RunError,
): Catcher | undefined {
  return (catchers ?? []).find((c) => errorMatches(c.ErrorEquals, error.Error));
}
