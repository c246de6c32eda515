import { checkObject } from './fields.js';
import { field } from './fields.js';
import { ApiError } from './google-error.js';

// RunJobRequest and its Overrides (google/cloud/run/v2/job.proto; EnvVar in k8s.min.proto). The
// body is `*` with `name` bound from the path, so these are the body's fields.
const REQUEST_FIELDS = ['validateOnly', 'etag', 'overrides'];
const OVERRIDES_FIELDS = ['containerOverrides', 'taskCount', 'timeout'];
const CONTAINER_FIELDS = ['name', 'args', 'env', 'clearArgs'];
const ENV_FIELDS = ['name', 'value', 'valueSource'];
/** google.protobuf.Duration in JSON: seconds with up to 9 fractional digits and an `s`. */
const DURATION = /^-?\d+(\.\d{1,9})?s$/;
/** A DNS_LABEL (RFC 1123), as a container name must be. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A `jobs.run` body that passed validation. */
export interface ValidRun {
  readonly validateOnly: boolean;
  readonly taskCount?: number;
  readonly timeout?: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly request: { readonly [key: string]: unknown };
}

function list(value: unknown, at: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new ApiError(400, `Invalid value at '${at}', expected a list: ${JSON.stringify(value)}`);
  }
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string') {
    throw new ApiError(400, `Invalid value at '${at}' (TYPE_STRING), ${JSON.stringify(value)}`);
  }
  return value;
}

function int32(value: unknown, at: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || Math.abs(number) > 2 ** 31 - 1) {
    throw new ApiError(400, `Invalid value at '${at}' (TYPE_INT32), ${JSON.stringify(value)}`);
  }
  return number;
}

function checkEnv(value: unknown, at: string, env: Record<string, string>): void {
  list(value, at).forEach((item, i) => {
    const where = `${at}[${i}]`;
    const variable = checkObject(item, ENV_FIELDS, where);
    const name = field(variable, 'name');
    if (name === undefined || name === '') {
      throw new ApiError(400, `${where}.name: an environment variable needs a name.`);
    }
    const value = field(variable, 'value');
    env[text(name, `${where}.name`)] = value === undefined ? '' : text(value, `${where}.value`);
  });
}

/**
 * Checks a `jobs.run` body field by field against RunJobRequest, refusing unknown fields and
 * wrong types with Google's 400 wording, and reads what the execution gets from it: the
 * overrides' args (last override naming any), env (merged, later wins) and counts.
 */
export function validateRun(body: unknown): ValidRun {
  const request = checkObject(body, REQUEST_FIELDS, '');
  const validateOnly = field(request, 'validateOnly');
  if (validateOnly !== undefined && typeof validateOnly !== 'boolean') {
    throw new ApiError(
      400,
      `Invalid value at 'validate_only' (TYPE_BOOL), ${JSON.stringify(validateOnly)}`,
    );
  }
  const overrides = checkObject(field(request, 'overrides'), OVERRIDES_FIELDS, 'overrides');
  const env: Record<string, string> = {};
  let args: readonly string[] | undefined;
  list(field(overrides, 'containerOverrides'), 'overrides.container_overrides').forEach(
    (item, i) => {
      const at = `overrides.container_overrides[${i}]`;
      const override = checkObject(item, CONTAINER_FIELDS, at);
      const raw = field(override, 'name');
      const name = raw === undefined ? '' : text(raw, `${at}.name`);
      if (name !== '' && !DNS_LABEL.test(name)) {
        throw new ApiError(400, `${at}.name: "${name}" is not a DNS_LABEL (RFC 1123).`);
      }
      const given = field(override, 'args');
      if (given !== undefined)
        args = list(given, `${at}.args`).map((arg, j) => text(arg, `${at}.args[${j}]`));
      if (field(override, 'clearArgs') === true) args = [];
      checkEnv(field(override, 'env'), `${at}.env`, env);
    },
  );
  const taskCount = field(overrides, 'taskCount');
  const count = taskCount === undefined ? undefined : int32(taskCount, 'overrides.task_count');
  if (count !== undefined && count < 0) {
    throw new ApiError(400, `overrides.task_count: must be positive, got ${count}.`);
  }
  const timeout = field(overrides, 'timeout');
  if (timeout !== undefined && !DURATION.test(text(timeout, 'overrides.timeout'))) {
    throw new ApiError(
      400,
      `Invalid value at 'overrides.timeout' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(timeout)}`,
    );
  }
  return {
    validateOnly: validateOnly === true,
    ...(count !== undefined && count > 0 ? { taskCount: count } : {}),
    ...(typeof timeout === 'string' ? { timeout } : {}),
    ...(args === undefined ? {} : { args }),
    env,
    request,
  };
}

/** Checks a `executions.cancel` body (CancelExecutionRequest: validateOnly, etag); true for a dry run. */
export function validateCancel(body: unknown): boolean {
  const request = checkObject(body, ['validateOnly', 'etag'], '');
  return field(request, 'validateOnly') === true;
}
