import {
  DataflowPermanentError,
  DataflowQuotaError,
  DataflowTransientError,
  DfchainError,
  JobAlreadyExistsError,
  JobNotFoundError,
  type DataflowErrorDetails,
} from '../errors.js';
import { isNetworkFault, readFailure } from '../http-failure.js';

export { NETWORK_ERROR_CODES } from '../http-failure.js';

/** What to do about each HTTP status, for the error message. */
const ADVICE: Readonly<Record<number, string>> = {
  400: "the request is invalid: check the step's Parameters in the chain file",
  401: "the credentials were rejected: check the Application Default Credentials of the function's service account",
  403: "grant the function's service account the dfchain Dataflow role (infra/deploy.sh creates it) and roles/iam.serviceAccountUser on the workers' service account, and read access to the template's bucket; check the Dataflow API is enabled",
  404: 'the API lags the log by up to ~30 s and forgets jobs 30 days after they end',
  // Not a job's 404: the project, the region or (on launch) the template does not exist.
  [-404]:
    'the project, region or template does not exist or is not visible to the caller: check GOOGLE_CLOUD_PROJECT, the Region and containerSpecGcsPath',
  409: 'a job of this name is already active: look it up by name and adopt it',
  429: 'quota exhausted: it is retried with backoff; raise the Dataflow API quota if it persists',
};

/** What a cancel's answers mean where they differ from a read's or a launch's. */
const CANCEL_ADVICE: Readonly<Record<number, string>> = {
  // The job id came from Dataflow itself: the job is in another project or region, or forgotten.
  404: "the job is not in this project and region: check the job's location (Dataflow forgets jobs 30 days after they end)",
  409: 'a concurrent change of the job: it is retried',
};

function advice(httpStatus: number | undefined, jobNotFound: boolean, cancel: boolean): string {
  const forCancel = cancel && httpStatus !== undefined ? CANCEL_ADVICE[httpStatus] : undefined;
  if (forCancel !== undefined) return forCancel;
  const key = httpStatus === 404 && !jobNotFound ? -404 : httpStatus;
  // Stryker disable next-line ConditionalExpression: `=> false` is equivalent, ADVICE[undefined] is undefined too (the test is for the index type); `=> true` is killed
  const known = key === undefined ? undefined : ADVICE[key];
  if (known !== undefined) return known;
  if (httpStatus === undefined || httpStatus === 408 || httpStatus >= 500) {
    return 'a transient fault: it is retried';
  }
  return 'retrying cannot help: fix the request or the project';
}

/** What kind of call failed, where it changes the meaning of an answer. */
export interface ClassifyOptions {
  /** `jobs.get`: a 404 is the API lagging the log (JobNotFoundError). Default true. */
  readonly jobNotFound?: boolean;
  /**
   * A cancel (`jobs.update`): a 404 is permanent (the id came from Dataflow, so the job is in
   * another project or region, or long forgotten), and a 409 is a concurrent change of the job,
   * transient (not a launch's ALREADY_EXISTS). Default false.
   */
  readonly cancel?: boolean;
}

/**
 * Turns whatever a Dataflow API call threw into a typed error: 404 JobNotFoundError (only from
 * `jobs.get`, where it means "not visible yet"; from a launch, a list or a cancel it names a
 * missing project, region, template or job: permanent), 409 JobAlreadyExistsError (from a
 * cancel: DataflowTransientError), 408/429/5xx/network DataflowTransientError, other answers
 * DataflowPermanentError. The message names the operation, the HTTP and Google status, Google's
 * message and what to do; the original error is kept as `cause`.
 */
export function classifyDataflowError(
  error: unknown,
  operation: string,
  { jobNotFound = true, cancel = false }: ClassifyOptions = {},
): DfchainError {
  if (error instanceof DfchainError) return error;
  const failure = readFailure(error);
  const { httpStatus, status } = failure;
  const details: DataflowErrorDetails = {
    operation,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(status !== undefined ? { status } : {}),
  };
  const answer =
    httpStatus === undefined ? 'no HTTP answer' : `HTTP ${httpStatus}${status ? ` ${status}` : ''}`;
  const message = `Dataflow ${operation} failed: ${answer}: ${failure.message} (${advice(httpStatus, jobNotFound && !cancel, cancel)})`;
  const options = { cause: error };
  if (httpStatus === 404 && jobNotFound && !cancel) {
    return new JobNotFoundError(message, details, options);
  }
  if (httpStatus === 409 && !cancel) return new JobAlreadyExistsError(message, details, options);
  if (httpStatus === 429) return new DataflowQuotaError(message, details, options);
  if (httpStatus === 408 || httpStatus === 409 || (httpStatus ?? 0) >= 500) {
    return new DataflowTransientError(message, details, options);
  }
  if (httpStatus === undefined && (failure.fromGaxios || isNetworkFault(error))) {
    return new DataflowTransientError(message, details, options);
  }
  if (httpStatus === undefined) {
    const hint = /default credentials/i.test(failure.message)
      ? 'set up Application Default Credentials (gcloud auth application-default login), or set DFCHAIN_DATAFLOW_ROOT_URL to use the local simulator'
      : 'not an HTTP or network fault: retrying cannot help';
    return new DataflowPermanentError(
      `Dataflow ${operation} failed: ${failure.message} (${hint})`,
      details,
      options,
    );
  }
  return new DataflowPermanentError(message, details, options);
}
