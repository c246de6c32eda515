/** Google RPC status names by the HTTP code the simulator answers with. */
const STATUS_BY_CODE = {
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
} as const;

/** An HTTP code the simulator answers errors with. */
export type ErrorCode = keyof typeof STATUS_BY_CODE;

/** Google RPC statuses answered with an HTTP code other than their usual one's name above. */
export type OtherStatus = 'FAILED_PRECONDITION';

/** An error answer, thrown inside handlers and written as Google's error JSON. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The Google status when it is not the code's usual one (FAILED_PRECONDITION is a 400). */
    readonly status: OtherStatus | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The body Google sends: `{"error":{"code","message","status"}}`. */
  body(): { error: { code: number; message: string; status: string } } {
    const status = this.status ?? STATUS_BY_CODE[this.code];
    return { error: { code: this.code, message: this.message, status } };
  }
}

/** The canned message of an injected HTTP fault, worded as Google's front ends word them. */
export function faultError(code: 429 | 500 | 503): ApiError {
  const messages = {
    429: 'Quota exceeded for quota metric (simulated fault).',
    500: 'Internal error encountered. (simulated fault)',
    503: 'The service is currently unavailable. (simulated fault)',
  } as const;
  return new ApiError(code, messages[code]);
}
