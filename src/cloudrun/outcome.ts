import {
  executionResourceName,
  parseExecutionName,
  type ExecutionOutcome,
  type ExecutionSummary,
  type RunJobRef,
} from './execution.js';

/** `Condition` of condition.proto as the v2 REST API renders it (JSON, enums as names). */
export interface ConditionResource {
  readonly type?: string | null;
  readonly state?: string | null;
  readonly message?: string | null;
  readonly reason?: string | null;
  readonly executionReason?: string | null;
}

/** The fields of a v2 `Execution` (execution.proto) dfchain reads; the API omits default values. */
export interface ExecutionResource {
  readonly name?: string | null;
  readonly job?: string | null;
  readonly createTime?: string | null;
  readonly completionTime?: string | null;
  readonly taskCount?: number | null;
  readonly runningCount?: number | null;
  readonly succeededCount?: number | null;
  readonly failedCount?: number | null;
  readonly cancelledCount?: number | null;
  readonly retriedCount?: number | null;
  readonly conditions?: readonly ConditionResource[] | null;
  readonly template?: {
    readonly containers?:
      | readonly {
          readonly env?:
            | readonly { readonly name?: string | null; readonly value?: string | null }[]
            | null;
        }[]
      | null;
  } | null;
}

/** The condition whose terminal state says the execution is over (docs/cloud-run.md §2). */
export const COMPLETED_CONDITION = 'Completed';
/** Terminal states of a Condition (condition.proto, `State`). */
const TERMINAL_CONDITION_STATES = ['CONDITION_SUCCEEDED', 'CONDITION_FAILED'];

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** How the execution stands, from its `Completed` condition, completion time and counts. */
export function executionOutcome(execution: ExecutionResource): ExecutionOutcome {
  const completed = execution.conditions?.find((c) => c.type === COMPLETED_CONDITION);
  const state = completed?.state ?? undefined;
  const terminal =
    Boolean(execution.completionTime) ||
    (state !== undefined && TERMINAL_CONDITION_STATES.includes(state));
  if (!terminal) return 'RUNNING';
  const failed = count(execution.failedCount);
  if (completed?.executionReason === 'CANCELLED') return 'CANCELLED';
  if (state === 'CONDITION_SUCCEEDED') return 'SUCCEEDED';
  if (count(execution.cancelledCount) > 0 && failed === 0) return 'CANCELLED';
  if (state === undefined && failed === 0) {
    // No condition to read: all tasks succeeded means the execution did.
    const tasks = count(execution.taskCount);
    if (tasks > 0 && count(execution.succeededCount) >= tasks) return 'SUCCEEDED';
  }
  return 'FAILED';
}

/** A human cause for a failed or cancelled execution: the condition's message and reason. */
function cause(execution: ExecutionResource, outcome: ExecutionOutcome): string | undefined {
  if (outcome === 'RUNNING' || outcome === 'SUCCEEDED') return undefined;
  const completed = execution.conditions?.find((c) => c.type === COMPLETED_CONDITION);
  const reason = completed?.executionReason ?? completed?.reason ?? undefined;
  const message = completed?.message ?? undefined;
  const counts = `${count(execution.failedCount)} failed, ${count(execution.cancelledCount)} cancelled, ${count(execution.succeededCount)} succeeded of ${count(execution.taskCount)} tasks`;
  const told = [message, reason === undefined ? undefined : `(${reason})`]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return told === '' ? counts : `${told}; ${counts}`;
}

function templateEnv(execution: ExecutionResource): Record<string, string> {
  const env: Record<string, string> = {};
  for (const container of execution.template?.containers ?? []) {
    for (const variable of container.env ?? []) {
      const { name, value } = variable;
      if (typeof name === 'string' && typeof value === 'string' && !(name in env)) {
        env[name] = value;
      }
    }
  }
  return env;
}

/**
 * The execution as dfchain reads it. `fallback` names it when the answer leaves its name out
 * (it never should); a name of another form keeps `fallback`'s job and location.
 */
export function summarizeExecution(
  execution: ExecutionResource,
  fallback: { readonly ref: RunJobRef; readonly execution: string },
): ExecutionSummary {
  const parsed = parseExecutionName(execution.name ?? '');
  const ref = parsed?.ref ?? fallback.ref;
  const short = parsed?.execution ?? fallback.execution;
  const outcome = executionOutcome(execution);
  const why = cause(execution, outcome);
  return {
    name: executionResourceName(ref, short),
    ref,
    execution: short,
    outcome,
    taskCount: count(execution.taskCount),
    runningCount: count(execution.runningCount),
    succeededCount: count(execution.succeededCount),
    failedCount: count(execution.failedCount),
    cancelledCount: count(execution.cancelledCount),
    retriedCount: count(execution.retriedCount),
    createTime: execution.createTime ?? '',
    ...(execution.completionTime ? { completionTime: execution.completionTime } : {}),
    ...(why === undefined ? {} : { cause: why }),
    env: templateEnv(execution),
  };
}
