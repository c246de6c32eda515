import type { RunError } from './run.js';

/**
 * An ASL error raised while a state runs (a path that does not resolve, no Choice matching, a
 * ResultPath that cannot be applied). Caught by the interpreter and sent down the one failure
 * path (Retry, Catch, fail the scope); it never leaves the engine.
 */
export class StateError extends Error {
  /** Wraps `error`; `cause` keeps the lower-level error it came from. */
  constructor(
    readonly error: RunError,
    options?: { cause?: unknown },
  ) {
    super(`${error.Error}: ${error.Cause}`, options);
    this.name = 'StateError';
  }
}
