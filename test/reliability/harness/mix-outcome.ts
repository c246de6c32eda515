import { isDeepStrictEqual } from 'node:util';
import type { Run } from '../../../src/engine/run.js';
import type { SimulatedExecution } from '../../../src/local/simulator/index.js';
import type { LocalStack } from '../../../src/local/stack.js';
import { executionKeyOf } from './mix-plans.js';
import type { RunPlan } from './plans.js';
import type { Workload } from './workload.js';

/** What relmix runs did with the newer resources, beyond launches (counted in Outcome). */
export interface MixOutcome {
  readonly runs: number;
  /** Cloud Run executions started for relmix runs, and those sharing a DFCHAIN_STEP marker with an earlier one. */
  readonly executions: number;
  readonly markerDups: number;
  /** Executions of items a failed item's Map abandoned (started before it failed), and of them those cancelled. */
  readonly abandoned: number;
  readonly abandonedCancelled: number;
  /** Of `abandoned`, those still running when their run ended, and of them those cancelled. */
  readonly abandonedRunning: number;
  readonly abandonedRunningCancelled: number;
  /** Runs that reach SignOff, and of them those whose callback step completed exactly once. */
  readonly signOffs: number;
  readonly callbackOnce: number;
  /**
   * Runs whose callback step is wrong: a `task.callback` line twice+, or none for a run that
   * signs off and lived through no crash, or one for a run that never does; a SUCCEEDED run
   * whose output lacks the callback's output.
   */
  readonly callbackWrong: readonly string[];
  /**
   * Runs signing off that lived through a crash and logged no `task.callback`: the process was
   * killed between the commit and the log line (a crash at `after-intent`, the Load's intent).
   * The run went on (Load ran once, its output is checked), so the step completed; its line is lost.
   */
  readonly callbackLinesLost: number;
  /** Callbacks and heartbeats the workload sent; callbacks rejected as `not_waiting`, or for another reason. */
  readonly callbacksSent: number;
  readonly heartbeatsSent: number;
  readonly rejectedNotWaiting: number;
  readonly rejectedOther: number;
  /** Runs whose SignOff published more than once: of them, runs that lived through no crash. */
  readonly republished: number;
  readonly republishedUncrashed: readonly string[];
  /** The workload's failed publishes. */
  readonly workloadErrors: number;
}

/** A run's output as an object, when it is one. */
function outputOf(run: Run): Record<string, unknown> | undefined {
  const output: unknown = run.output;
  return output !== null && typeof output === 'object'
    ? (output as Record<string, unknown>)
    : undefined;
}

/** Measures relmix runs' executions, callbacks and SignOff messages. */
export function measureMix(
  stack: LocalStack,
  plans: readonly RunPlan[],
  finals: ReadonlyMap<string, Run | undefined>,
  workload: Workload,
  crashedRuns: ReadonlySet<string>,
): MixOutcome {
  const mixes = plans.filter((plan) => plan.mix !== undefined);
  const ids = new Set(mixes.map((plan) => plan.runId));
  const executions = stack.simulator
    .executions()
    .filter((execution) => ids.has(execution.env['DFCHAIN_RUN'] ?? ''));
  const planOf = new Map(mixes.map((plan) => [plan.runId, plan]));
  const abandoned = executions.filter((execution) =>
    planOf
      .get(execution.env['DFCHAIN_RUN'] ?? '')
      ?.mayLaunch.includes(executionKeyOf(execution.env)),
  );
  const endOf = (execution: SimulatedExecution): number =>
    Date.parse(finals.get(execution.env['DFCHAIN_RUN'] ?? '')?.endTime ?? '') || Infinity;
  const running = abandoned.filter(
    (execution) => (execution.ended?.time ?? Infinity) > endOf(execution),
  );
  const cancelled = (execution: SimulatedExecution) => execution.ended?.outcome === 'CANCELLED';
  const markers = new Set(executions.map((execution) => execution.env['DFCHAIN_STEP']));
  const linesOf = (event: string) =>
    stack.fn.lines.filter(
      (line) => line.json?.['event'] === event && ids.has(String(line.json['runId'])),
    );
  const callbacks = new Map<string, number>();
  for (const line of linesOf('task.callback')) {
    const runId = String(line.json?.['runId']);
    callbacks.set(runId, (callbacks.get(runId) ?? 0) + 1);
  }
  const rejected = linesOf('token.rejected');
  const signing = mixes.filter((plan) => plan.mix?.signsOff);
  const problemOf = (plan: RunPlan): string | undefined => {
    const n = callbacks.get(plan.runId) ?? 0;
    if (n > 1) return `${n} task.callback lines`;
    if (!plan.mix?.signsOff) return n === 0 ? undefined : 'a task.callback line, never signing off';
    if (n === 0 && !crashedRuns.has(plan.runId)) return 'no task.callback line, and no crash';
    const run = finals.get(plan.runId);
    const want = { approved: true, files: plan.mix.objects.length };
    if (run?.status === 'SUCCEEDED' && !isDeepStrictEqual(outputOf(run)?.['signoff'], want))
      return `output.signoff ${JSON.stringify(outputOf(run)?.['signoff'])}, not the callback's`;
    return undefined;
  };
  const published = (runId: string) =>
    [...(workload.runs.get(runId)?.messages.values() ?? [])].reduce((n, set) => n + set.size, 0);
  const republished = mixes.filter((plan) => published(plan.runId) > 1);
  const sent = (count: (run: { callbacks: number; heartbeats: number }) => number) =>
    mixes.reduce((n, plan) => {
      const run = workload.runs.get(plan.runId);
      return n + (run ? count(run) : 0);
    }, 0);
  return {
    runs: mixes.length,
    executions: executions.length,
    markerDups: executions.length - markers.size,
    abandoned: abandoned.length,
    abandonedCancelled: abandoned.filter(cancelled).length,
    abandonedRunning: running.length,
    abandonedRunningCancelled: running.filter(cancelled).length,
    signOffs: signing.length,
    callbackOnce: signing.filter((plan) => problemOf(plan) === undefined).length,
    callbackWrong: mixes.flatMap((plan) => {
      const problem = problemOf(plan);
      return problem === undefined ? [] : [`${plan.runId}: ${problem}`];
    }),
    callbackLinesLost: signing.filter(
      (plan) => callbacks.get(plan.runId) === undefined && problemOf(plan) === undefined,
    ).length,
    callbacksSent: sent((run) => run.callbacks),
    heartbeatsSent: sent((run) => run.heartbeats),
    rejectedNotWaiting: rejected.filter((line) => line.json?.['reason'] === 'not_waiting').length,
    rejectedOther: rejected.filter((line) => line.json?.['reason'] !== 'not_waiting').length,
    republished: republished.length,
    republishedUncrashed: republished
      .filter((plan) => !crashedRuns.has(plan.runId))
      .map((plan) => `${plan.runId}: ${published(plan.runId)} SignOff messages, no crash`),
    workloadErrors: workload.errors.length,
  };
}
