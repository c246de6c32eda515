import type { IncomingMessage } from 'node:http';
import { ApiError } from './google-error.js';
import { readJson } from './request-body.js';
import type { ExecutionTable } from './run-executions.js';
import { RUN_QUERY_PARAMETERS, type RunRoute } from './run-routes.js';
import { validateCancel, validateRun } from './run-validate.js';
import { SYSTEM_PARAMETERS } from './system-parameters.js';

/** ListExecutions pages hold this many when the request names no size (dfchain's choice). */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1_000;

function knownQuery(url: URL, route: RunRoute): void {
  const known = RUN_QUERY_PARAMETERS[route.operation];
  for (const key of url.searchParams.keys()) {
    if (known.includes(key) || SYSTEM_PARAMETERS.includes(key)) continue;
    throw new ApiError(
      400,
      `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`,
    );
  }
}

function pageOf(url: URL): { size: number; offset: number } {
  const rawSize = url.searchParams.get('pageSize');
  const size = rawSize === null ? DEFAULT_PAGE_SIZE : Number(rawSize);
  if (!Number.isInteger(size) || size < 0) {
    throw new ApiError(400, `Invalid value at 'page_size' (TYPE_INT32), "${rawSize ?? ''}"`);
  }
  const token = url.searchParams.get('pageToken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ApiError(
      400,
      `Invalid page token "${token ?? ''}": pass the nextPageToken of the previous page.`,
    );
  }
  return { size: Math.min(size === 0 ? DEFAULT_PAGE_SIZE : size, MAX_PAGE_SIZE), offset };
}

/** Answers one Cloud Run Admin API v2 call from the execution table. */
export async function performRun(
  executions: ExecutionTable,
  route: RunRoute,
  req: IncomingMessage,
  url: URL,
): Promise<unknown> {
  knownQuery(url, route);
  const { target } = route;
  switch (route.operation) {
    case 'runJob':
      return executions.run(target, validateRun(await readJson(req)));
    case 'getExecution':
      return executions.get(target);
    case 'listExecutions': {
      const { size, offset } = pageOf(url);
      return executions.list(target, size, offset);
    }
    case 'cancelExecution':
      return executions.cancel(target, validateCancel(await readJson(req)));
  }
}
