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

/** An error answer, thrown inside handlers and written as Google's error JSON. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The body Google sends: `{"error":{"code","message","status"}}`. */
  body(): { error: { code: number; message: string; status: string } } {
    return { error: { code: this.code, message: this.message, status: STATUS_BY_CODE[this.code] } };
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
