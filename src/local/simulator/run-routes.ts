import type { RunOperation, RunTarget } from './run-types.js';

/** A request matched to a Cloud Run call, with its decoded path. */
export interface RunRoute {
  readonly operation: RunOperation;
  readonly target: RunTarget;
}

const JOB = '^/v2/projects/([^/]+)/locations/([^/]+)/jobs/([^/:]+)';
const TABLE: readonly [string, RegExp, RunOperation][] = [
  ['POST', new RegExp(`${JOB}:run$`), 'runJob'],
  ['GET', new RegExp(`${JOB}/executions$`), 'listExecutions'],
  ['GET', new RegExp(`${JOB}/executions/([^/:]+)$`), 'getExecution'],
  ['POST', new RegExp(`${JOB}/executions/([^/:]+):cancel$`), 'cancelExecution'],
];

/** Query parameters each call takes (execution.proto, ListExecutionsRequest), besides Google's system ones. */
export const RUN_QUERY_PARAMETERS: Record<RunOperation, readonly string[]> = {
  runJob: [],
  getExecution: [],
  listExecutions: ['pageSize', 'pageToken', 'showDeleted'],
  cancelExecution: [],
};

/** Matches `jobs.run`, `executions.get`, `executions.list` and `executions.cancel`; undefined for anything else. */
export function matchRunRoute(method: string, pathname: string): RunRoute | undefined {
  // Clients may percent-encode the ':' of a custom method.
  const path = pathname.replace(/%3A/gi, ':');
  for (const [verb, pattern, operation] of TABLE) {
    const match = method === verb ? pattern.exec(path) : null;
    if (!match) continue;
    const [projectId = '', location = '', job = '', execution] = match
      .slice(1)
      .map(decodeURIComponent);
    return {
      operation,
      target: { projectId, location, job, ...(execution === undefined ? {} : { execution }) },
    };
  }
  return undefined;
}
