import { strict as assert } from 'node:assert';
import { NETWORK_ERROR_CODES, classifyDataflowError } from '../../../src/dataflow/classify.js';
import {
  DataflowPermanentError,
  DataflowTransientError,
  JobAlreadyExistsError,
  JobNotFoundError,
  PoisonMessageError,
  type DfchainError,
} from '../../../src/errors.js';

const OP = 'jobs.get projects/p/locations/r/jobs/j';

/** An error shaped as gaxios makes them: `config`, `response.status`, Google's JSON body. */
function gaxiosError(httpStatus: number, status?: string, message = 'google says no'): Error {
  const data =
    status === undefined
      ? 'upstream connect error'
      : { error: { code: httpStatus, message, status } };
  return Object.assign(new Error(message), {
    config: { url: 'https://dataflow.googleapis.com/v1b3/…' },
    status: httpStatus,
    response: { status: httpStatus, data },
  });
}

/** A gaxios error that never got an answer, wrapping a system error. */
function gaxiosNetworkError(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code}`), { code });
  return Object.assign(new Error(`request failed, reason: connect ${code}`, { cause }), {
    config: {},
    response: undefined,
    code,
  });
}

type Expected = readonly [type: abstract new (...args: never[]) => DfchainError, message: string];

const cases: ReadonlyArray<readonly [name: string, error: unknown, expected: Expected]> = [
  [
    '404',
    gaxiosError(404, 'NOT_FOUND', 'Job j not found'),
    [
      JobNotFoundError,
      `Dataflow ${OP} failed: HTTP 404 NOT_FOUND: Job j not found (the API lags the log by up to ~30 s and forgets jobs 30 days after they end)`,
    ],
  ],
  [
    '409',
    gaxiosError(409, 'ALREADY_EXISTS', 'job exists'),
    [
      JobAlreadyExistsError,
      `Dataflow ${OP} failed: HTTP 409 ALREADY_EXISTS: job exists (a job of this name is already active: look it up by name and adopt it)`,
    ],
  ],
  [
    '429',
    gaxiosError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded (quota exhausted: it is retried with backoff; raise the Dataflow API quota if it persists)`,
    ],
  ],
  [
    '500',
    gaxiosError(500, 'INTERNAL', 'Internal error'),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: HTTP 500 INTERNAL: Internal error (a transient fault: it is retried)`,
    ],
  ],
  [
    '502 with a text body',
    gaxiosError(502),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: HTTP 502: upstream connect error (a transient fault: it is retried)`,
    ],
  ],
  [
    '503',
    gaxiosError(503, 'UNAVAILABLE', 'unavailable'),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: HTTP 503 UNAVAILABLE: unavailable (a transient fault: it is retried)`,
    ],
  ],
  [
    '400',
    gaxiosError(400, 'INVALID_ARGUMENT', 'bad maxWorkers'),
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: HTTP 400 INVALID_ARGUMENT: bad maxWorkers (the request is invalid: check the step's Parameters in the chain file)`,
    ],
  ],
  [
    '401',
    gaxiosError(401, 'UNAUTHENTICATED', 'bad token'),
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: HTTP 401 UNAUTHENTICATED: bad token (the credentials were rejected: check the Application Default Credentials of the function's service account)`,
    ],
  ],
  [
    '403',
    gaxiosError(403, 'PERMISSION_DENIED', "Permission 'dataflow.jobs.get' denied"),
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: HTTP 403 PERMISSION_DENIED: Permission 'dataflow.jobs.get' denied (grant the function's service account the dfchain Dataflow role (infra/deploy.sh creates it) and roles/iam.serviceAccountUser on the workers' service account, and read access to the template's bucket; check the Dataflow API is enabled)`,
    ],
  ],
  [
    '412',
    gaxiosError(412, 'FAILED_PRECONDITION', 'precondition'),
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: HTTP 412 FAILED_PRECONDITION: precondition (retrying cannot help: fix the request or the project)`,
    ],
  ],
  [
    'ECONNRESET via gaxios',
    gaxiosNetworkError('ECONNRESET'),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: no HTTP answer: request failed, reason: connect ECONNRESET (a transient fault: it is retried)`,
    ],
  ],
  [
    'ECONNREFUSED on a cause',
    new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: no HTTP answer: fetch failed (a transient fault: it is retried)`,
    ],
  ],
  [
    'ETIMEDOUT',
    Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: no HTTP answer: connect ETIMEDOUT (a transient fault: it is retried)`,
    ],
  ],
  [
    'socket hang up',
    new Error('socket hang up'),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: no HTTP answer: socket hang up (a transient fault: it is retried)`,
    ],
  ],
  [
    'AbortError',
    Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: no HTTP answer: The operation was aborted. (a transient fault: it is retried)`,
    ],
  ],
  [
    'TimeoutError DOMException',
    new DOMException('The operation timed out.', 'TimeoutError'),
    [
      DataflowTransientError,
      `Dataflow ${OP} failed: no HTTP answer: The operation timed out. (a transient fault: it is retried)`,
    ],
  ],
  [
    'no credentials',
    new Error(
      'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
    ),
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information. (set up Application Default Credentials (gcloud auth application-default login), or set DFCHAIN_DATAFLOW_ROOT_URL to use the local simulator)`,
    ],
  ],
  [
    'a plain bug',
    new TypeError('x is not a function'),
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: x is not a function (not an HTTP or network fault: retrying cannot help)`,
    ],
  ],
  [
    'a thrown string',
    'boom',
    [
      DataflowPermanentError,
      `Dataflow ${OP} failed: boom (not an HTTP or network fault: retrying cannot help)`,
    ],
  ],
];

describe('classifyDataflowError', () => {
  for (const [name, error, [type, message]] of cases) {
    it(`${name} -> ${type.name}`, () => {
      const classified = classifyDataflowError(error, OP);
      assert.ok(classified instanceof type, `${classified.name}: ${classified.message}`);
      assert.equal(classified.message, message);
      assert.equal(classified.cause, error);
    });
  }

  it('records the operation, HTTP status and Google status', () => {
    const classified = classifyDataflowError(gaxiosError(403, 'PERMISSION_DENIED'), OP);
    assert.ok(classified instanceof DataflowPermanentError);
    assert.deepEqual(classified.details, {
      operation: OP,
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
    });
    assert.equal(classified.retryable, false);
  });

  it('passes a dfchain error through unchanged', () => {
    const error = new PoisonMessageError('already typed');
    assert.equal(classifyDataflowError(error, OP), error);
  });
});

describe('classifyDataflowError: a 404 from a launch or a list is not API lag', () => {
  it('a 404 from a launch or list is permanent, naming project, region and template', () => {
    const error = classifyDataflowError(
      gaxiosError(404, 'NOT_FOUND', 'Location us-nowhere1 not found'),
      'flexTemplates.launch projects/p/locations/us-nowhere1',
      { jobNotFound: false },
    );
    assert.ok(error instanceof DataflowPermanentError);
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      'Dataflow flexTemplates.launch projects/p/locations/us-nowhere1 failed: HTTP 404 NOT_FOUND: Location us-nowhere1 not found (the project, region or template does not exist or is not visible to the caller: check GOOGLE_CLOUD_PROJECT, the Region and containerSpecGcsPath)',
    );
  });

  it('a 404 from jobs.get stays JobNotFoundError, retried while the API lags', () => {
    assert.ok(classifyDataflowError(gaxiosError(404, 'NOT_FOUND'), OP) instanceof JobNotFoundError);
  });
});

describe('classifyDataflowError: a cancel (jobs.update)', () => {
  const CANCEL = 'jobs.update projects/p/locations/r/jobs/j (cancel)';

  it("a 404 is permanent, naming the job's location", () => {
    const error = classifyDataflowError(gaxiosError(404, 'NOT_FOUND', 'Job j not found'), CANCEL, {
      cancel: true,
    });
    assert.ok(error instanceof DataflowPermanentError);
    assert.equal(
      error.message,
      `Dataflow ${CANCEL} failed: HTTP 404 NOT_FOUND: Job j not found (the job is not in this project and region: check the job's location (Dataflow forgets jobs 30 days after they end))`,
    );
  });

  it('a 409 is a concurrent change, transient, never ALREADY_EXISTS of a launch', () => {
    const error = classifyDataflowError(gaxiosError(409, 'ABORTED', 'try again'), CANCEL, {
      cancel: true,
    });
    assert.ok(error instanceof DataflowTransientError);
    assert.equal(
      error.message,
      `Dataflow ${CANCEL} failed: HTTP 409 ABORTED: try again (a concurrent change of the job: it is retried)`,
    );
  });

  it('other answers mean what they mean for any call', () => {
    const denied = classifyDataflowError(gaxiosError(403, 'PERMISSION_DENIED'), CANCEL, {
      cancel: true,
    });
    assert.ok(denied instanceof DataflowPermanentError);
    assert.match(denied.message, /grant the function's service account the dfchain Dataflow role/);
    assert.ok(
      classifyDataflowError(gaxiosError(503, 'UNAVAILABLE'), CANCEL, { cancel: true }) instanceof
        DataflowTransientError,
    );
    assert.ok(
      classifyDataflowError(gaxiosError(400, 'FAILED_PRECONDITION'), CANCEL, {
        cancel: true,
      }) instanceof DataflowPermanentError,
    );
  });
});

describe('classifyDataflowError: a call that got no answer is transient', () => {
  /** Node's system error codes and the fetch abort names, written out as the source lists them. */
  const NETWORK = [
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENOTFOUND',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'ERR_STREAM_PREMATURE_CLOSE',
    'AbortError',
    'TimeoutError',
  ];

  it('knows exactly these network error codes and names', () => {
    assert.deepEqual([...NETWORK_ERROR_CODES], NETWORK);
  });

  /** A system error carries its code in `code`; an abort carries it in `name`. */
  const systemError = (code: string): Error =>
    code.startsWith('E')
      ? Object.assign(new Error('request ended'), { code })
      : Object.assign(new Error('request ended'), { name: code });

  // The message says nothing a regex could recognise: only the code may make it transient.
  const shapes: ReadonlyArray<readonly [shape: string, make: (code: string) => unknown]> = [
    ['on the error itself, without gaxios config', systemError],
    [
      'on the error itself, with gaxios config and no response',
      (code) => Object.assign(systemError(code), { config: {}, response: undefined }),
    ],
    [
      'nested in cause, without gaxios config',
      (code) => new Error('request ended', { cause: systemError(code) }),
    ],
    [
      'nested two causes deep, without gaxios config',
      (code) => new Error('outer', { cause: new Error('middle', { cause: systemError(code) }) }),
    ],
  ];

  for (const code of NETWORK) {
    for (const [shape, make] of shapes) {
      it(`${code} ${shape} -> DataflowTransientError, retried`, () => {
        const classified = classifyDataflowError(make(code), OP);
        assert.ok(classified instanceof DataflowTransientError, classified.message);
        assert.equal(classified.retryable, true);
        assert.deepEqual(classified.details, { operation: OP });
      });
    }
  }

  it('a gaxios error without a response and without a known code is transient: it never reached the API', () => {
    const error = Object.assign(new Error('request ended'), { config: {} });
    assert.ok(classifyDataflowError(error, OP) instanceof DataflowTransientError);
  });

  it('the same error without gaxios config and without a known code is permanent', () => {
    const error = Object.assign(new Error('request ended'), { code: 'EACCES' });
    assert.ok(classifyDataflowError(error, OP) instanceof DataflowPermanentError);
  });

  it('looks at most five errors deep along cause', () => {
    const deep = (depth: number): unknown =>
      depth === 0 ? systemError('ECONNRESET') : new Error('wrapper', { cause: deep(depth - 1) });
    assert.ok(classifyDataflowError(deep(4), OP) instanceof DataflowTransientError);
    assert.ok(classifyDataflowError(deep(5), OP) instanceof DataflowPermanentError);
  });

  for (const message of [
    'socket hang up',
    'network timeout at x',
    'Premature close',
    'fetch failed',
  ]) {
    it(`"${message}" in a message without a code is transient`, () => {
      assert.ok(classifyDataflowError(new Error(message), OP) instanceof DataflowTransientError);
    });
  }
});

describe('classifyDataflowError: reading what the failure says', () => {
  const LAUNCH = 'flexTemplates.launch projects/p/locations/r (job j)';
  const rows: ReadonlyArray<
    readonly [name: string, error: unknown, jobNotFound: boolean, expected: Expected]
  > = [
    [
      "a 408 (the server's request timeout) is transient",
      gaxiosError(408, 'DEADLINE_EXCEEDED', 'timed out'),
      true,
      [
        DataflowTransientError,
        `Dataflow ${OP} failed: HTTP 408 DEADLINE_EXCEEDED: timed out (a transient fault: it is retried)`,
      ],
    ],
    [
      "a 409 from a launch keeps the 409's advice (only a 404 changes with the operation)",
      gaxiosError(409, 'ALREADY_EXISTS', 'job exists'),
      false,
      [
        JobAlreadyExistsError,
        `Dataflow ${OP} failed: HTTP 409 ALREADY_EXISTS: job exists (a job of this name is already active: look it up by name and adopt it)`,
      ],
    ],
    [
      "Google's message, not gaxios' own",
      Object.assign(new Error('Request failed with status code 400'), {
        config: {},
        response: { status: 400, data: { error: { message: 'bad maxWorkers', status: 'X' } } },
      }),
      true,
      [
        DataflowPermanentError,
        `Dataflow ${OP} failed: HTTP 400 X: bad maxWorkers (the request is invalid: check the step's Parameters in the chain file)`,
      ],
    ],
    [
      'the HTTP status of the response when the error itself has none',
      Object.assign(new Error('bad gateway'), { config: {}, response: { status: 502 } }),
      true,
      [
        DataflowTransientError,
        `Dataflow ${OP} failed: HTTP 502: bad gateway (a transient fault: it is retried)`,
      ],
    ],
    [
      'the HTTP status of the error when there is no response',
      Object.assign(new Error('unavailable'), { status: 503 }),
      true,
      [
        DataflowTransientError,
        `Dataflow ${OP} failed: HTTP 503: unavailable (a transient fault: it is retried)`,
      ],
    ],
    [
      "the error's own message when the body is empty text",
      Object.assign(new Error('upstream reset'), {
        config: {},
        response: { status: 502, data: '' },
      }),
      true,
      [
        DataflowTransientError,
        `Dataflow ${OP} failed: HTTP 502: upstream reset (a transient fault: it is retried)`,
      ],
    ],
    [
      'the first 200 characters of a text body',
      Object.assign(new Error('x'), {
        config: {},
        response: { status: 502, data: `<html>${'a'.repeat(300)}</html>` },
      }),
      true,
      [
        DataflowTransientError,
        `Dataflow ${OP} failed: HTTP 502: <html>${'a'.repeat(194)} (a transient fault: it is retried)`,
      ],
    ],
    [
      'a status that is not a number as no HTTP answer',
      Object.assign(new Error('quota'), { status: 'RESOURCE_EXHAUSTED' }),
      true,
      [
        DataflowPermanentError,
        `Dataflow ${OP} failed: quota (not an HTTP or network fault: retrying cannot help)`,
      ],
    ],
    [
      "only Google's status string as its status",
      Object.assign(new Error('x'), {
        config: {},
        response: { status: 500, data: { error: { message: 'internal', status: 13 } } },
      }),
      true,
      [
        DataflowTransientError,
        `Dataflow ${OP} failed: HTTP 500: internal (a transient fault: it is retried)`,
      ],
    ],
    [
      'a thrown null as a permanent failure',
      null,
      true,
      [
        DataflowPermanentError,
        `Dataflow ${OP} failed: null (not an HTTP or network fault: retrying cannot help)`,
      ],
    ],
    [
      'a message that is not text as no network fault',
      { message: ['fetch failed'] },
      true,
      [
        DataflowPermanentError,
        `Dataflow ${OP} failed: [object Object] (not an HTTP or network fault: retrying cannot help)`,
      ],
    ],
  ];
  for (const [name, error, jobNotFound, [type, message]] of rows) {
    it(`reads ${name}`, () => {
      const operation = jobNotFound ? OP : LAUNCH;
      const classified = classifyDataflowError(error, operation, { jobNotFound });
      assert.ok(classified instanceof type, `${classified.name}: ${classified.message}`);
      assert.equal(classified.message, message.replace(OP, operation));
    });
  }
});
