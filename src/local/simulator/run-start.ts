import { randomBytes, randomUUID } from 'node:crypto';
import { projectNumberOf } from './job-id.js';
import { executionResource, type ExecutionRecord } from './run-resource.js';
import { RUN_OUTCOMES, type ExecutionBehaviour, type RunTarget } from './run-types.js';
import type { ValidRun } from './run-validate.js';
import type { SimulatorOptions } from './types.js';

/** Timings used when neither `runDefaults` nor `runBehaviour` set them. */
export const DEFAULT_RUN_BEHAVIOUR: ExecutionBehaviour = {
  outcome: 'SUCCEEDED',
  failedTasks: 1,
  pendingMs: 1_000,
  runMs: 5_000,
  apiLagMs: 0,
  notFoundMs: 0,
  logDelayMs: 0,
  cancelMs: 1_000,
};

/** A job's configuration where the request does not override it. */
const JOB_TASK_COUNT = 1;
const JOB_TIMEOUT = '600s';
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function suffix(): string {
  return [...randomBytes(5)].map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join('');
}

/** The long-running Operation `jobs.run` and `executions.cancel` answer with. */
export function operation(record: ExecutionRecord, now: number): Record<string, unknown> {
  return {
    name: `projects/${record.projectId}/locations/${record.location}/operations/${randomUUID()}`,
    metadata: {
      '@type': 'type.googleapis.com/google.cloud.run.v2.Execution',
      ...executionResource(record, now),
    },
  };
}

/** A new execution of `target` for a valid `jobs.run`, PENDING now, with its behaviour. */
export function newRecord(
  target: RunTarget,
  run: ValidRun,
  options: SimulatorOptions,
): ExecutionRecord {
  const execution = `${target.job}-${suffix()}`;
  const info = { ...target, execution, env: run.env, request: run.request };
  const behaviour = {
    ...DEFAULT_RUN_BEHAVIOUR,
    ...options.runDefaults,
    ...options.runBehaviour?.(info),
  };
  if (!RUN_OUTCOMES.includes(behaviour.outcome)) {
    throw new Error(`simulator runBehaviour: unknown outcome "${String(behaviour.outcome)}"`);
  }
  const now = Date.now();
  return {
    projectId: target.projectId,
    projectNumber: (options.projectNumber ?? projectNumberOf)(target.projectId),
    location: target.location,
    job: target.job,
    execution,
    uid: randomUUID(),
    request: run.request,
    env: run.env,
    ...(run.args === undefined ? {} : { args: run.args }),
    taskCount: run.taskCount ?? JOB_TASK_COUNT,
    timeout: run.timeout ?? JOB_TIMEOUT,
    behaviour,
    createTime: now,
    phases: [{ phase: 'PENDING', time: now, visibleAt: now }],
  };
}
