import sinon from 'sinon';
import {
  executionResourceName,
  type ExecutionOutcome,
  type ExecutionSummary,
  type RunJobRef,
  type RunJobRequest,
  type StartedExecution,
} from '../../../src/cloudrun/execution.js';
import type { CloudRunPort } from '../../../src/cloudrun/port.js';
import { ExecutionNotFoundError, RunTransientError } from '../../../src/errors.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import { NOW, PROJECT, pubsubEvent } from './kit.js';

/** An execution in the fake Cloud Run; tests end it with {@link FakeCloudRun.end}. */
export interface FakeExecution {
  readonly name: string;
  readonly ref: RunJobRef;
  readonly execution: string;
  readonly request: RunJobRequest;
  readonly env: Record<string, string>;
  readonly createTime: string;
  outcome: ExecutionOutcome;
  taskCount: number;
  succeededCount: number;
  failedCount: number;
  cancelledCount: number;
}

const sameJob = (a: RunJobRef, b: RunJobRef) =>
  a.projectId === b.projectId && a.location === b.location && a.job === b.job;

/** The literal env an execution's containers get from the request's overrides (first value wins). */
function envOf(request: RunJobRequest): Record<string, string> {
  const env: Record<string, string> = {};
  for (const override of request.overrides?.containerOverrides ?? [])
    for (const variable of override.env ?? [])
      if (variable.value !== undefined && !(variable.name in env))
        env[variable.name] = variable.value;
  return env;
}

/**
 * A CloudRunPort of sinon stubs over a tiny Cloud Run: `jobs.run` starts `{job}-0000N` RUNNING
 * with the overrides' env in its template, `executions.get` answers 404 for an unknown name,
 * `executions.list` lists the job's executions newest first, `executions.cancel` cancels a
 * running one at once. Per-call behaviours (`cloudRun.runJob.onCall(0).rejects(…)`) override it.
 */
export class FakeCloudRun {
  readonly executions: FakeExecution[] = [];
  readonly runJob = sinon.stub<[RunJobRef, RunJobRequest], Promise<StartedExecution>>();
  readonly getExecution = sinon.stub<[string], Promise<ExecutionSummary>>();
  readonly listExecutions = sinon.stub<[RunJobRef], Promise<ExecutionSummary[]>>();
  readonly cancelExecution = sinon.stub<[string], Promise<void>>();
  readonly port: CloudRunPort = {
    runJob: this.runJob,
    getExecution: this.getExecution,
    listExecutions: this.listExecutions,
    cancelExecution: this.cancelExecution,
  };

  constructor() {
    this.runJob.callsFake((ref, request) => Promise.resolve(this.start(ref, request)));
    this.getExecution.callsFake((name) => {
      const found = this.executions.find((execution) => execution.name === name);
      return found
        ? Promise.resolve(summaryOf(found))
        : Promise.reject(
            new ExecutionNotFoundError(`Cloud Run executions.get failed: HTTP 404 (${name})`, {
              operation: 'executions.get',
              httpStatus: 404,
              status: 'NOT_FOUND',
            }),
          );
    });
    this.listExecutions.callsFake((ref) =>
      Promise.resolve(
        this.executions
          .filter((execution) => sameJob(execution.ref, ref))
          .reverse()
          .map(summaryOf),
      ),
    );
    this.cancelExecution.callsFake((name) => {
      const found = this.executions.find((execution) => execution.name === name);
      if (found?.outcome === 'RUNNING') found.outcome = 'CANCELLED';
      return Promise.resolve();
    });
  }

  /** What the default `jobs.run` does: a new running execution of the job. */
  start(ref: RunJobRef, request: RunJobRequest): StartedExecution {
    const execution = `${ref.job}-${String(this.executions.length + 1).padStart(5, '0')}`;
    const created: FakeExecution = {
      name: executionResourceName(ref, execution),
      ref,
      execution,
      request,
      env: envOf(request),
      // Distinct, increasing creation times, as Cloud Run's.
      createTime: new Date(Date.parse(NOW) + this.executions.length * 1000).toISOString(),
      outcome: 'RUNNING',
      taskCount: request.overrides?.taskCount ?? 1,
      succeededCount: 0,
      failedCount: 0,
      cancelledCount: 0,
    };
    this.executions.push(created);
    return { name: created.name, ref, execution };
  }

  /** The only execution of `job`; fails the test when there is not exactly one. */
  only(job: string): FakeExecution {
    const found = this.executions.filter((execution) => execution.ref.job === job);
    if (found.length !== 1)
      throw new Error(`fake Cloud Run has ${found.length} executions of ${job}`);
    return found[0]!;
  }

  /** Ends an execution: every task succeeded, `failed` of them failed, or it was cancelled. */
  end(execution: FakeExecution, outcome: Exclude<ExecutionOutcome, 'RUNNING'>, failed = 1): void {
    execution.outcome = outcome;
    execution.failedCount = outcome === 'FAILED' ? failed : 0;
    execution.cancelledCount = outcome === 'CANCELLED' ? execution.taskCount : 0;
    execution.succeededCount =
      outcome === 'SUCCEEDED'
        ? execution.taskCount
        : outcome === 'FAILED'
          ? execution.taskCount - failed
          : 0;
  }
}

/** An execution as `executions.get` shows it, classified. */
function summaryOf(execution: FakeExecution): ExecutionSummary {
  const ended = execution.outcome !== 'RUNNING';
  return {
    name: execution.name,
    ref: execution.ref,
    execution: execution.execution,
    outcome: execution.outcome,
    taskCount: execution.taskCount,
    runningCount: ended ? 0 : execution.taskCount,
    succeededCount: execution.succeededCount,
    failedCount: execution.failedCount,
    cancelledCount: execution.cancelledCount,
    retriedCount: 0,
    createTime: execution.createTime,
    ...(ended ? { completionTime: NOW } : {}),
    ...(execution.outcome === 'FAILED'
      ? { cause: `Task ${execution.execution}-task0 failed with exit code: 1` }
      : {}),
    ...(execution.outcome === 'CANCELLED' ? { cause: 'The execution was cancelled by users' } : {}),
    env: { ...execution.env },
  };
}

/** A `jobs.run` whose call got no answer (a timeout, a reset socket): no HTTP status. */
export function unanswered(): RunTransientError {
  return new RunTransientError('Cloud Run jobs.run failed: no HTTP answer: socket hang up', {
    operation: 'jobs.run',
  });
}

/** The sink's RunJob completion entry (System Event audit log) of `execution`, as a CloudEvent. */
export function executionEndedEvent(
  execution: Pick<FakeExecution, 'ref' | 'execution'>,
  id = 'm-run-end',
): IncomingEvent {
  const { ref } = execution;
  return pubsubEvent(
    {
      insertId: `log-${id}`,
      logName: `projects/${ref.projectId}/logs/cloudaudit.googleapis.com%2Fsystem_event`,
      resource: {
        type: 'cloud_run_job',
        labels: { job_name: ref.job, location: ref.location, project_id: PROJECT },
      },
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        serviceName: 'run.googleapis.com',
        methodName: '/Jobs.RunJob',
        resourceName: `namespaces/${ref.projectId}/executions/${execution.execution}`,
        response: { metadata: { name: execution.execution } },
      },
      severity: 'INFO',
      timestamp: NOW,
    },
    id,
  );
}
