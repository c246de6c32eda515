import type { ExecutionSummary, RunJobRef, RunJobRequest, StartedExecution } from './execution.js';

/**
 * The Cloud Run Admin API v2 calls dfchain makes. Implementations throw the typed errors of
 * `src/errors.ts`: RunTransientError (RunQuotaError for 429), RunPermanentError, and
 * ExecutionNotFoundError from `getExecution`.
 */
export interface CloudRunPort {
  /**
   * `POST …/jobs/{job}:run` with the request's `overrides`: starts one execution and returns as
   * soon as Cloud Run accepted it, with the execution's name from the long-running Operation's
   * metadata (an `Execution`, job.proto `operation_info`). It never waits for the Operation,
   * which completes only when the execution does. Not idempotent: see docs/cloud-run.md §4.
   */
  runJob(ref: RunJobRef, request: RunJobRequest): Promise<StartedExecution>;
  /**
   * `GET …/jobs/{job}/executions/{execution}` by full name: the execution, classified. A 404
   * is ExecutionNotFoundError (the API may lag the completion entry).
   */
  getExecution(name: string): Promise<ExecutionSummary>;
  /**
   * `GET …/jobs/{job}/executions`, every page: the job's executions, newest first ("sorted by
   * creation time, descending", execution.proto). A 404 (no such job) is RunPermanentError.
   */
  listExecutions(ref: RunJobRef): Promise<ExecutionSummary[]>;
  /**
   * `POST …/executions/{execution}:cancel`: asks Cloud Run to cancel and returns once accepted
   * (the execution ends later, `executionReason` CANCELLED). Idempotent: an execution that
   * already ended resolves too.
   */
  cancelExecution(name: string): Promise<void>;
}

/**
 * The dry run of `jobs.run` (`validateOnly: true` in the body), apart from CloudRunPort because
 * only `dfchain validate --remote` asks for it.
 */
export interface CloudRunDryRunPort {
  /** Resolves when Cloud Run accepts the request; a refusal is a RunPermanentError. */
  validateRunJob(ref: RunJobRef, request: RunJobRequest): Promise<void>;
}
