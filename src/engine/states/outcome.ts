import type { State } from '../../chain/types.js';
import type { Json } from '../../json.js';
import type { Draft } from '../draft.js';
import type { Evaluation } from '../io.js';
import type { Frame, RunError } from '../run.js';

/** What a state module is given: the draft, where the state stands, and how to evaluate. */
export interface StateRun<S extends State = State> {
  readonly d: Draft;
  readonly scope: string;
  readonly name: string;
  readonly state: S;
  /** The state's frame as stored on entry (its wait is set by the module). */
  readonly frame: Frame;
  /** entryKey of this entry: the base of job, timer and child scope names. */
  readonly key: string;
  readonly at: Evaluation;
  /** The state's input after InputPath, before Parameters (TimeoutSecondsPath reads it). */
  readonly stateInput: Json;
}

/**
 * What running a state did: produced its result at once (Pass, Choice, Wait already due,
 * Succeed; `next` overrides the state's Next, for Choice), started something it now waits for
 * (Task, Wait, Parallel, Map), or failed its scope (Fail).
 */
export type Outcome =
  | { readonly kind: 'result'; readonly result: Json; readonly next?: string }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'fail'; readonly error: RunError };

/** The outcome of a state that waits for the world. */
export const WAITING: Outcome = { kind: 'waiting' };
