import type { ChainProblem } from '../errors.js';
import { isObject } from '../json.js';
import type { ExecutionSummary, RunJobRef, RunJobRequest } from './execution.js';
import { parseJobName } from './execution.js';
import { reservedEnvProblems } from './step-marker.js';

/**
 * A `run:job` Task's Parameters, pinned in ARCHITECTURE.md §2.1: `{job, overrides:
 * {containerOverrides: [{args, env: [{name, value}]}], taskCount, timeout}}`. The proto's
 * `containerOverrides[].name` and `clearArgs` are accepted too (job.proto, ContainerOverride).
 */
const PARAMETER_FIELDS = ['job', 'overrides'];
const OVERRIDES_FIELDS = ['containerOverrides', 'taskCount', 'timeout'];
const CONTAINER_FIELDS = ['name', 'args', 'env', 'clearArgs'];
const ENV_FIELDS = ['name', 'value'];
/** A Cloud Run job's short name: a DNS label starting with a letter (docs/cloud-run.md §6). */
const JOB_SHORT_NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const DURATION = /^\d+(\.\d{1,9})?s$/;

/** The `run:job` errors (ARCHITECTURE.md §2.1). */
export const RUN_ERRORS = {
  failed: 'Run.ExecutionFailed',
  cancelled: 'Run.ExecutionCancelled',
  launchFailed: 'Run.LaunchFailed',
} as const;

/** The job a Task names: a full name, or a short one in the function's project and the Task's region. */
export function runJobRef(
  job: string,
  projectId: string,
  region: string | undefined,
): RunJobRef | string {
  const full = parseJobName(job);
  if (full !== undefined) {
    return JOB_SHORT_NAME.test(full.job)
      ? full
      : `job ${JSON.stringify(job)}: "${full.job}" is not a Cloud Run job name`;
  }
  if (!JOB_SHORT_NAME.test(job)) {
    return `job ${JSON.stringify(job)} is neither a job name (lowercase letters, digits and hyphens, starting with a letter) nor projects/P/locations/L/jobs/J`;
  }
  if (region === undefined) {
    return `job ${JSON.stringify(job)} is a short name, so it needs the Task's Region (or Defaults.Region); or give projects/P/locations/L/jobs/J`;
  }
  return { projectId, location: region, job };
}

/** The `jobs.run` body of resolved Parameters (the step marker is added at launch). */
export function runJobRequest(parameters: Record<string, unknown>): RunJobRequest {
  const overrides = parameters['overrides'];
  return isObject(overrides) ? { overrides: overrides as RunJobRequest['overrides'] } : {};
}

/** The Task's result (ARCHITECTURE.md §2.1): `{executionName, job, location, succeededCount, failedCount}`. */
export function runJobResult(summary: ExecutionSummary): Record<string, string | number> {
  return {
    executionName: summary.execution,
    job: summary.ref.job,
    location: summary.ref.location,
    succeededCount: summary.succeededCount,
    failedCount: summary.failedCount,
  };
}

/** The error a terminal execution that did not succeed ends its Task with; undefined otherwise. */
export function runJobError(
  summary: ExecutionSummary,
): { readonly Error: string; readonly Cause: string } | undefined {
  if (summary.outcome === 'FAILED') {
    return {
      Error: RUN_ERRORS.failed,
      Cause: `execution ${summary.name} failed: ${summary.cause ?? ''}`,
    };
  }
  if (summary.outcome === 'CANCELLED') {
    return {
      Error: RUN_ERRORS.cancelled,
      Cause: `execution ${summary.name} was cancelled: ${summary.cause ?? ''}`,
    };
  }
  return undefined;
}

function unknownKeys(value: unknown, known: readonly string[], at: string): ChainProblem[] {
  if (!isObject(value)) return [];
  return Object.keys(value)
    .filter((key) => !known.includes(key.endsWith('.$') ? key.slice(0, -2) : key))
    .map((key) => ({
      path: `${at}.${key}`,
      message: `"${key}" is not a field of ${at.split('.').at(-1) ?? at} (expected ${known.join(', ')})`,
    }));
}

/**
 * What the schema cannot say about a `run:job` Task's literal Parameters at `at`: unknown fields
 * (Cloud Run refuses them), a job that is no job name, a timeout that is no Duration, a task count
 * below 1, and env names dfchain reserves for its step marker. Values given by `.$` paths are
 * checked at launch.
 */
export function runJobParameterProblems(parameters: unknown, at: string): ChainProblem[] {
  if (!isObject(parameters))
    return [{ path: at, message: 'a run:job Task needs Parameters with a job' }];
  const problems = unknownKeys(parameters, PARAMETER_FIELDS, at);
  const job = parameters['job'];
  if (job === undefined && parameters['job.$'] === undefined) {
    problems.push({
      path: at,
      message: 'a run:job Task needs Parameters.job (a job name, or projects/P/locations/L/jobs/J)',
    });
  } else if (typeof job === 'string') {
    const ref = runJobRef(job, 'project', 'region');
    if (typeof ref === 'string') problems.push({ path: `${at}.job`, message: ref });
  } else if (job !== undefined) {
    problems.push({ path: `${at}.job`, message: 'job must be a string' });
  }
  const overrides = parameters['overrides'];
  const where = `${at}.overrides`;
  problems.push(...unknownKeys(overrides, OVERRIDES_FIELDS, where));
  if (!isObject(overrides)) return problems;
  const timeout = overrides['timeout'];
  if (timeout !== undefined && (typeof timeout !== 'string' || !DURATION.test(timeout))) {
    problems.push({
      path: `${where}.timeout`,
      message: `timeout ${JSON.stringify(timeout)} is not a Duration such as "3600s"`,
    });
  }
  const taskCount = overrides['taskCount'];
  if (
    taskCount !== undefined &&
    (typeof taskCount !== 'number' || !Number.isInteger(taskCount) || taskCount < 1)
  ) {
    problems.push({
      path: `${where}.taskCount`,
      message: `taskCount ${JSON.stringify(taskCount)} is not a whole number of at least 1`,
    });
  }
  const containers = overrides['containerOverrides'];
  if (Array.isArray(containers)) {
    containers.forEach((container: unknown, i) => {
      const place = `${where}.containerOverrides[${i}]`;
      problems.push(...unknownKeys(container, CONTAINER_FIELDS, place));
      const env = isObject(container) ? container['env'] : undefined;
      if (Array.isArray(env))
        env.forEach((item: unknown, j) =>
          problems.push(...unknownKeys(item, ENV_FIELDS, `${place}.env[${j}]`)),
        );
    });
    const reserved = reservedEnvProblems({ overrides: overrides as RunJobRequest['overrides'] });
    problems.push(...reserved.map(({ path, message }) => ({ path: `${at}.${path}`, message })));
  }
  return problems;
}
