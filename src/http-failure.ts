/**
 * What a failed Google REST call (gaxios) says, read the same way for every API dfchain calls
 * (Dataflow, Cloud Run): HTTP status, Google's status string and message, or a network fault.
 */

/** Error codes and names of faults on the way to the API, which may pass on a later try. */
export const NETWORK_ERROR_CODES = [
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
] as const;

const NETWORK_MESSAGE = /socket hang up|network timeout|premature close|fetch failed/i;

type Fields = Record<string, unknown>;
const fields = (value: unknown): Fields | undefined =>
  typeof value === 'object' && value !== null ? (value as Fields) : undefined;

/** What a gaxios error says: HTTP status, Google's status string and message. */
export interface HttpFailure {
  readonly httpStatus?: number;
  readonly status?: string;
  readonly message: string;
  /** gaxios marks its errors with `config`: one without a response never reached the API. */
  readonly fromGaxios: boolean;
}

/** Reads a gaxios (or fetch) error: HTTP status, Google's status and message, or its own message. */
export function readFailure(error: unknown): HttpFailure {
  const e = fields(error);
  const response = fields(e?.['response']);
  const body = fields(response?.['data']);
  const googleError = fields(body?.['error']);
  const rawStatus = response?.['status'] ?? e?.['status'];
  const googleMessage = googleError?.['message'];
  // A proxy or front end may answer with text or HTML instead of Google's JSON error.
  const data = response?.['data'];
  const text = typeof data === 'string' && data !== '' ? data.slice(0, 200) : undefined;
  const ownMessage = error instanceof Error ? error.message : String(error);
  const message = typeof googleMessage === 'string' ? googleMessage : (text ?? ownMessage);
  const status = googleError?.['status'];
  return {
    ...(typeof rawStatus === 'number' ? { httpStatus: rawStatus } : {}),
    ...(typeof status === 'string' ? { status } : {}),
    message,
    fromGaxios: e !== undefined && 'config' in e,
  };
}

/** True when `error` (or a cause up to 5 deep) is a fault on the way to the API. */
export function isNetworkFault(error: unknown): boolean {
  // node-fetch and undici put the system error code on the error or on its cause.
  for (
    let e = fields(error), depth = 0;
    e !== undefined && depth < 5;
    e = fields(e['cause']), depth++
  ) {
    const code = e['code'];
    const name = e['name'];
    const codes: readonly unknown[] = NETWORK_ERROR_CODES;
    if (codes.includes(code) || codes.includes(name)) return true;
    if (typeof e['message'] === 'string' && NETWORK_MESSAGE.test(e['message'])) return true;
  }
  return false;
}
