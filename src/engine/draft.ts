import type { ChainDefinition } from '../chain/types.js';
import type { Json } from '../json.js';
import { spawnStillWanted } from './part-names.js';
import type { Frame, Part, Run, RunStatus, Step, Timer } from './run.js';
import { framesOf } from './scope.js';
import type { Effect, RunEvent, Transition } from './transition.js';

/** The longest state output (characters of JSON) an ended step's record keeps: 4 KiB. */
export const STEP_OUTPUT_KEPT = 4096;

/** A state to enter, queued so chains of instant states run in a loop, not by recursion. */
export interface Entry {
  readonly scope: string;
  readonly state: string;
  readonly input: Json;
  /** A new branch or item scope: its parent scope and index there. */
  readonly parent?: string;
  readonly index?: number;
}

/** What a transition reads of the run that no transition changes (see Draft.fixed). */
export type FixedFields = Pick<
  Run,
  | 'id'
  | 'chain'
  | 'nonce'
  | 'projectId'
  | 'workerServiceAccount'
  | 'input'
  | 'startTime'
  | 'scheduledTime'
  | 'redriveCount'
>;

/** A log event before the run's id and chain are added. */
export type DraftEvent = Omit<RunEvent, 'runId' | 'chain'>;

/**
 * One transition being built: the engine's routines change the draft's copy of the run and
 * collect effects, events and ended steps, then `result()` freezes them into a Transition.
 * Nothing outside the draft is mutated, so the engine stays a pure function of its inputs.
 */
export class Draft {
  private base: Run;
  // Mutable copies, made once per transition: a Map of 10,000 items changes many frames in one
  // transition, and copying the whole map on each change would be quadratic.
  private readonly steps: Record<string, Step>;
  private readonly frames: Record<string, Frame>;
  private timers: Record<string, Timer>;
  private hasFrames: boolean;
  private kids: Map<string, Set<string>> | undefined;
  // The document's own scope frame as it was when dropped: an ended run keeps it to be redriven.
  private ownDropped: Frame | undefined;
  // Made once: the context object asks for it on every evaluation, and it never changes.
  private fixedFields: FixedFields | undefined;
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
    this.base = run;
    this.steps = { ...run.steps };
    this.frames = { ...framesOf(run) };
    this.timers = { ...(run.timers ?? {}) };
    this.hasFrames = run.frames !== undefined;
  }

  /** The run as the draft has it now (a snapshot: later changes do not reach it). */
  get run(): Run {
    // A part keeps its ended steps in its own document: no history document per step.
    const ended =
      this.base.part && this.archived.length > 0
        ? { ended: [...(this.base.ended ?? []), ...this.archived] }
        : {};
    return {
      ...this.base,
      ...ended,
      steps: { ...this.steps },
      ...(this.hasFrames ? { frames: { ...this.frames } } : {}),
      timers: { ...this.timers },
    };
  }

  /** Fields of the run other than its steps, frames and timers. */
  get status(): Run['status'] {
    return this.base.status;
  }

  /** The run's id (the run's, in a part too), chain, nonce and other fixed fields. */
  get fixed(): FixedFields {
    // A redriven document names its jobs and timers anew: the redrive count joins the nonce.
    const nonce =
      this.base.redriven === undefined
        ? {}
        : { nonce: `${this.base.nonce ?? ''}\nredrive ${this.base.redriven}` };
    this.fixedFields ??= {
      ...this.base,
      ...nonce,
      ...(this.base.part ? { id: this.base.part.root } : {}),
    };
    return this.fixedFields;
  }

  /** Id of the document being changed: the run's, or a Map item part's. */
  get docId(): string {
    return this.base.id;
  }

  /** Set when the document is a Map item's part. */
  get part(): Part | undefined {
    return this.base.part;
  }

  /** True for a run stored before scopes existed (no frames at all). */
  get legacy(): boolean {
    return !this.hasFrames;
  }

  /** The step in flight of that job name. */
  step(jobName: string): Step | undefined {
    return this.steps[jobName];
  }

  /** Every step in flight. */
  allSteps(): Step[] {
    return Object.values(this.steps);
  }

  /** Every running scope's frame, by scope path. */
  allFrames(): Readonly<Record<string, Frame>> {
    return this.frames;
  }

  /** Every pending timer, by name. */
  allTimers(): Readonly<Record<string, Timer>> {
    return this.timers;
  }

  /** The frame of `scope`, if it still runs. */
  frame(scope: string): Frame | undefined {
    return this.frames[scope];
  }

  /** Stores the frame of `scope`. */
  setFrame(scope: string, frame: Frame): void {
    this.frames[scope] = frame;
    this.hasFrames = true;
    if (frame.parent !== undefined) this.kids?.get(frame.parent)?.add(scope);
    if (frame.parent !== undefined && this.kids && !this.kids.has(frame.parent))
      this.kids.set(frame.parent, new Set([scope]));
  }

  /** Removes the frame of `scope`: the scope ended. */
  dropFrame(scope: string): void {
    if (scope === (this.base.part?.scope ?? '')) this.ownDropped = this.frames[scope];
    const parent = this.frames[scope]?.parent;
    if (parent !== undefined) this.kids?.get(parent)?.delete(scope);
    delete this.frames[scope];
  }

  /** The running scopes whose parent is `scope`. */
  childScopes(scope: string): readonly string[] {
    if (this.kids === undefined) {
      // Built on first use and kept up to date: ending 10,000 items in one transition must
      // not scan every frame each time.
      this.kids = new Map();
      for (const [path, frame] of Object.entries(this.frames)) {
        if (frame.parent === undefined) continue;
        const set = this.kids.get(frame.parent) ?? new Set<string>();
        set.add(path);
        this.kids.set(frame.parent, set);
      }
    }
    return [...(this.kids.get(scope) ?? [])];
  }

  /** Stores a step in flight. */
  setStep(step: Step): void {
    this.steps[step.jobName] = step;
  }

  /** Removes a step from flight without a history entry (an intent never sent). */
  forgetStep(jobName: string): void {
    delete this.steps[jobName];
  }

  /** Moves a step out of flight into the run's history as `ended`. */
  archiveStep(ended: Step): void {
    delete this.steps[ended.jobName];
    this.archived.push(ended);
  }

  /**
   * Keeps the output the state made of an ended step's result on its history record, for the
   * run console; an output over STEP_OUTPUT_KEPT characters of JSON is left out (its size is
   * kept): a part's document holds its ended steps, and must stay far below Firestore's 1 MiB.
   */
  keepOutput(jobName: string, output: Json): void {
    const i = this.archived.findIndex((step) => step.jobName === jobName);
    const step = this.archived[i];
    if (step === undefined) return;
    const size = JSON.stringify(output).length;
    this.archived[i] =
      size <= STEP_OUTPUT_KEPT ? { ...step, output } : { ...step, outputSize: size };
  }

  /** Stores a timer and asks for its delivery. */
  addTimer(name: string, timer: Timer): void {
    this.timers[name] = timer;
    this.effects.push({ kind: 'timer', name, dueAt: timer.dueAt });
  }

  /** Forgets a timer (fired, or no longer wanted). */
  dropTimer(name: string): void {
    delete this.timers[name];
  }

  /** Forgets every timer (the run ended). */
  dropAllTimers(): void {
    this.timers = {};
  }

  /** Records a log event of this run. */
  event(event: DraftEvent): void {
    this.events.push({
      ...event,
      runId: this.base.part?.root ?? this.base.id,
      chain: this.base.chain,
    });
  }

  /** Ends the run (in a part: the item; `fatal` when the whole run must fail with it). */
  end(
    status: Exclude<RunStatus, 'RUNNING'>,
    fields: Pick<Run, 'output' | 'error' | 'fatal' | 'fatalAt'>,
  ): void {
    const stopped = status === 'SUCCEEDED' ? undefined : (this.ownDropped ?? this.ownFrame());
    this.base = {
      ...this.base,
      ...fields,
      status,
      endTime: this.now,
      ...(stopped === undefined ? {} : { stopped }),
    };
  }

  private ownFrame(): Frame | undefined {
    return this.frames[this.base.part?.scope ?? ''];
  }

  /**
   * The transition built so far. A launch intended and then abandoned within this same
   * transition (a sibling branch failed at once) is never sent: its intent is dropped; so is
   * an item spawned under a Map that stopped waiting for it, and a repeated abort.
   */
  result(): Transition {
    const effects: Effect[] = [];
    const aborted = new Set<string>();
    for (const effect of this.effects) {
      if (effect.kind === 'spawn') {
        if (spawnStillWanted(this.frames[effect.part.parent], effect.part)) effects.push(effect);
        continue;
      }
      if (effect.kind === 'abortItems') {
        if (!aborted.has(effect.group)) effects.push(effect);
        aborted.add(effect.group);
        continue;
      }
      if (effect.kind !== 'launch') {
        effects.push(effect);
        continue;
      }
      const step = this.steps[effect.step.jobName];
      if (step !== undefined && step.abandoned !== true) effects.push({ kind: 'launch', step });
      else if (step !== undefined) this.forgetStep(step.jobName);
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
