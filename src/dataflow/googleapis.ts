import { AuthPlus, dataflow_v1b3 } from 'googleapis/build/src/apis/dataflow/index.js';
import { DataflowPermanentError, DataflowTransientError } from '../errors.js';
import { classifyDataflowError } from './classify.js';
import {
  isTerminalJobState,
  type ClassicTemplateLaunch,
  type FlexTemplateLaunch,
  type JobRef,
  type JobSummary,
} from './job.js';
import type { DataflowDryRunPort, DataflowPort } from './port.js';

/** How to reach the Dataflow REST API. */
export interface DataflowPortOptions {
  /** Root URL of the API, such as the local simulator's; unset means Google's, with ADC. */
  readonly rootUrl?: string;
  /** Per-request timeout; a timed-out call is a transient error. */
  readonly timeoutMs?: number;
}

// A flex template launch validates the template before it answers: allow it well over 10 s.
const DEFAULT_TIMEOUT_MS = 60_000;
// Jobs of one name are few; the cap only bounds a misbehaving server.
const MAX_LIST_PAGES = 20;

function client(options: DataflowPortOptions): dataflow_v1b3.Dataflow {
  // dfchain retries with its own backoff and deadline (p-retry, Pub/Sub redelivery): the
  // client's built-in retries would multiply them and hide the fault from the logs.
  const common = { retry: false, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS } as const;
  if (options.rootUrl !== undefined) {
    // No `auth`: no Authorization header, which is what the simulator expects.
    return new dataflow_v1b3.Dataflow({ ...common, rootUrl: options.rootUrl });
  }
  const auth = new AuthPlus({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  return new dataflow_v1b3.Dataflow({ ...common, auth });
}

/** The part of a Job dfchain reads; fields the API leaves out fall back to what was asked. */
export function toJobSummary(job: dataflow_v1b3.Schema$Job, ref: JobRef, jobId = ''): JobSummary {
  return {
    id: job.id ?? jobId,
    name: job.name ?? '',
    projectId: job.projectId ?? ref.projectId,
    location: job.location ?? ref.location,
    // proto3 JSON leaves out a field at its default value, JOB_STATE_UNKNOWN.
    currentState: job.currentState ?? 'JOB_STATE_UNKNOWN',
    labels: job.labels ?? {},
  };
}

function createTime(job: dataflow_v1b3.Schema$Job): number {
  // Stryker disable next-line StringLiteral: any text that is not a date parses to NaN like '', and NaN counts as 0
  const time = Date.parse(job.createTime ?? '');
  return Number.isNaN(time) ? 0 : time;
}

async function call<T>(
  operation: string,
  request: () => Promise<T>,
  jobNotFound = false,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw classifyDataflowError(error, operation, { jobNotFound });
  }
}

/**
 * What Dataflow says when a cancel meets a job that already ended. No Google page documents the
 * answer; Apache Beam's DataflowPipelineJob.cancel matches "has terminated" in it, with the
 * example "Workflow modification failed. Causes: (…): Cannot perform operation 'cancel' on Job:
 * …. Job has terminated in state SUCCESS: …" (apache/beam#2428). The HTTP status is not shown
 * there, so any refusal (400 FAILED_PRECONDITION, 409 ABORTED, 412) is also checked against the
 * job's state with a jobs.get.
 */
const ALREADY_ENDED =
  /has terminated|terminal state|already (?:been )?(?:cancel|terminat|finish|stopp)/i;
/** A refusal that may mean "the job is not running any more", never a fault of the request. */
const REFUSALS: readonly (number | undefined)[] = [400, 409, 412];

/** A dry run that answered with a job: the request ran for real, which must be undone by hand. */
function launchedForReal(operation: string, jobId: string, ref: JobRef): DataflowPermanentError {
  return new DataflowPermanentError(
    `Dataflow ${operation} launched job ${jobId} instead of only validating: cancel it (gcloud dataflow jobs cancel ${jobId} --region ${ref.location}) and check DFCHAIN_DATAFLOW_ROOT_URL points at the Dataflow API`,
    { operation },
  );
}

/**
 * A DataflowPort (with its dry runs) over the googleapis Dataflow client; every failure is a
 * typed dfchain error.
 */
export function createDataflowPort(
  options: DataflowPortOptions = {},
): DataflowPort & DataflowDryRunPort {
  const locations = client(options).projects.locations;
  // Only the path fields: googleapis sends any other field of the params as a query parameter.
  const path = (ref: JobRef) => ({ projectId: ref.projectId, location: ref.location });
  const where = (ref: JobRef): string => `projects/${ref.projectId}/locations/${ref.location}`;
  const list = async (ref: JobRef, query: { name?: string; filter: 'ALL' | 'ACTIVE' }) => {
    const jobs: dataflow_v1b3.Schema$Job[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const { data } = await call(`jobs.list ${where(ref)}/jobs?filter=${query.filter}`, () =>
        locations.jobs.list({ ...path(ref), ...query, ...(pageToken ? { pageToken } : {}) }),
      );
      jobs.push(...(data.jobs ?? []));
      pageToken = data.nextPageToken ?? undefined;
      if (!pageToken) break;
    }
    return jobs;
  };
  // templates.launch: gcsPath and validateOnly are query parameters, the body is
  // LaunchTemplateParameters (googleapis' v1b3 Params$Resource$Projects$Locations$Templates$Launch;
  // https://cloud.google.com/dataflow/docs/reference/rest/v1b3/projects.locations.templates/launch).
  const launchClassic = (ref: JobRef, request: ClassicTemplateLaunch, validateOnly: boolean) =>
    locations.templates.launch({
      ...path(ref),
      gcsPath: request.gcsPath,
      ...(validateOnly ? { validateOnly: true } : {}),
      requestBody: request.launchParameter as dataflow_v1b3.Schema$LaunchTemplateParameters,
    });
  return {
    async getJob(ref, jobId) {
      // The summary view has no labels, and the labels are how a job proves it is a step's.
      const { data } = await call(
        `jobs.get ${where(ref)}/jobs/${jobId}`,
        () => locations.jobs.get({ ...path(ref), jobId, view: 'JOB_VIEW_DESCRIPTION' }),
        true,
      );
      return toJobSummary(data, ref, jobId);
    },
    async listJobsByName(ref, name) {
      const jobs = (await list(ref, { name, filter: 'ALL' })).filter((job) => job.name === name);
      return jobs
        .sort((a, b) => createTime(b) - createTime(a))
        .map((job) => ({ ...toJobSummary(job, ref), labels: {} }));
    },
    async listActiveJobs(ref) {
      return (await list(ref, { filter: 'ACTIVE' })).map((job) => ({
        ...toJobSummary(job, ref),
        labels: {},
      }));
    },
    async launchFlexTemplate(ref, request: FlexTemplateLaunch) {
      const operation = `flexTemplates.launch ${where(ref)} (job ${request.launchParameter.jobName})`;
      const { data } = await call(operation, () =>
        locations.flexTemplates.launch({
          ...path(ref),
          requestBody: request as dataflow_v1b3.Schema$LaunchFlexTemplateRequest,
        }),
      );
      if (!data.job) {
        throw classifyDataflowError(new Error('the answer has no job'), operation);
      }
      // Whatever view the answer has, only a jobs.get with labels identifies the job.
      return { ...toJobSummary(data.job, ref), labels: {} };
    },
    async launchTemplate(ref, request: ClassicTemplateLaunch) {
      const operation = `templates.launch ${where(ref)} (job ${request.launchParameter.jobName})`;
      const { data } = await call(operation, () => launchClassic(ref, request, false));
      if (!data.job) {
        throw classifyDataflowError(new Error('the answer has no job'), operation);
      }
      return { ...toJobSummary(data.job, ref), labels: {} };
    },
    async validateTemplate(ref, request) {
      const operation = `templates.launch ${where(ref)} (validateOnly, job ${request.launchParameter.jobName})`;
      const { data } = await call(operation, () => launchClassic(ref, request, true));
      // LaunchTemplateResponse.job: "The job that was launched, if the request was not a dry run
      // and the job was successfully launched" (googleapis' v1b3 Schema$LaunchTemplateResponse).
      if (data.job?.id) throw launchedForReal(operation, data.job.id, ref);
    },
    async validateFlexTemplate(ref, request) {
      const operation = `flexTemplates.launch ${where(ref)} (validateOnly, job ${request.launchParameter.jobName})`;
      const { data } = await call(operation, () =>
        locations.flexTemplates.launch({
          ...path(ref),
          requestBody: {
            ...(request as dataflow_v1b3.Schema$LaunchFlexTemplateRequest),
            validateOnly: true,
          },
        }),
      );
      // A dry run answers without a job. One with a job means the request was run for real.
      if (data.job?.id) throw launchedForReal(operation, data.job.id, ref);
    },
    async getMetrics(ref, jobId) {
      // IAM: "Requires the `dataflow.metrics.get` permission on the job" (googleapis' v1b3 docs).
      const { data } = await call(`jobs.getMetrics ${where(ref)}/jobs/${jobId}`, () =>
        locations.jobs.getMetrics({ ...path(ref), jobId }),
      );
      return { metricTime: data.metricTime ?? null, metrics: data.metrics ?? [] };
    },
    async cancelJob(ref, jobId) {
      const operation = `jobs.update ${where(ref)}/jobs/${jobId} (cancel)`;
      try {
        // jobs.update: "If [the update mask is] empty, only RequestedJobState will be considered
        // for update [...] If both RequestedJobState and updateMask are specified, an error will
        // be returned" (googleapis' generated v1b3 types, Params$Resource$Projects$Locations$Jobs$Update),
        // so no updateMask; gcloud dataflow jobs cancel sends the same body.
        await locations.jobs.update({
          ...path(ref),
          jobId,
          requestBody: { requestedState: 'JOB_STATE_CANCELLED' },
        });
      } catch (error) {
        const failure = classifyDataflowError(error, operation, { cancel: true });
        const answered =
          failure instanceof DataflowPermanentError || failure instanceof DataflowTransientError;
        if (!answered || !REFUSALS.includes(failure.details.httpStatus)) throw failure;
        // JOB_STATE_CANCELLED "may only be set via a Cloud Dataflow UpdateJob call, and only if
        // the job has not yet reached another terminal state" (jobs.proto): a cancel of an ended
        // job is refused. For dfchain that job is stopped, which is all a cancel asks.
        if (ALREADY_ENDED.test(failure.message)) return;
        const state = await locations.jobs
          .get({ ...path(ref), jobId, view: 'JOB_VIEW_SUMMARY' })
          .then(({ data }) => data.currentState ?? undefined)
          .catch(() => undefined);
        if (isTerminalJobState(state) || state === 'JOB_STATE_CANCELLING') return;
        throw failure;
      }
    },
  };
}
