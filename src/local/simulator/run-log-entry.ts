import { randomBytes } from 'node:crypto';

/**
 * The entry Cloud Logging writes when a Cloud Run job execution ends: the System Event audit
 * entry of the RunJob long-running operation (docs/cloud-run.md §3), with the execution as the
 * v1 API renders it in `protoPayload.response`. Confirmed fields and dfchain's readings are
 * listed there; the success wording and the status codes are dfchain's reading.
 */
export interface RunLogEntry {
  readonly insertId: string;
  /** `projects/{projectId}/logs/cloudaudit.googleapis.com%2Fsystem_event`. */
  readonly logName: string;
  readonly resource: {
    readonly type: 'cloud_run_job';
    readonly labels: {
      readonly job_name: string;
      readonly location: string;
      readonly project_id: string;
    };
  };
  readonly protoPayload: {
    readonly '@type': 'type.googleapis.com/google.cloud.audit.AuditLog';
    readonly status: { readonly code?: number; readonly message: string };
    readonly serviceName: 'run.googleapis.com';
    readonly methodName: '/Jobs.RunJob';
    /** `namespaces/{project}/executions/{execution}` (the v1 resource name). */
    readonly resourceName: string;
    readonly response: Record<string, unknown>;
  };
  readonly severity: 'INFO' | 'ERROR';
  readonly timestamp: string;
  readonly receiveTimestamp: string;
}

/** What the completion entry says of the execution. */
export interface RunLogSource {
  readonly projectId: string;
  readonly projectNumber: string;
  readonly location: string;
  readonly job: string;
  readonly execution: string;
  readonly outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  /** The Completed condition's message (failed or cancelled). */
  readonly message: string;
  readonly reason?: string;
  readonly taskCount: number;
  readonly succeededCount: number;
  readonly failedCount: number;
  readonly cancelledCount: number;
  readonly env: Readonly<Record<string, string>>;
  readonly createTime: number;
}

/** The completion entry of one execution, as the sink delivers it. */
export function runCompletionEntry(
  source: RunLogSource,
  timestamp: number,
  receivedAt: number,
): RunLogEntry {
  const succeeded = source.outcome === 'SUCCEEDED';
  const at = new Date(timestamp).toISOString();
  return {
    insertId: randomBytes(6).toString('base64url').toLowerCase(),
    logName: `projects/${source.projectId}/logs/cloudaudit.googleapis.com%2Fsystem_event`,
    resource: {
      type: 'cloud_run_job',
      labels: { job_name: source.job, location: source.location, project_id: source.projectId },
    },
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      // Public alert policies select failures by status.code=10 and severity ERROR.
      status: succeeded
        ? { message: `Execution ${source.execution} has completed successfully.` }
        : { code: 10, message: source.message },
      serviceName: 'run.googleapis.com',
      methodName: '/Jobs.RunJob',
      resourceName: `namespaces/${source.projectId}/executions/${source.execution}`,
      response: {
        '@type': 'type.googleapis.com/google.cloud.run.v1.Execution',
        apiVersion: 'run.googleapis.com/v1',
        kind: 'Execution',
        metadata: {
          name: source.execution,
          namespace: source.projectNumber,
          labels: { 'run.googleapis.com/job': source.job },
          creationTimestamp: new Date(source.createTime).toISOString(),
        },
        spec: {
          taskCount: source.taskCount,
          template: {
            spec: {
              containers: [
                { env: Object.entries(source.env).map(([name, value]) => ({ name, value })) },
              ],
            },
          },
        },
        status: {
          conditions: [
            {
              type: 'Completed',
              status: succeeded ? 'True' : 'False',
              ...(succeeded
                ? {}
                : { reason: source.reason ?? 'NonZeroExitCode', message: source.message }),
              lastTransitionTime: at,
            },
          ],
          completionTime: at,
          ...(source.succeededCount > 0 ? { succeededCount: source.succeededCount } : {}),
          ...(source.failedCount > 0 ? { failedCount: source.failedCount } : {}),
          ...(source.cancelledCount > 0 ? { cancelledCount: source.cancelledCount } : {}),
        },
      },
    },
    severity: succeeded ? 'INFO' : 'ERROR',
    timestamp: at,
    receiveTimestamp: new Date(receivedAt).toISOString(),
  };
}
