import type { LocalStack } from '../../../src/local/stack.js';
import type { RunPlan } from './plans.js';
import type { Workload } from './workload.js';

/** What relmix runs did with the newer resources, beyond launches (counted in Outcome). */
export interface MixOutcome {
  readonly runs: number;
  /** Cloud Run executions started for relmix runs, and those sharing a DFCHAIN_STEP marker with an earlier one. */
  readonly executions: number;
  readonly markerDups: number;
  /** Runs that reach SignOff, and of them those whose callback step completed exactly once. */
  readonly signOffs: number;
  readonly callbackOnce: number;
  /** Runs whose `task.callback` count is wrong (a run reaching SignOff: not 1; another: not 0). */
  readonly callbackWrong: readonly string[];
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

/** Measures relmix runs' executions, callbacks and SignOff messages. */
export function measureMix(
  stack: LocalStack,
  plans: readonly RunPlan[],
  workload: Workload,
  crashedRuns: ReadonlySet<string>,
): MixOutcome {
  const mixes = plans.filter((plan) => plan.mix !== undefined);
  const ids = new Set(mixes.map((plan) => plan.runId));
  const executions = stack.simulator
    .executions()
    .filter((execution) => ids.has(execution.env['DFCHAIN_RUN'] ?? ''));
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
    signOffs: signing.length,
    callbackOnce: signing.filter((plan) => callbacks.get(plan.runId) === 1).length,
    callbackWrong: mixes
      .filter((plan) => (callbacks.get(plan.runId) ?? 0) !== (plan.mix?.signsOff ? 1 : 0))
      .map((plan) => `${plan.runId}: ${callbacks.get(plan.runId) ?? 0} task.callback lines`),
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
