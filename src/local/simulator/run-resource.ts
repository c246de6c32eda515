import type { ExecutionBehaviour, RunOutcome } from './run-types.js';

/** What an execution is doing; the terminal phases are the RunOutcomes. */
export type RunPhase = 'PENDING' | 'RUNNING' | 'CANCELLING' | RunOutcome;

/** One phase an execution entered, and when `get`/`list` start showing it. */
export interface PhaseChange {
  readonly phase: RunPhase;
  readonly time: number;
  readonly visibleAt: number;
}

/** An execution in the simulator's table. */
export interface ExecutionRecord {
  readonly projectId: string;
  readonly projectNumber: string;
  readonly location: string;
  readonly job: string;
  readonly execution: string;
  readonly uid: string;
  readonly request: { readonly [key: string]: unknown };
  readonly env: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  readonly taskCount: number;
  readonly timeout: string;
  readonly behaviour: ExecutionBehaviour;
  readonly createTime: number;
  readonly phases: PhaseChange[];
  timer?: ReturnType<typeof setTimeout>;
  ended?: { readonly outcome: RunOutcome; readonly time: number };
}

/** The job's container image in the simulator (Google's sample job image). */
const IMAGE = 'us-docker.pkg.dev/cloudrun/container/job:latest';

/** The execution's full name `projects/P/locations/L/jobs/J/executions/E`. */
export function executionName(record: ExecutionRecord): string {
  return `projects/${record.projectId}/locations/${record.location}/jobs/${record.job}/executions/${record.execution}`;
}

/** The phase `get`/`list` show at `now`: the newest one already visible. */
export function visiblePhase(record: ExecutionRecord, now: number): PhaseChange {
  let shown = record.phases[0];
  for (const change of record.phases) if (change.visibleAt <= now) shown = change;
  if (!shown) throw new Error(`simulator: execution ${record.execution} has no phase`);
  return shown;
}

/** How many tasks end which way, for an outcome. */
export function taskCounts(
  record: ExecutionRecord,
  outcome: RunOutcome,
): { succeeded: number; failed: number; cancelled: number } {
  const tasks = record.taskCount;
  if (outcome === 'SUCCEEDED') return { succeeded: tasks, failed: 0, cancelled: 0 };
  if (outcome === 'CANCELLED') return { succeeded: 0, failed: 0, cancelled: tasks };
  const failed = Math.max(1, Math.min(tasks, record.behaviour.failedTasks));
  return { succeeded: tasks - failed, failed, cancelled: 0 };
}

/** The Completed condition's message of an execution that did not succeed. */
export function failureMessage(record: ExecutionRecord, outcome: RunOutcome): string {
  return outcome === 'CANCELLED'
    ? `(simulated) Execution ${record.execution} was cancelled.`
    : `(simulated) Task ${record.execution}-task0 failed with exit code: 1 and message: The container exited with an error.`;
}

const condition = (type: string, state: string, extra: Record<string, string> = {}) => ({
  type,
  state,
  ...extra,
});

function conditions(record: ExecutionRecord, change: PhaseChange): Record<string, unknown>[] {
  const at = { lastTransitionTime: new Date(change.time).toISOString() };
  const started = [
    condition('ResourcesAvailable', 'CONDITION_SUCCEEDED', at),
    condition('Started', 'CONDITION_SUCCEEDED', at),
  ];
  switch (change.phase) {
    case 'PENDING':
      return [
        condition('ResourcesAvailable', 'CONDITION_PENDING'),
        condition('Started', 'CONDITION_PENDING'),
        condition('Completed', 'CONDITION_PENDING'),
      ];
    case 'RUNNING':
      return [...started, condition('Completed', 'CONDITION_RECONCILING', at)];
    case 'CANCELLING':
      return [
        ...started,
        condition('Completed', 'CONDITION_RECONCILING', { ...at, executionReason: 'CANCELLING' }),
      ];
    case 'SUCCEEDED':
      // "Successful conditions cannot have a reason" (condition.proto).
      return [...started, condition('Completed', 'CONDITION_SUCCEEDED', at)];
    case 'FAILED':
    case 'CANCELLED':
      return [
        ...started,
        condition('Completed', 'CONDITION_FAILED', {
          ...at,
          executionReason: change.phase === 'FAILED' ? 'NON_ZERO_EXIT_CODE' : 'CANCELLED',
          message: failureMessage(record, change.phase),
        }),
      ];
  }
}

/** Google's JSON leaves out a field at its default value (0, '', false). */
function counts(record: ExecutionRecord, phase: RunPhase): Record<string, number> {
  const shown: Record<string, number> = {};
  if (phase === 'RUNNING' || phase === 'CANCELLING') shown['runningCount'] = record.taskCount;
  if (phase === 'SUCCEEDED' || phase === 'FAILED' || phase === 'CANCELLED') {
    const { succeeded, failed, cancelled } = taskCounts(record, phase);
    if (succeeded > 0) shown['succeededCount'] = succeeded;
    if (failed > 0) shown['failedCount'] = failed;
    if (cancelled > 0) shown['cancelledCount'] = cancelled;
  }
  return shown;
}

/** The v2 `Execution` resource (execution.proto) as the REST API shows it at `now`. */
export function executionResource(record: ExecutionRecord, now: number): Record<string, unknown> {
  const change = visiblePhase(record, now);
  const terminal =
    change.phase === 'SUCCEEDED' || change.phase === 'FAILED' || change.phase === 'CANCELLED';
  const started = record.phases.find((p) => p.phase === 'RUNNING' && p.visibleAt <= now);
  const name = executionName(record);
  return {
    name,
    uid: record.uid,
    generation: '1',
    labels: { 'run.googleapis.com/job': record.job },
    createTime: new Date(record.createTime).toISOString(),
    ...(started ? { startTime: new Date(started.time).toISOString() } : {}),
    ...(terminal ? { completionTime: new Date(change.time).toISOString() } : {}),
    updateTime: new Date(change.time).toISOString(),
    launchStage: 'GA',
    job: `projects/${record.projectId}/locations/${record.location}/jobs/${record.job}`,
    parallelism: record.taskCount,
    taskCount: record.taskCount,
    template: {
      containers: [
        {
          image: IMAGE,
          ...(record.args && record.args.length > 0 ? { args: [...record.args] } : {}),
          ...(Object.keys(record.env).length > 0
            ? { env: Object.entries(record.env).map(([key, value]) => ({ name: key, value })) }
            : {}),
          resources: { limits: { cpu: '1000m', memory: '512Mi' } },
        },
      ],
      maxRetries: 3,
      timeout: record.timeout,
      serviceAccount: `${record.projectNumber}-compute@developer.gserviceaccount.com`,
      executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
    },
    ...(terminal ? {} : { reconciling: true }),
    conditions: conditions(record, change),
    observedGeneration: '1',
    ...counts(record, change.phase),
    logUri: `https://console.cloud.google.com/logs/viewer?project=${record.projectId}&advancedFilter=resource.type%3D%22cloud_run_job%22%0Aresource.labels.job_name%3D%22${record.job}%22%0Alabels.%22run.googleapis.com/execution_name%22%3D%22${record.execution}%22`,
    etag: `"${record.uid.slice(0, 8)}-${change.phase.toLowerCase()}"`,
  };
}
