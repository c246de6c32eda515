import type { Json } from '../json.js';
import type { ItemsRead } from './item-read.js';
import type { Part, Run, RunError, Step } from './run.js';

/** Launch the step's job (its intent is already recorded). */
export interface LaunchEffect {
  readonly kind: 'launch';
  readonly step: Step;
}

/** Cancel the step's job through the API: the run no longer waits for it. */
export interface CancelEffect {
  readonly kind: 'cancel';
  readonly step: Step;
}

/** Arrange for the timer to be delivered at its due time. */
export interface TimerEffect {
  readonly kind: 'timer';
  readonly name: string;
  readonly dueAt: string;
}

/** Create the document of a Map item (its part) and enter the item's first state there. */
export interface SpawnEffect {
  readonly kind: 'spawn';
  readonly part: Part;
  readonly state: string;
  readonly input: Json;
}

/** Stop the running items of a Map entry: the Map no longer waits for them (it failed, was caught or retried). */
export interface AbortItemsEffect {
  readonly kind: 'abortItems';
  /** The Map entry's group (Part.group). */
  readonly group: string;
}

/** Read the items of the Map at `scope` (its ItemReader); the result comes back as onItemsRead. */
export interface ReadItemsEffect extends ItemsRead {
  readonly kind: 'readItems';
  readonly scope: string;
}

/** Effects are data: the engine never performs I/O itself; one executor carries them out. */
export type Effect =
  | LaunchEffect
  | CancelEffect
  | TimerEffect
  | SpawnEffect
  | AbortItemsEffect
  | ReadItemsEffect;

/** Names of the transitions dfchain logs, one structured line each. */
export const RUN_EVENTS = [
  'run.queued',
  'run.started',
  'step.intended',
  'job.launched',
  'job.adopted',
  'job.confirmed',
  'job.cancelling',
  'task.published',
  'task.callback',
  'task.heartbeat',
  'state.retrying',
  'state.caught',
  'state.waiting',
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'run.redriven',
  'run.deadline_missed',
] as const;
/** Names of the transitions dfchain logs. */
export type RunEventName = (typeof RUN_EVENTS)[number];

/** A transition worth one log line, keyed by run, chain, scope and state. */
export interface RunEvent {
  readonly event: RunEventName;
  readonly runId: string;
  readonly chain: string;
  readonly state?: string;
  /** Scope path of the state, when not the top level. */
  readonly scope?: string;
  readonly jobName?: string;
  readonly jobId?: string;
  readonly jobState?: string;
  readonly error?: RunError;
  /** run.succeeded: the run's output. */
  readonly output?: Json;
  /** state.retrying / state.waiting: when the timer is due; run.deadline_missed: the deadline. */
  readonly dueAt?: string;
  readonly attempt?: number;
  /** job.confirmed: seconds from the recorded launch to the confirmed end (absent if never recorded launched). */
  readonly durationSeconds?: number;
  /** task.published: the Pub/Sub message id. */
  readonly messageId?: string;
  /** task.callback: SUCCEEDED or FAILED, as the callback said. */
  readonly callbackStatus?: string;
  /** run.redriven: how many times the run has been redriven, this time included. */
  readonly redriveCount?: number;
}

/** The engine's answer: the next run (unchanged when nothing happened), effects and log events. */
export interface Transition {
  readonly run: Run;
  readonly changed: boolean;
  readonly effects: readonly Effect[];
  readonly events: readonly RunEvent[];
  /** Steps that ended in this transition, to append to the run's history. */
  readonly archived: readonly Step[];
  /**
   * Set by the store's writer, not the engine: parts created in the same write (the next item
   * of a Map lane, started by its predecessor's end), whose effects are carried out next.
   */
  readonly spawned?: readonly Transition[];
}

/** A transition that changes nothing (duplicate or stale signal). */
export function unchanged(run: Run): Transition {
  return { run, changed: false, effects: [], events: [], archived: [] };
}

/** The launch effects of a transition. */
export function launchesOf(transition: Transition): LaunchEffect[] {
  return transition.effects.filter((e): e is LaunchEffect => e.kind === 'launch');
}
