import type { DataflowOperation as Operation } from './types.js';

/** A request matched to an API operation, with its decoded path parameters. */
export interface Route {
  readonly operation: Operation;
  readonly projectId: string;
  readonly location: string;
  readonly jobId?: string;
  /** Set for `templates:launch`, the classic template launch (operation `launch`). */
  readonly classic?: true;
}

const PREFIX = '^/v1b3/projects/([^/]+)/locations/([^/]+)';
const LAUNCH = new RegExp(`${PREFIX}/flexTemplates:launch$`);
const CLASSIC_LAUNCH = new RegExp(`${PREFIX}/templates:launch$`);
const GET = new RegExp(`${PREFIX}/jobs/([^/]+)$`);
const LIST = new RegExp(`${PREFIX}/jobs$`);
const METRICS = new RegExp(`${PREFIX}/jobs/([^/]+)/metrics$`);

/** Matches the `locations` forms of launch (Flex and classic), get, list, update and getMetrics; undefined for anything else. */
export function matchRoute(method: string, pathname: string): Route | undefined {
  // Clients may percent-encode the ':' of the custom method.
  const path = pathname.replace(/%3A/gi, ':');
  const table: [string, RegExp, Operation, true?][] = [
    ['POST', LAUNCH, 'launch'],
    ['POST', CLASSIC_LAUNCH, 'launch', true],
    ['GET', GET, 'get'],
    ['GET', LIST, 'list'],
    ['PUT', GET, 'update'],
    ['GET', METRICS, 'metrics'],
  ];
  for (const [verb, pattern, operation, classic] of table) {
    const match = method === verb ? pattern.exec(path) : null;
    if (!match) continue;
    const [projectId = '', location = '', jobId] = match.slice(1).map(decodeURIComponent);
    return {
      operation,
      projectId,
      location,
      ...(jobId === undefined ? {} : { jobId }),
      ...(classic ? { classic } : {}),
    };
  }
  return undefined;
}
