import type { ChainDefinition } from '../chain/types.js';
import { Draft } from './draft.js';
import { drain, reenter, settle } from './interpreter.js';
import { timerName } from './names.js';
import { groupOf } from './part-names.js';
import { itemSpawns, onMapJoined } from './part.js';
import type { Children, Frame, Run, SlotRef } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { unchanged, type Transition } from './transition.js';

/** What one redrive gives every document it resumes. */
export interface RedriveMark {
  /** The run's redrive count after this redrive (`$$.Execution.RedriveCount`). */
  readonly count: number;
  /** The redrive command's message id, kept on the run so its redelivery is a no-op. */
  readonly by?: string;
  /** The run's slot of its chain's MaxConcurrentRuns, claimed anew (the old one was given back). */
  readonly slot?: SlotRef;
}

/** The scope a document runs: the run's top level, or its part's branch or item. */
function ownScope(doc: Run): string {
  return doc.part?.scope ?? ROOT_SCOPE;
}

/**
 * Why `doc` cannot be redriven, or undefined when it can: only a FAILED or CANCELLED document
 * that kept the frame it stopped in (runs that ended before redrive existed kept none).
 */
export function redriveProblem(doc: Run): string | undefined {
  const what = doc.part
    ? `branch or item ${doc.part.scope} of run ${doc.part.root}`
    : `run ${doc.id}`;
  if (doc.status !== 'FAILED' && doc.status !== 'CANCELLED') {
    return `${what} is ${doc.status}: only a FAILED or CANCELLED run can be redriven`;
  }
  if (doc.queued !== undefined) return undefined;
  const stopped = doc.stopped;
  if (stopped === undefined) {
    return `${what} kept no state to resume from (it ended before entering one, or was stored by a dfchain without redrive): start a new run instead`;
  }
  if (stopped.children !== undefined && stopped.children.parts !== true) {
    return `${what} ran its ${stopped.state} branches inside the run's document (stored by an older dfchain): start a new run instead`;
  }
  return undefined;
}

/**
 * A FAILED part about to be redriven, marked CANCELLED (its error kept for the record): its
 * Map counted that failure already. Once the Map waits again, a tick repairing it reports a
 * FAILED part's failure to it once more (failing it again), but resumes a CANCELLED one as a
 * redrive would. Unchanged for any other document.
 */
export function cancelledForRedrive(doc: Run): Transition {
  if (doc.part === undefined || doc.status !== 'FAILED') return unchanged(doc);
  return { ...unchanged(doc), run: { ...doc, status: 'CANCELLED' }, changed: true };
}

/** The group of the branches or items the document's stopped Parallel or Map waited for. */
export function stoppedGroup(doc: Run): string | undefined {
  const stopped = doc.stopped;
  if (stopped?.children?.parts !== true) return undefined;
  return groupOf(doc.id, ownScope(doc), stopped);
}

/** Where each lane of a Parallel or Map stands: what to redrive, what runs, what to start. */
export interface LaneWork {
  /** The first unsuccessful child of each lane that ended FAILED or CANCELLED. */
  readonly redrive: readonly Run[];
  /** Lanes whose first unsuccessful child still runs. */
  readonly running: number;
  /** Indices of children never created: each is the first unsuccessful one of its lane. */
  readonly spawn: readonly number[];
}

/**
 * Walks each lane of the children (a Map item k + MaxConcurrency starts when item k
 * succeeds; each Parallel branch is a lane of its own) to its first child that did not
 * succeed. Succeeded children are kept: only what failed, was stopped or never started runs.
 */
export function laneWork(children: Children, parts: readonly Run[]): LaneWork {
  const width = children.maxConcurrency || children.total;
  const byIndex = new Map<number, Run>();
  for (const part of parts) if (part.part) byIndex.set(part.part.index, part);
  const redrive: Run[] = [];
  const spawn: number[] = [];
  let running = 0;
  for (let lane = 0; lane < Math.min(width, children.total); lane++) {
    for (let k = lane; k < children.total; k += width) {
      const part = byIndex.get(k);
      if (part?.status === 'SUCCEEDED') continue;
      if (part === undefined) spawn.push(k);
      else if (part.status === 'RUNNING') running++;
      else redrive.push(part);
      break;
    }
  }
  return { redrive, running, spawn };
}

/** The document made RUNNING again, its end forgotten, the redrive counted. */
function resumed(doc: Run, mark: RedriveMark, now: string): Run {
  const {
    endTime: _endTime,
    error: _error,
    output: _output,
    fatal: _fatal,
    fatalAt: _fatalAt,
    stopped: _stopped,
    slot: _slot,
    ...rest
  } = doc;
  return {
    ...rest,
    status: 'RUNNING',
    redriveCount: mark.count,
    redriven: (doc.redriven ?? 0) + 1,
    ...(mark.by !== undefined ? { redrivenBy: mark.by } : {}),
    ...(mark.slot !== undefined && doc.queued === undefined ? { slot: mark.slot } : {}),
    // A run cancelled while in line for MaxConcurrentRuns joins the line again, at its end.
    ...(doc.queued !== undefined ? { queued: { ...doc.queued, at: now } } : {}),
  };
}

/** Arms the chain's TimeoutSeconds again, counted from the redrive, under the redrive's names. */
function armRunTimeout(d: Draft): void {
  const limit = d.definition.TimeoutSeconds;
  if (limit === undefined || d.part !== undefined) return;
  d.addTimer(timerName(d.fixed.nonce ?? d.fixed.id, 'run', ROOT_SCOPE, 0), {
    kind: 'run',
    scope: ROOT_SCOPE,
    state: d.definition.StartAt,
    attempt: 0,
    dueAt: new Date(Date.parse(d.now) + limit * 1000).toISOString(),
  });
}

/** A Parallel's or Map's children as they stand once redriven: no failure counted yet. */
function freshChildren(children: Children): Children {
  const { failedItems: _failed, ...rest } = children;
  return { ...rest, failed: 0 };
}

/**
 * Redrives one ended document (the run, or one of its parts, whose own unsuccessful parts the
 * caller redrove first): it runs again from the state it stopped in, with that state's input.
 * A Task, Wait or other state is entered afresh (attempt 0; its jobs and timers get new names).
 * A Parallel or Map waits again for its children: those that succeeded are kept, `parts` (the
 * children of its group, as stored now) that run are waited for, and each lane's children
 * never created start; when none is left to wait for, it joins at once. A run waiting in line
 * for MaxConcurrentRuns when it was cancelled goes back in line. Unchanged when the document
 * is not redrivable (a redelivered command finds it running again).
 */
export function redriveDoc(
  definition: ChainDefinition,
  doc: Run,
  parts: readonly Run[],
  now: string,
  mark: RedriveMark,
): Transition {
  if (redriveProblem(doc) !== undefined) return unchanged(doc);
  const d = new Draft(definition, resumed(doc, mark, now), now);
  const scope = ownScope(doc);
  if (d.part === undefined) d.event({ event: 'run.redriven', redriveCount: mark.count });
  if (doc.queued !== undefined) return settle(d);
  armRunTimeout(d);
  const stopped = doc.stopped as Frame;
  if (stopped.children === undefined) {
    const { jobName: _job, retries: _retries, ...rest } = stopped;
    d.setFrame(scope, { ...rest, wait: 'job' });
    reenter(d, scope);
    drain(d);
    return settle(d);
  }
  const frame: Frame = { ...stopped, wait: 'children', children: freshChildren(stopped.children) };
  d.setFrame(scope, frame);
  const work = laneWork(stopped.children, parts);
  const spawns = itemSpawns(definition, d.run, scope, work.spawn);
  d.effects.push(...spawns);
  const mine = settle(d);
  const any = parts.find((part) => part.part !== undefined)?.part;
  if (work.running > 0 || work.redrive.length > 0 || spawns.length > 0 || any === undefined) {
    return mine;
  }
  // Every child had succeeded (the state failed after its join): join again at once.
  const joined = onMapJoined(definition, mine.run, any, parts, now);
  return {
    ...joined,
    changed: true,
    effects: [...mine.effects, ...joined.effects],
    events: [...mine.events, ...joined.events],
    archived: [...mine.archived, ...joined.archived],
  };
}
