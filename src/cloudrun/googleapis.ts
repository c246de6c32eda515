// Only the Run API's module: ~70 ms to load, like the Dataflow one, vs ~1.2 s for all of
// googleapis (measured here, node 20; `run/v2.js` alone is no faster: its cost is the shared
// googleapis-common, which this index re-exports AuthPlus from).
import { AuthPlus, run_v2 } from 'googleapis/build/src/apis/run/index.js';
import { RunPermanentError, RunTransientError } from '../errors.js';
import { classifyRunError } from './classify.js';
import {
  executionResourceName,
  jobResourceName,
  parseExecutionName,
  isTerminal,
  type RunJobRef,
  type RunJobRequest,
  type StartedExecution,
} from './execution.js';
import { summarizeExecution } from './outcome.js';
import type { CloudRunDryRunPort, CloudRunPort } from './port.js';

/** How to reach the Cloud Run Admin API. */
export interface CloudRunPortOptions {
  /** Root URL of the API, such as the local simulator's; unset means Google's, with ADC. */
  readonly rootUrl?: string;
  /** Per-request timeout; a timed-out call is a transient error. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
// A job's executions are listed only to find one started for a step; the cap bounds a
// misbehaving server (Cloud Run keeps the 1,000 newest, or 7 days: 10 pages of 100).
const MAX_LIST_PAGES = 20;
const PAGE_SIZE = 100;
/** A refusal of a cancel that may mean "it already ended", checked with an executions.get. */
const REFUSALS: readonly (number | undefined)[] = [400, 409, 412];

function client(options: CloudRunPortOptions): run_v2.Run {
  // dfchain retries with its own backoff and deadline: the client's retries would hide faults.
  const common = { retry: false, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS } as const;
  if (options.rootUrl !== undefined) {
    // No `auth`: no Authorization header, which is what the simulator expects.
    return new run_v2.Run({ ...common, rootUrl: options.rootUrl });
  }
  const auth = new AuthPlus({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  return new run_v2.Run({ ...common, auth });
}

async function call<T>(
  operation: string,
  request: () => Promise<T>,
  executionNotFound = false,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw classifyRunError(error, operation, { executionNotFound });
  }
}

function named(
  name: string,
  operation: string,
): NonNullable<ReturnType<typeof parseExecutionName>> {
  const parsed = parseExecutionName(name);
  if (parsed === undefined) {
    throw new RunPermanentError(
      `Cloud Run ${operation}: "${name}" is not an execution name projects/P/locations/L/jobs/J/executions/E`,
      { operation },
    );
  }
  return parsed;
}

/**
 * The execution a `jobs.run` Operation names in its metadata (`metadata_type: "Execution"`,
 * job.proto). An answer without it is transient: the caller looks the execution up by its step
 * marker before it runs the job again (docs/cloud-run.md §4).
 */
function startedFrom(
  operation: run_v2.Schema$GoogleLongrunningOperation,
  ref: RunJobRef,
  what: string,
): StartedExecution {
  const metadataName: unknown = operation.metadata?.['name'];
  const parsed = typeof metadataName === 'string' ? parseExecutionName(metadataName) : undefined;
  if (parsed === undefined) {
    throw new RunTransientError(
      `Cloud Run ${what} answered an Operation without an execution name in its metadata (${JSON.stringify(operation.name ?? null)}): the execution is looked up by its step marker`,
      { operation: what },
    );
  }
  return { name: executionResourceName(parsed.ref, parsed.execution), ...parsed };
}

/** A CloudRunPort (with its dry run) over the googleapis Run v2 client; failures are typed. */
export function createCloudRunPort(
  options: CloudRunPortOptions = {},
): CloudRunPort & CloudRunDryRunPort {
  const jobs = client(options).projects.locations.jobs;
  const run = (ref: RunJobRef, request: RunJobRequest, validateOnly: boolean) =>
    jobs.run({
      name: jobResourceName(ref),
      requestBody: {
        ...(request as run_v2.Schema$GoogleCloudRunV2RunJobRequest),
        ...(validateOnly ? { validateOnly: true } : {}),
      },
    });
  const get = async (name: string) => {
    const parsed = named(name, 'executions.get');
    const { data } = await call(
      `executions.get ${name}`,
      () => jobs.executions.get({ name }),
      true,
    );
    return summarizeExecution(data, parsed);
  };
  return {
    async runJob(ref, request) {
      const what = `jobs.run ${jobResourceName(ref)}`;
      const { data } = await call(what, () => run(ref, request, false));
      return startedFrom(data, ref, what);
    },
    async validateRunJob(ref, request) {
      const what = `jobs.run ${jobResourceName(ref)} (validateOnly)`;
      // The answer of a dry run is not documented beyond "validated without actually" running
      // (job.proto, RunJobRequest.validate_only): a 200 is acceptance, a refusal throws.
      await call(what, () => run(ref, request, true));
    },
    getExecution: get,
    async listExecutions(ref) {
      const parent = jobResourceName(ref);
      const all = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const { data } = await call(`executions.list ${parent}`, () =>
          jobs.executions.list({
            parent,
            pageSize: PAGE_SIZE,
            ...(pageToken ? { pageToken } : {}),
          }),
        );
        all.push(...(data.executions ?? []));
        pageToken = data.nextPageToken ?? undefined;
        if (!pageToken) break;
      }
      return all
        .map((execution) => summarizeExecution(execution, { ref, execution: '' }))
        .sort((a, b) => Date.parse(b.createTime || '0') - Date.parse(a.createTime || '0'));
    },
    async cancelExecution(name) {
      const what = `executions.cancel ${name}`;
      named(name, 'executions.cancel');
      try {
        await jobs.executions.cancel({ name, requestBody: {} });
      } catch (error) {
        const failure = classifyRunError(error, what);
        const answered =
          failure instanceof RunPermanentError || failure instanceof RunTransientError;
        if (!answered || !REFUSALS.includes(failure.details.httpStatus)) throw failure;
        // A cancel of an execution that already ended is refused; for dfchain it is stopped.
        const ended = await get(name)
          .then(isTerminal)
          .catch(() => false);
        if (!ended) throw failure;
      }
    },
  };
}
