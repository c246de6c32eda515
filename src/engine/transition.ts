import type { Run, RunError, Step } from './run.js';

/** The live steps of `run` without `jobName`: the step ended and moves to the history. */
export function withoutStep(run: Run, jobName: string): Run {
  const { [jobName]: _ended, ...live } = run.steps;
  return { ...run, steps: live };
}

/** Something the engine asks the outside world to do after the run is committed. */
export interface LaunchEffect {
  readonly kind: 'launch';
  readonly step: Step;
}

/** Effects are data: the engine never performs I/O itself. */
export type Effect = LaunchEffect;

/** Names of the transitions dfchain logs, one structured line each. */
export const RUN_EVENTS = [
  'run.started',
  'step.intended',
  'job.launched',
  'job.adopted',
  'job.confirmed',
  'run.succeeded',
  'run.failed',
] as const;
/** Names of the transitions dfchain logs. */
export type RunEventName = (typeof RUN_EVENTS)[number];

/** A transition worth one log line, keyed by run, chain and state. */
export interface RunEvent {
  readonly event: RunEventName;
  readonly runId: string;
  readonly chain: string;
  readonly state?: string;
  readonly jobName?: string;
  readonly jobId?: string;
  readonly jobState?: string;
  readonly error?: RunError;
}

/** The engine's answer: the next run (unchanged when nothing happened), effects and log events. */
export interface Transition {
  readonly run: Run;
  readonly changed: boolean;
  readonly effects: readonly Effect[];
  readonly events: readonly RunEvent[];
  /** Steps that ended in this transition, to append to the run's history. */
  readonly archived: readonly Step[];
}

/** A transition that changes nothing (duplicate or stale signal). */
export function unchanged(run: Run): Transition {
  return { run, changed: false, effects: [], events: [], archived: [] };
}
