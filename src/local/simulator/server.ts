import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPlan } from './faults.js';
import { ApiError, faultError } from './google-error.js';
import { readJson } from './request-body.js';
import { SYSTEM_PARAMETERS } from './system-parameters.js';
import type { ExecutionTable } from './run-executions.js';
import { matchRunRoute } from './run-routes.js';
import { performRun } from './run-server.js';
import type { JobTable, ListFilter } from './jobs.js';
import { LIST_FILTERS } from './jobs.js';
import { JOB_VIEWS, jobResource, type JobView } from './lifecycle.js';
import type { Route } from './routes.js';
import { matchRoute } from './routes.js';
import type { CallCounts, Fault, SimulatorOptions } from './types.js';
import { validateCancel } from './update.js';
import { checkKnownTemplate } from './templates.js';
import { validateClassicLaunch, validateLaunch } from './validate.js';

const DEFAULT_RANDOM_FAULTS: readonly Fault[] = [429, 500, 503, 'reset'];

/** What the request handler works on. */
export interface ServerState {
  readonly jobs: JobTable;
  readonly executions: ExecutionTable;
  readonly faults: FaultPlan;
  readonly calls: CallCounts;
  readonly held: Set<IncomingMessage>;
  readonly options: () => SimulatorOptions;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function oneOf(value: string | null, allowed: readonly string[], name: string, type: string): void {
  if (value !== null && !allowed.includes(value)) {
    throw new ApiError(400, `Invalid value at '${name}' (type.googleapis.com/${type}), "${value}"`);
  }
}

const QUERY_PARAMETERS: Record<Route['operation'], readonly string[]> = {
  launch: [],
  get: ['view', 'location'],
  list: ['name', 'filter', 'pageSize', 'pageToken', 'view', 'location'],
  update: ['updateMask', 'location'],
  metrics: ['startTime', 'location'],
};

// templates.launch takes its template and dry-run flag in the query (googleapis' v1b3
// Params$Resource$Projects$Locations$Templates$Launch).
const CLASSIC_LAUNCH_PARAMETERS = [
  'gcsPath',
  'validateOnly',
  'dynamicTemplate.gcsPath',
  'dynamicTemplate.stagingLocation',
];

/** Rejects unknown query parameters with Google's 400, as the real API does. */
function knownQuery(url: URL, route: Route): void {
  const known = route.classic ? CLASSIC_LAUNCH_PARAMETERS : QUERY_PARAMETERS[route.operation];
  for (const key of url.searchParams.keys()) {
    if (known.includes(key) || SYSTEM_PARAMETERS.includes(key)) continue;
    throw new ApiError(
      400,
      `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter. Field '${key}' could not be found in request message.`,
    );
  }
}

async function perform(
  state: ServerState,
  route: Route,
  req: IncomingMessage,
  url: URL,
): Promise<unknown> {
  const { projectId, location } = route;
  knownQuery(url, route);
  if (route.operation === 'launch') {
    const body = await readJson(req);
    const launch = route.classic
      ? validateClassicLaunch(body, url.searchParams)
      : validateLaunch(body);
    // A classic launch has no launcher VM: the service reads the template file itself before
    // it creates the job, so an unknown file is refused at once, dry run or not.
    if (launch.validateOnly || launch.classic) {
      checkKnownTemplate(launch.templatePath, state.options().templates);
    }
    if (launch.validateOnly) {
      // A dry run answers without a job (LaunchFlexTemplateResponse.job and
      // LaunchTemplateResponse.job: "if the request was not a dry run").
      return {};
    }
    const job = state.jobs.create(launch, projectId, location);
    return { job: jobResource(job, Date.now()) };
  }
  if (route.operation === 'update') {
    validateCancel(await readJson(req), url.searchParams.get('updateMask'));
    return state.jobs.requestCancel(projectId, location, route.jobId ?? '');
  }
  if (route.operation === 'metrics') {
    return state.jobs.metrics(projectId, location, route.jobId ?? '');
  }
  if (route.operation === 'get') {
    const view = url.searchParams.get('view');
    oneOf(view, JOB_VIEWS, 'view', 'google.dataflow.v1beta3.JobView');
    return state.jobs.get(
      projectId,
      location,
      route.jobId ?? '',
      (view ?? 'JOB_VIEW_SUMMARY') as JobView,
    );
  }
  const filter = url.searchParams.get('filter');
  oneOf(filter, LIST_FILTERS, 'filter', 'google.dataflow.v1beta3.ListJobsRequest.Filter');
  const name = url.searchParams.get('name') ?? undefined;
  const jobs = state.jobs.list(
    projectId,
    location,
    name || undefined,
    (filter ?? 'ALL') as ListFilter,
  );
  // Google's JSON omits empty repeated fields.
  return jobs.length > 0 ? { jobs } : {};
}

function applyFault(
  fault: Fault,
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (fault === 'reset') req.socket.destroy();
  else if (fault === 'timeout') {
    state.held.add(req);
    req.once('close', () => state.held.delete(req));
  } else send(res, fault, faultError(fault).body());
}

/** Handles one HTTP request: count, maybe fault, route, answer in Google's JSON. */
export async function handle(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const route = matchRoute(req.method ?? 'GET', url.pathname);
  const runRoute = route ? undefined : matchRunRoute(req.method ?? 'GET', url.pathname);
  const operation = route?.operation ?? runRoute?.operation;
  if (operation === undefined) {
    state.calls.other += 1;
    const message = `Simulator: no route for ${req.method ?? ''} ${url.pathname}; supported: POST …/locations/{l}/flexTemplates:launch, POST …/locations/{l}/templates:launch?gcsPath=…, GET …/locations/{l}/jobs[/{id}], PUT …/locations/{l}/jobs/{id} (cancel), GET …/locations/{l}/jobs/{id}/metrics; Cloud Run: POST /v2/…/jobs/{job}:run, GET /v2/…/jobs/{job}/executions[/{e}], POST /v2/…/jobs/{job}/executions/{e}:cancel`;
    send(res, 404, new ApiError(404, message).body());
    return;
  }
  state.calls[operation] += 1;
  const options = state.options();
  const planned = state.faults.next(operation, {
    rate: options.faultRate ?? 0,
    faults: options.randomFaults ?? DEFAULT_RANDOM_FAULTS,
    lostAnswerShare: options.lostAnswerShare ?? 0,
    random: options.random ?? Math.random,
  });
  if (planned && !planned.afterEffect) {
    applyFault(planned.fault, state, req, res);
    return;
  }
  try {
    const body = runRoute
      ? await performRun(state.executions, runRoute, req, url)
      : route && (await perform(state, route, req, url));
    if (planned) applyFault(planned.fault, state, req, res);
    else send(res, 200, body);
  } catch (error) {
    const apiError = error instanceof ApiError ? error : new ApiError(500, String(error));
    send(res, apiError.code, apiError.body());
  }
}
