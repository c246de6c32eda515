import { jsonDepth } from '../chain/json-depth.js';
import type { Json } from '../json.js';
import { MAX_INPUT_BYTES, MAX_INPUT_DEPTH } from './input-limits.js';
import { malformed, quote, typeName, type UnknownObject } from './inspect.js';
import type { Signal } from './signal.js';

/**
 * Longest error name and cause a failed callback may give: AWS's SendTaskFailure limits (error
 * 256 characters, cause 32,768;
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html).
 */
export const MAX_CALLBACK_ERROR = 256;
/** Longest cause of a failed callback. */
export const MAX_CALLBACK_CAUSE = 32_768;

/** Longest token a command may carry (dfchain's are about 150 characters). */
const MAX_TOKEN = 2048;

function token(verb: 'callback' | 'heartbeat', command: UnknownObject): string | Signal {
  const value = command['token'];
  if (typeof value === 'string' && value !== '' && value.length <= MAX_TOKEN) return value;
  const got = typeof value === 'string' ? `${value.length} characters` : typeName(value);
  return malformed(
    `${verb}.token must be the $$.Task.Token the Task handed out (a string of 1 to ${MAX_TOKEN} characters), got ${got}`,
  );
}

function boundedText(field: string, value: unknown, max: number): string | undefined | Signal {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length <= max) return value;
  const got = typeof value === 'string' ? `${value.length} characters` : typeName(value);
  return malformed(`callback.${field} must be a string of at most ${max} characters, got ${got}`);
}

function outputProblem(output: unknown): string | undefined {
  if (output === undefined)
    return 'callback.output is required with status "SUCCEEDED" (any JSON value: the Task\'s result)';
  if (jsonDepth(output as Json, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH)
    return `callback.output is nested more than ${MAX_INPUT_DEPTH} levels deep; flatten it`;
  const bytes = Buffer.byteLength(JSON.stringify(output), 'utf8');
  if (bytes > MAX_INPUT_BYTES)
    return `callback.output is ${bytes} bytes as JSON, over dfchain's limit of ${MAX_INPUT_BYTES} (256 KiB); pass a reference to the data, such as a gs:// path, instead`;
  return undefined;
}

/**
 * `{"dfchain":"callback","token":T,"status":"SUCCEEDED","output":…}` or
 * `{"dfchain":"callback","token":T,"status":"FAILED","error":E,"cause":C}` as its signal, or
 * what is wrong with it.
 */
export function decodeCallback(command: UnknownObject): Signal {
  const found = token('callback', command);
  if (typeof found !== 'string') return found;
  const status = command['status'];
  if (status === 'SUCCEEDED') {
    if ('error' in command || 'cause' in command)
      return malformed('callback with status "SUCCEEDED" takes output, not error or cause');
    const problem = outputProblem(command['output']);
    if (problem !== undefined) return malformed(problem);
    return {
      kind: 'callback',
      token: found,
      outcome: { status, output: command['output'] as Json },
    };
  }
  if (status === 'FAILED') {
    if ('output' in command)
      return malformed('callback with status "FAILED" takes error and cause, not output');
    const error = boundedText('error', command['error'], MAX_CALLBACK_ERROR);
    if (typeof error === 'object') return error;
    const cause = boundedText('cause', command['cause'], MAX_CALLBACK_CAUSE);
    if (typeof cause === 'object') return cause;
    const outcome = {
      status,
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    } as const;
    return { kind: 'callback', token: found, outcome };
  }
  const got = typeof status === 'string' ? quote(status) : typeName(status);
  return malformed(`callback.status must be "SUCCEEDED" or "FAILED", got ${got}`);
}

/** `{"dfchain":"heartbeat","token":T}` as its signal, or what is wrong with it. */
export function decodeHeartbeat(command: UnknownObject): Signal {
  const found = token('heartbeat', command);
  return typeof found === 'string' ? { kind: 'heartbeat', token: found } : found;
}
