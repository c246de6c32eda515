import { strict as assert } from 'node:assert';
import { classifyRunError } from '../../../src/cloudrun/classify.js';
import {
  ExecutionNotFoundError,
  PoisonMessageError,
  RunPermanentError,
  RunQuotaError,
  RunTransientError,
  type DfchainError,
} from '../../../src/errors.js';

const OP = 'jobs.run projects/p/locations/l/jobs/j';

function gaxiosError(httpStatus: number, status: string, message: string): Error {
  return Object.assign(new Error(message), {
    config: { url: 'https://run.googleapis.com/v2/…' },
    status: httpStatus,
    response: { status: httpStatus, data: { error: { code: httpStatus, message, status } } },
  });
}

type Case = readonly [
  name: string,
  error: unknown,
  type: abstract new (...args: never[]) => DfchainError,
  message: string,
  executionNotFound?: boolean,
];

const cases: readonly Case[] = [
  [
    '404 on a run: the job does not exist',
    gaxiosError(404, 'NOT_FOUND', 'Resource not found'),
    RunPermanentError,
    `Cloud Run ${OP} failed: HTTP 404 NOT_FOUND: Resource not found (the job (or execution) does not exist in that project and region: check Parameters.job and the Region)`,
  ],
  [
    '404 on executions.get: the API may lag',
    gaxiosError(404, 'NOT_FOUND', 'Resource not found'),
    ExecutionNotFoundError,
    `Cloud Run ${OP} failed: HTTP 404 NOT_FOUND: Resource not found (the API may lag the completion entry; an execution deleted or older than the retention (7 days, or the 1,000 newest) is gone for good)`,
    true,
  ],
  [
    '429',
    gaxiosError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'),
    RunQuotaError,
    `Cloud Run ${OP} failed: HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded (quota exhausted: it is retried with backoff; raise the Cloud Run Admin API quota if it persists)`,
  ],
  [
    '403',
    gaxiosError(403, 'PERMISSION_DENIED', "Permission 'run.jobs.runWithOverrides' denied"),
    RunPermanentError,
    `Cloud Run ${OP} failed: HTTP 403 PERMISSION_DENIED: Permission 'run.jobs.runWithOverrides' denied (grant the function's service account roles/run.developer on the job (run.jobs.runWithOverrides, run.executions.get/list/cancel; infra/create.sh does) and check the Cloud Run Admin API is enabled)`,
  ],
  [
    '400',
    gaxiosError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "tasks"'),
    RunPermanentError,
    `Cloud Run ${OP} failed: HTTP 400 INVALID_ARGUMENT: Invalid JSON payload received. Unknown name "tasks" (the request is invalid: check the step's Parameters.overrides in the chain file against RunJobRequest.Overrides)`,
  ],
  [
    '409',
    gaxiosError(409, 'ABORTED', 'concurrent change'),
    RunTransientError,
    `Cloud Run ${OP} failed: HTTP 409 ABORTED: concurrent change (a concurrent change of the job or execution: it is retried)`,
  ],
  [
    '503',
    gaxiosError(503, 'UNAVAILABLE', 'try later'),
    RunTransientError,
    `Cloud Run ${OP} failed: HTTP 503 UNAVAILABLE: try later (a transient fault: it is retried)`,
  ],
  [
    'a reset socket',
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    RunTransientError,
    `Cloud Run ${OP} failed: no HTTP answer: socket hang up (a transient fault: it is retried)`,
  ],
  [
    'missing credentials',
    new Error('Could not load the default credentials.'),
    RunPermanentError,
    `Cloud Run ${OP} failed: Could not load the default credentials. (set up Application Default Credentials (gcloud auth application-default login), or set DFCHAIN_RUN_ROOT_URL to use the local simulator)`,
  ],
  [
    'a bug, not a fault',
    new TypeError('x is undefined'),
    RunPermanentError,
    `Cloud Run ${OP} failed: x is undefined (not an HTTP or network fault: retrying cannot help)`,
  ],
];

describe('cloudrun: classifying Cloud Run Admin API failures', () => {
  for (const [name, error, type, message, executionNotFound] of cases) {
    it(`${name}: ${type.name}`, () => {
      const failure = classifyRunError(error, OP, {
        executionNotFound: executionNotFound ?? false,
      });
      assert.ok(failure instanceof type, failure.constructor.name);
      assert.equal(failure.message, message);
      assert.equal(failure.cause, error);
    });
  }

  it('keeps the HTTP and Google status in the details', () => {
    const failure = classifyRunError(gaxiosError(429, 'RESOURCE_EXHAUSTED', 'q'), OP);
    assert.ok(failure instanceof RunQuotaError);
    assert.deepEqual(failure.details, {
      operation: OP,
      httpStatus: 429,
      status: 'RESOURCE_EXHAUSTED',
    });
  });

  it('passes a dfchain error through unchanged', () => {
    const own = new PoisonMessageError('x');
    assert.equal(classifyRunError(own, OP), own);
  });
});
