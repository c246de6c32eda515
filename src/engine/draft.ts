import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import type { Frame, Run, RunStatus, Step, Timer } from './run.js';
import { framesOf } from './scope.js';
import type { Effect, RunEvent, Transition } from './transition.js';

/** A state to enter, queued so chains of instant states run in a loop, not by recursion. */
export interface Entry {
  readonly scope: string;
  readonly state: string;
  readonly input: Json;
  /** A new branch or item scope: its parent scope and index there. */
  readonly parent?: string;
  readonly index?: number;
}

/** A log event before the run's id and chain are added. */
export type DraftEvent = Omit<RunEvent, 'runId' | 'chain'>;

/**
 * One transition being built: the engine's routines change the draft's copy of the run and
 * collect effects, events and ended steps, then `result()` freezes them into a Transition.
 * Nothing outside the draft is mutated, so the engine stays a pure function of its inputs.
 */
export class Draft {
  run: Run;
  readonly effects: Effect[] = [];
  readonly events: RunEvent[] = [];
  readonly archived: Step[] = [];
  /** States waiting to be entered in this transition, oldest first. */
  readonly agenda: Entry[] = [];

  /** Starts a draft over `run`; `now` is the signal's time, the only clock the engine sees. */
  constructor(
    readonly definition: ChainDefinition,
    run: Run,
    readonly now: string,
  ) {
    this.run = run;
  }

  /** The frame of `scope`, if it still runs. */
  frame(scope: string): Frame | undefined {
    return framesOf(this.run)[scope];
  }

  /** Stores the frame of `scope`. */
  setFrame(scope: string, frame: Frame): void {
    this.run = { ...this.run, frames: { ...framesOf(this.run), [scope]: frame } };
  }

  /** Removes the frame of `scope`: the scope ended. */
  dropFrame(scope: string): void {
    const { [scope]: _gone, ...rest } = framesOf(this.run);
    this.run = { ...this.run, frames: rest };
  }

  /** Stores a step in flight. */
  setStep(step: Step): void {
    this.run = { ...this.run, steps: { ...this.run.steps, [step.jobName]: step } };
  }

  /** Moves a step out of flight into the run's history as `ended`. */
  archiveStep(ended: Step): void {
    const { [ended.jobName]: _gone, ...live } = this.run.steps;
    this.run = { ...this.run, steps: live };
    this.archived.push(ended);
  }

  /** Stores a timer and asks for its delivery. */
  addTimer(name: string, timer: Timer): void {
    this.run = { ...this.run, timers: { ...(this.run.timers ?? {}), [name]: timer } };
    this.effects.push({ kind: 'timer', name, dueAt: timer.dueAt });
  }

  /** Forgets a timer (fired, or no longer wanted). */
  dropTimer(name: string): void {
    const { [name]: _gone, ...rest } = this.run.timers ?? {};
    this.run = { ...this.run, timers: rest };
  }

  /** Records a log event of this run. */
  event(event: DraftEvent): void {
    this.events.push({ ...event, runId: this.run.id, chain: this.run.chain });
  }

  /** Ends the run. */
  end(status: Exclude<RunStatus, 'RUNNING'>, fields: Pick<Run, 'output' | 'error'>): void {
    this.run = { ...this.run, ...fields, status, endTime: this.now };
  }

  /**
   * The transition built so far. A launch intended and then abandoned within this same
   * transition (a sibling branch failed at once) is never sent: its intent is dropped.
   */
  result(): Transition {
    const effects: Effect[] = [];
    for (const effect of this.effects) {
      if (effect.kind !== 'launch') {
        effects.push(effect);
        continue;
      }
      const step = this.run.steps[effect.step.jobName];
      if (step !== undefined && step.abandoned !== true) effects.push({ kind: 'launch', step });
      else if (step !== undefined) {
        const { [step.jobName]: _never, ...live } = this.run.steps;
        this.run = { ...this.run, steps: live };
      }
    }
    return {
      run: this.run,
      changed: true,
      effects,
      events: this.events,
      archived: this.archived,
    };
  }
}
