import {
  DfchainError,
  ExecutionNotFoundError,
  RunPermanentError,
  RunQuotaError,
  RunTransientError,
  type RunErrorDetails,
} from '../errors.js';
import { isNetworkFault, readFailure } from '../http-failure.js';

/** What to do about each HTTP status of a Cloud Run Admin API answer, for the error message. */
const ADVICE: Readonly<Record<number, string>> = {
  400: "the request is invalid: check the step's Parameters.overrides in the chain file against RunJobRequest.Overrides",
  401: "the credentials were rejected: check the Application Default Credentials of the function's service account",
  403: "grant the function's service account roles/run.developer on the job (run.jobs.runWithOverrides, run.executions.get/list/cancel; infra/create.sh does) and check the Cloud Run Admin API is enabled",
  404: 'the job (or execution) does not exist in that project and region: check Parameters.job and the Region',
  409: 'a concurrent change of the job or execution: it is retried',
  429: 'quota exhausted: it is retried with backoff; raise the Cloud Run Admin API quota if it persists',
};

/** What a 404 means on `executions.get`, where the execution came from Cloud Run itself. */
const EXECUTION_NOT_FOUND_ADVICE =
  'the API may lag the completion entry; an execution deleted or older than the retention (7 days, or the 1,000 newest) is gone for good';

function advice(httpStatus: number | undefined, executionNotFound: boolean): string {
  if (httpStatus === 404 && executionNotFound) return EXECUTION_NOT_FOUND_ADVICE;
  const known = httpStatus === undefined ? undefined : ADVICE[httpStatus];
  if (known !== undefined) return known;
  if (httpStatus === undefined || httpStatus === 408 || httpStatus >= 500) {
    return 'a transient fault: it is retried';
  }
  return 'retrying cannot help: fix the request or the project';
}

/** What kind of call failed, where it changes the meaning of an answer. */
export interface RunClassifyOptions {
  /** `executions.get`: a 404 is the API lagging (ExecutionNotFoundError). Default false. */
  readonly executionNotFound?: boolean;
}

/**
 * Turns whatever a Cloud Run Admin API call threw into a typed error: 404
 * ExecutionNotFoundError (only from `executions.get`; elsewhere a missing job: permanent), 429
 * RunQuotaError, 408/409/5xx/network RunTransientError, other answers RunPermanentError. The
 * message names the operation, the HTTP and Google status, Google's message and what to do; the
 * original error is kept as `cause`.
 */
export function classifyRunError(
  error: unknown,
  operation: string,
  { executionNotFound = false }: RunClassifyOptions = {},
): DfchainError {
  if (error instanceof DfchainError) return error;
  const failure = readFailure(error);
  const { httpStatus, status } = failure;
  const details: RunErrorDetails = {
    operation,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(status !== undefined ? { status } : {}),
  };
  const answer =
    httpStatus === undefined ? 'no HTTP answer' : `HTTP ${httpStatus}${status ? ` ${status}` : ''}`;
  const message = `Cloud Run ${operation} failed: ${answer}: ${failure.message} (${advice(httpStatus, executionNotFound)})`;
  const options = { cause: error };
  if (httpStatus === 404 && executionNotFound) {
    return new ExecutionNotFoundError(message, details, options);
  }
  if (httpStatus === 429) return new RunQuotaError(message, details, options);
  if (httpStatus === 408 || httpStatus === 409 || (httpStatus ?? 0) >= 500) {
    return new RunTransientError(message, details, options);
  }
  if (httpStatus === undefined && (failure.fromGaxios || isNetworkFault(error))) {
    return new RunTransientError(message, details, options);
  }
  if (httpStatus === undefined) {
    const hint = /default credentials/i.test(failure.message)
      ? 'set up Application Default Credentials (gcloud auth application-default login), or set DFCHAIN_RUN_ROOT_URL to use the local simulator'
      : 'not an HTTP or network fault: retrying cannot help';
    return new RunPermanentError(
      `Cloud Run ${operation} failed: ${failure.message} (${hint})`,
      details,
      options,
    );
  }
  return new RunPermanentError(message, details, options);
}
