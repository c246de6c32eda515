import type { ChainDefinition } from '../../src/chain/types.js';
import type { EndedJob, TerminalJobState } from '../../src/dataflow/job.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import { onLaunched } from '../../src/engine/launched.js';
import { groupOf, partDocId } from '../../src/engine/part-names.js';
import {
  abortPart,
  endedOf,
  isOrphan,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
} from '../../src/engine/part.js';
import type { Part, Run, RunError, Step } from '../../src/engine/run.js';
import { startRun, type StartRequest } from '../../src/engine/start.js';
import { onTimer } from '../../src/engine/timer.js';
import type { RunEvent, SpawnEffect, Transition } from '../../src/engine/transition.js';
import type { Json, JsonObject } from '../../src/json.js';
import { T0, endedJob, finalOf, type Outcomes } from '../conformance/harness.js';
import { statesByName } from './arbitraries.js';

/**
 * A chaotic driver of the pure engine: the at-least-once world of ARCHITECTURE.md §3 in
 * miniature. A run is a forest of documents: the run's own (id = run id) and one part per Map
 * item or Parallel branch (id `{runId}.{key}`, src/engine/part.ts), a part's parent being the
 * document that holds the Map's or Parallel's frame (the run's, or another part's). Every
 * signal goes to the document that holds its step or timer. A Map runs its items in a fixed
 * window of lanes (MaxConcurrency, or every item when unbounded): item k + W starts when item k
 * ends; a Parallel starts every branch at once, each the last of its own lane (its width is its
 * branch count). The driver keeps what could be delivered next and lets `schedule` pick:
 *
 * - `launch`: an INTENDED step whose job does not exist yet gets its job created (the one
 *   launch call the world allows per job name; no engine call);
 * - `record`: a created job's launch is recorded (`onLaunched`), at any later moment: before
 *   it, the job may already have ended (a crash between launch and commit);
 * - `end`: a created job's end is delivered (`onJobEnded`), with the state its outcome says,
 *   or JOB_STATE_CANCELLED when the run abandoned the step before the job ended;
 * - `timer`: a pending timer is delivered once due (the clock jumps to its due time);
 * - `early`: a pending timer delivered before it is due (must change nothing);
 * - `spawn`: a `spawn` effect is carried out: the part is created (`startPart`) unless its
 *   document exists or its parent no longer waits for it (`isOrphan`);
 * - `report`: a part that ended FAILED reports to its parent's document (`onItemFailed`); a
 *   report is sent after every transition of a failed part, as the handler and the tick do,
 *   so reports repeat;
 * - `join`: a lane's last part (`part.last`: every Parallel branch) that ended asks its parent
 *   whether every item or branch has ended (`onMapJoined`, with every document of the part's
 *   group as it is at delivery); sent after every transition of such an ended part, so join
 *   checks repeat too;
 * - `abort`: an `abortItems` effect is carried out: every RUNNING document of the group gets
 *   `abortPart` (each a transition of its own);
 * - `again`: any signal delivered before is delivered again (up to `duplicates` times each;
 *   must change nothing, except a join check that came before its parent could join). Spawns,
 *   reports, join checks and aborts are carried out after the commit that asked for them, so
 *   they wait, race the other signals and repeat like them.
 *
 * A part that ends SUCCEEDED starts its lane's next item (`successorOf`) in the same delivery:
 * production creates it in the very write that ends the part, so it is never lost nor
 * duplicated and is no message of its own.
 *
 * After every transition it also checks that no job name is in flight again after its step
 * ended (a second launch), that no Map or Parallel entry (group) runs more parts at once than
 * its width (a Map's MaxConcurrency, else its item count; a Parallel's branch count), that no
 * part runs in an entry no frame ever waited on, and that no part is asked for by two
 * transitions that changed a document.
 *
 * Besides the clock jumps of timers, the clock moves 0–2 s at each delivery as the schedule
 * says. Job ids are `idOf(jobName)`, so runs of different drivers can be compared as data.
 */

/** The random choices of one chaotic run. */
export interface Schedule {
  /** Consumed one per delivery: which pending delivery, and how far the clock moves. */
  readonly choices: readonly number[];
  /** How many times each delivered signal may be delivered again. */
  readonly duplicates: number;
  /** Whether timers are also delivered before they are due. */
  readonly early: boolean;
}

export type DeliveryKind =
  | 'launch'
  | 'record'
  | 'end'
  | 'timer'
  | 'early'
  | 'spawn'
  | 'report'
  | 'join'
  | 'abort'
  | 'again';

/** How a part ended, as it reports to its parent (Map or Parallel). */
export type ItemEnd = NonNullable<ReturnType<typeof endedOf>>;
/** How a failed part ended. */
export type ItemFailure = Extract<ItemEnd, { readonly error: RunError }>;

/**
 * A delivery that changed a document while the run was RUNNING: what a clean replay must
 * follow. `doc` is the document it went to (for a spawn: the part it created; for a report or
 * a join check: the part that sent it; for an abort: the group whose parts it stopped).
 */
export type Effective =
  | { readonly kind: 'end'; readonly at: string; readonly doc: string; readonly job: EndedJob }
  | { readonly kind: 'timer'; readonly at: string; readonly doc: string; readonly name: string }
  | {
      readonly kind: 'spawn';
      readonly at: string;
      readonly doc: string;
      readonly effect: SpawnEffect;
    }
  | {
      readonly kind: 'report';
      readonly at: string;
      readonly doc: string;
      readonly ended: ItemFailure;
    }
  | { readonly kind: 'join'; readonly at: string; readonly doc: string }
  | { readonly kind: 'abort'; readonly at: string; readonly doc: string };

export interface ChaosResult {
  /** The run's own document: how the run came out. */
  readonly status: Run['status'];
  readonly output?: Json;
  readonly error?: RunError;
  /** Job names created (launch calls made) in any document, in order. */
  readonly launched: readonly string[];
  /** Every job name that was ever in flight (INTENDED or LAUNCHED) in a document while the run ran. */
  readonly intended: ReadonlySet<string>;
  /** The deliveries that changed a document, in order, until the run ended. */
  readonly trace: readonly Effective[];
  /** Broken promises: duplicate launches, redeliveries that changed the run, a stuck run. */
  readonly violations: readonly string[];
  /** Deliveries of each kind. */
  readonly counts: Readonly<Record<DeliveryKind, number>>;
  /** Lane successors started with their predecessor's end (no delivery of their own). */
  readonly successors: number;
  readonly events: readonly RunEvent[];
  /** The run's own document. */
  readonly run: Run;
  /** Every document of the run (its own and its parts), by id. */
  readonly docs: ReadonlyMap<string, Run>;
}

export interface ChaosOptions {
  /** The job id the world gives a job name (default `id-<name>`). */
  readonly idOf?: (jobName: string) => string;
  readonly runId?: string;
  readonly chain?: string;
  readonly maxDeliveries?: number;
}

/** What `startRun` gets in every driver here (the conformance harness uses the same). */
export function startRequest(
  definition: ChainDefinition,
  input: JsonObject,
  runId = 'r1',
  chain = 'conformance',
): StartRequest {
  return {
    runId,
    chain,
    definition,
    definitionHash: 'h',
    projectId: 'p',
    input,
    now: T0,
    nonce: 'n0nce',
  };
}

interface Job {
  readonly id: string;
  /** The document that holds its step. */
  readonly doc: string;
  /** The step as it was when its job was created. */
  readonly step: Step;
  /** Set by the first delivery of its end: later deliveries repeat it. */
  ended?: EndedJob;
  recorded: boolean;
}

/** What can be delivered (again and again). */
type Signal =
  | { readonly kind: 'record'; readonly doc: string; readonly name: string }
  | { readonly kind: 'end'; readonly doc: string; readonly job: EndedJob }
  | { readonly kind: 'timer'; readonly doc: string; readonly name: string }
  /** `from`: the document whose transition asked for the part, as it committed. */
  | { readonly kind: 'spawn'; readonly from: Run; readonly effect: SpawnEffect }
  /** `doc`: the failed part that reports. */
  | {
      readonly kind: 'report';
      readonly doc: string;
      readonly part: Part;
      readonly ended: ItemFailure;
    }
  /** `doc`: the ended lane's last part that asks. */
  | { readonly kind: 'join'; readonly doc: string; readonly part: Part }
  | { readonly kind: 'abort'; readonly group: string };

/** Spawns, reports, join checks and aborts waiting to be carried out. */
type Message = Extract<Signal, { kind: 'spawn' | 'report' | 'join' | 'abort' }>;

interface Pending {
  readonly kind: DeliveryKind;
  /** The document the delivery goes to (an abort: its group). */
  readonly doc: string;
  /** The job, timer or part it is about. */
  readonly name: string;
  /** `again`: the earlier signal; a message: the message. */
  readonly signal?: Signal;
  /** `again`: its slot in the redelivery list; a message: its slot in the outbox. */
  readonly slot?: number;
}

function sameOutcome(a: Run, b: Run): boolean {
  return (
    a.status === b.status &&
    JSON.stringify(a.output) === JSON.stringify(b.output) &&
    JSON.stringify(a.error) === JSON.stringify(b.error)
  );
}

/** The document a signal goes to (an abort: the group whose parts it stops). */
function targetOf(signal: Signal): string {
  if (signal.kind === 'spawn') return partDocId(signal.effect.part.root, signal.effect.part.key);
  if (signal.kind === 'report' || signal.kind === 'join') return signal.part.parentDoc;
  if (signal.kind === 'abort') return signal.group;
  return signal.doc;
}

/** What a signal is about: its job, timer, part or group. */
function nameOf(signal: Signal): string {
  if (signal.kind === 'end') return signal.job.name;
  if (signal.kind === 'record' || signal.kind === 'timer') return signal.name;
  if (signal.kind === 'report' || signal.kind === 'join') return signal.doc;
  return targetOf(signal);
}

/** The documents of a Map or Parallel entry's items or branches (its group), as they are now. */
function groupDocs(docs: ReadonlyMap<string, Run>, group: string): Run[] {
  return [...docs.values()].filter((doc) => doc.part?.group === group);
}

/**
 * True when `t` ended the part it is a transition of: the part was RUNNING (or did not exist:
 * it ended in its first transition) and has ended now with something to tell its parent.
 */
function endsPart(before: Run | undefined, t: Transition): boolean {
  return (
    t.run.part !== undefined &&
    (before === undefined || before.status === 'RUNNING') &&
    endedOf(t.run) !== undefined
  );
}

/** Runs `definition` on `input` with deliveries chosen, duplicated and reordered by `schedule`. */
export function runChaos(
  definition: ChainDefinition,
  input: JsonObject,
  outcomes: Outcomes,
  schedule: Schedule,
  options: ChaosOptions = {},
): ChaosResult {
  const idOf = options.idOf ?? ((name: string) => `id-${name}`);
  const maxDeliveries = options.maxDeliveries ?? 50_000;
  let now = Date.parse(T0);
  const iso = (): string => new Date(now).toISOString();
  let choice = 0;
  const nextChoice = (): number => schedule.choices[choice++] ?? 0;

  const request = startRequest(definition, input, options.runId, options.chain);
  const rootId = request.runId;
  const docs = new Map<string, Run>();
  const root = (): Run => docs.get(rootId)!;
  const jobs = new Map<string, Job>();
  const launched: string[] = [];
  const intended = new Set<string>();
  const archived = new Set<string>();
  const trace: Effective[] = [];
  const violations: string[] = [];
  const events: RunEvent[] = [];
  const counts: Record<DeliveryKind, number> = {
    launch: 0,
    record: 0,
    end: 0,
    timer: 0,
    early: 0,
    spawn: 0,
    report: 0,
    join: 0,
    abort: 0,
    again: 0,
  };
  let successors = 0;
  /** Spawns, reports, join checks and aborts asked for and not yet carried out. */
  const outbox: Message[] = [];
  /**
   * Signals delivered before, each with the redeliveries it has left. `late`: a join check
   * whose first delivery changed nothing (some item or branch had not ended), so a redelivery
   * may still join the Map or Parallel: that is not a repeated effect.
   */
  const redeliveries: { signal: Signal; left: number; late: boolean }[] = [];
  /** Early deliveries left, by document and timer name. */
  const earlyLeft = new Map<string, number>();
  /** Every part asked for by a transition that changed a document (spawn or lane successor). */
  const asked = new Set<string>();
  /**
   * The width of each Map or Parallel entry (group) seen, kept after its frame is gone: a Map's
   * MaxConcurrency, or its item count when unbounded; a Parallel's branch count.
   */
  const limits = new Map<string, number>();

  const violation = (text: string): void => {
    if (!violations.includes(text)) violations.push(text);
  };

  /**
   * A Map or Parallel entry never runs more parts at once than its width, however signals
   * arrive: counted by group over every document, so parts of an entry its Map or Parallel
   * left (waiting for their abort) count against that entry, not the next. Every running
   * part belongs to an entry some frame waited on.
   */
  const checkConcurrency = (): void => {
    for (const doc of docs.values()) {
      for (const [scope, frame] of Object.entries(doc.frames ?? {})) {
        const children = frame.children;
        if (children?.parts !== true || frame.wait !== 'children') continue;
        limits.set(groupOf(doc.id, scope, frame), children.maxConcurrency || children.total);
      }
    }
    const running = new Map<string, number>();
    for (const doc of docs.values()) {
      if (doc.part === undefined || doc.status !== 'RUNNING') continue;
      running.set(doc.part.group, (running.get(doc.part.group) ?? 0) + 1);
    }
    for (const [group, count] of running) {
      const width = limits.get(group);
      if (width === undefined)
        violation(`entry ${group} runs ${count} parts, but no Map or Parallel frame waited on it`);
      else if (count > width)
        violation(`entry ${group} runs ${count} parts at once, more than its width ${width}`);
    }
  };

  /** A part asked for by a transition that changed a document: once per part. */
  const ask = (doc: string): void => {
    if (asked.has(doc)) violation(`part ${doc} asked for by two transitions`);
    asked.add(doc);
  };

  /**
   * Stores a transition of a document, checks it, and queues what it asks for: its spawns and
   * aborts, and what a part that has ended asks of its parent (a failure report, a join check).
   * A part it ends SUCCEEDED starts its lane's next item at once, as part of the same write.
   * `running`: the run was RUNNING before.
   */
  const apply = (t: Transition, running: boolean): Run => {
    const previous = docs.get(t.run.id);
    const before: Pick<Run, 'steps'> = previous ?? { steps: {} };
    events.push(...t.events);
    for (const step of t.archived) archived.add(step.jobName);
    for (const step of Object.values(t.run.steps)) {
      if (archived.has(step.jobName) && before.steps[step.jobName] === undefined) {
        violation(
          `duplicate launch: job name ${step.jobName} is in flight again after its step ended`,
        );
      }
      const was = before.steps[step.jobName]?.status;
      if (was === 'LAUNCHED' && step.status === 'INTENDED') {
        violation(`duplicate launch: step ${step.jobName} went back from LAUNCHED to INTENDED`);
      }
      if (running) intended.add(step.jobName);
    }
    docs.set(t.run.id, t.run);
    for (const effect of t.effects) {
      if (effect.kind === 'spawn') {
        outbox.push({ kind: 'spawn', from: t.run, effect });
        if (t.changed) ask(partDocId(effect.part.root, effect.part.key));
      } else if (effect.kind === 'abortItems') outbox.push({ kind: 'abort', group: effect.group });
    }
    checkConcurrency();
    const part = t.run.part;
    const ended = endedOf(t.run);
    if (part === undefined || ended === undefined) return t.run;
    if ('error' in ended) outbox.push({ kind: 'report', doc: t.run.id, part, ended });
    else if (t.changed && endsPart(previous, t)) {
      const mapDoc = docs.get(part.parentDoc);
      const next = successorOf(definition, mapDoc, part);
      if (next !== undefined && mapDoc !== undefined) {
        const doc = partDocId(next.part.root, next.part.key);
        ask(doc);
        if (docs.has(doc)) violation(`the successor ${doc} of ${t.run.id} exists already`);
        else {
          successors++;
          apply(startPart(definition, mapDoc, next, iso()), running);
        }
      }
    }
    if (part.last) outbox.push({ kind: 'join', doc: t.run.id, part });
    return t.run;
  };

  apply(startRun(request), true);

  const pending = (ended: boolean): Pending[] => {
    const list: Pending[] = [];
    if (!ended) {
      const intents = [...docs.values()]
        .flatMap((doc) => Object.values(doc.steps).map((step) => ({ doc: doc.id, step })))
        .filter(({ step }) => step.status === 'INTENDED' && !jobs.has(step.jobName))
        .sort((a, b) => a.step.jobName.localeCompare(b.step.jobName));
      for (const { doc, step } of intents) list.push({ kind: 'launch', doc, name: step.jobName });
    }
    for (const [name, job] of jobs)
      if (!job.recorded) list.push({ kind: 'record', doc: job.doc, name });
    for (const [name, job] of jobs)
      if (job.ended === undefined) list.push({ kind: 'end', doc: job.doc, name });
    if (!ended) {
      const timers = [...docs.values()]
        .filter((doc) => doc.status === 'RUNNING')
        .flatMap((doc) =>
          Object.entries(doc.timers ?? {}).map(([name, timer]) => ({ doc: doc.id, name, timer })),
        )
        .sort(
          (a, b) =>
            a.timer.dueAt.localeCompare(b.timer.dueAt) ||
            a.doc.localeCompare(b.doc) ||
            a.name.localeCompare(b.name),
        );
      for (const { doc, name } of timers) list.push({ kind: 'timer', doc, name });
      if (schedule.early) {
        for (const { doc, name, timer } of timers) {
          const left = earlyLeft.get(`${doc}\n${name}`) ?? schedule.duplicates;
          if (Date.parse(timer.dueAt) > now && left > 0) list.push({ kind: 'early', doc, name });
        }
      }
    }
    // Once the run has ended, spawns, reports and join checks have nothing left to do; aborts
    // still stop the parts the run left behind.
    outbox.forEach((message, slot) => {
      if (ended && message.kind !== 'abort') return;
      list.push({
        kind: message.kind,
        doc: targetOf(message),
        name: nameOf(message),
        signal: message,
        slot,
      });
    });
    redeliveries.forEach((r, slot) => {
      if (r.left > 0)
        list.push({
          kind: 'again',
          doc: targetOf(r.signal),
          name: nameOf(r.signal),
          signal: r.signal,
          slot,
        });
    });
    return list;
  };

  const remember = (signal: Signal, late = false): void => {
    if (schedule.duplicates > 0) redeliveries.push({ signal, left: schedule.duplicates, late });
  };

  /**
   * A message's transitions, applied one by one as it is carried out (an abort stops each
   * running part of its group), with the documents as they were before each.
   */
  const carry = (
    message: Message,
    running: boolean,
  ): { before: Run | undefined; t: Transition }[] => {
    const done: { before: Run | undefined; t: Transition }[] = [];
    const step = (before: Run | undefined, t: Transition): void => {
      done.push({ before, t });
      apply(t, running);
    };
    switch (message.kind) {
      case 'spawn': {
        // The part's document exists already: a repeated spawn does nothing. A Map or Parallel
        // that no longer waits for the item or branch gets no part (the handler stops it before
        // it launches).
        const doc = docs.get(targetOf(message));
        const { part } = message.effect;
        if (doc === undefined && !isOrphan(docs.get(part.parentDoc), part))
          step(undefined, startPart(definition, message.from, message.effect, iso()));
        break;
      }
      case 'report': {
        const map = docs.get(message.part.parentDoc);
        if (map !== undefined)
          step(map, onItemFailed(definition, map, message.part, message.ended, iso()));
        break;
      }
      case 'join': {
        const map = docs.get(message.part.parentDoc);
        const parts = groupDocs(docs, message.part.group);
        if (map !== undefined) step(map, onMapJoined(definition, map, message.part, parts, iso()));
        break;
      }
      case 'abort':
        for (const doc of groupDocs(docs, message.group)) {
          const current = docs.get(doc.id)!;
          if (current.status === 'RUNNING') step(current, abortPart(definition, current, iso()));
        }
        break;
    }
    return done;
  };

  /** The effective delivery a changing message was, for the trace. */
  const effective = (message: Message): Effective => {
    const at = iso();
    switch (message.kind) {
      case 'spawn':
        return { kind: 'spawn', at, doc: targetOf(message), effect: message.effect };
      case 'report':
        return { kind: 'report', at, doc: message.doc, ended: message.ended };
      case 'join':
        return { kind: 'join', at, doc: message.doc };
      case 'abort':
        return { kind: 'abort', at, doc: message.group };
    }
  };

  /** A signal delivered again: its transitions (undefined: none), and whether any changed. */
  const redeliver = (
    signal: Signal,
    running: boolean,
  ): { before: Run | undefined; t: Transition }[] => {
    const doc = docs.get(targetOf(signal));
    switch (signal.kind) {
      case 'record': {
        const t = onLaunched(doc!, signal.name, jobs.get(signal.name)!.id, iso(), true);
        apply(t, running);
        return [{ before: doc, t }];
      }
      case 'end': {
        const t = onJobEnded(definition, doc!, signal.job, iso());
        apply(t, running);
        return [{ before: doc, t }];
      }
      case 'timer': {
        const t = onTimer(definition, doc!, signal.name, iso());
        apply(t, running);
        return [{ before: doc, t }];
      }
      default:
        return carry(signal, running);
    }
  };

  let deliveries = 0;
  for (;;) {
    const ended = root().status !== 'RUNNING';
    const list = pending(ended);
    const fresh = list.filter((p) => p.kind !== 'again' && p.kind !== 'early');
    if (!ended && fresh.length === 0) {
      const open = [...docs.values()]
        .filter((doc) => doc.status === 'RUNNING')
        .map((doc) => ({
          doc: doc.id,
          steps: Object.keys(doc.steps),
          frames: Object.keys(doc.frames ?? {}),
        }));
      violation(
        `stuck: run RUNNING with no intent, job, timer, spawn, report, join check or abort left (running documents: ${JSON.stringify(open)})`,
      );
      break;
    }
    if (list.length === 0) break;
    if (++deliveries > maxDeliveries) {
      violation(`did not end within ${maxDeliveries} deliveries`);
      break;
    }
    const c = nextChoice();
    const picked = list[c % list.length]!;
    // The clock drifts, except on an early timer delivery, which must stay early.
    if (picked.kind !== 'early') now += ((c >>> 16) % 3) * 1000;
    counts[picked.kind]++;
    const rootBefore = root();
    const running = rootBefore.status === 'RUNNING';
    const target = docs.get(picked.doc);
    switch (picked.kind) {
      case 'launch': {
        const step = target!.steps[picked.name]!;
        if (launched.includes(picked.name))
          violation(`duplicate launch: ${picked.name} launched twice`);
        launched.push(picked.name);
        jobs.set(picked.name, { id: idOf(picked.name), doc: picked.doc, step, recorded: false });
        break;
      }
      case 'record': {
        const job = jobs.get(picked.name)!;
        job.recorded = true;
        apply(onLaunched(target!, picked.name, job.id, iso(), false), running);
        remember({ kind: 'record', doc: picked.doc, name: picked.name });
        break;
      }
      case 'end': {
        const job = jobs.get(picked.name)!;
        const live = target!.steps[picked.name];
        const outcome = outcomes(job.step);
        const state: TerminalJobState =
          live?.abandoned === true || outcome === 'HANG'
            ? 'JOB_STATE_CANCELLED'
            : `JOB_STATE_${outcome}`;
        job.ended = endedJob(target!, job.step, job.id, state);
        const t = onJobEnded(definition, target!, job.ended, iso());
        if (t.changed && running)
          trace.push({ kind: 'end', at: iso(), doc: picked.doc, job: job.ended });
        apply(t, running);
        if (!t.changed && target!.status === 'RUNNING')
          violation(`the first delivery of the end of ${picked.name} changed nothing`);
        remember({ kind: 'end', doc: picked.doc, job: job.ended });
        break;
      }
      case 'timer': {
        const due = Date.parse(target!.timers![picked.name]!.dueAt);
        now = Math.max(now, due);
        const t = onTimer(definition, target!, picked.name, iso());
        if (!t.changed)
          violation(`timer ${picked.name} of ${picked.doc} delivered when due changed nothing`);
        else trace.push({ kind: 'timer', at: iso(), doc: picked.doc, name: picked.name });
        apply(t, running);
        remember({ kind: 'timer', doc: picked.doc, name: picked.name });
        break;
      }
      case 'early': {
        const key = `${picked.doc}\n${picked.name}`;
        earlyLeft.set(key, (earlyLeft.get(key) ?? schedule.duplicates) - 1);
        const t = onTimer(definition, target!, picked.name, iso());
        apply(t, running);
        if (t.changed)
          violation(
            `timer ${picked.name} of ${picked.doc} delivered before it was due changed the run`,
          );
        break;
      }
      case 'spawn':
      case 'report':
      case 'join':
      case 'abort': {
        const message = outbox.splice(picked.slot!, 1)[0]!;
        // The trace entry goes first: the transitions of this delivery (and the successors
        // they start) are what it did.
        const at = trace.length;
        const done = carry(message, running);
        const changed = done.some(({ t }) => t.changed);
        if (changed && running) trace.splice(at, 0, effective(message));
        remember(message, message.kind === 'join' && !changed);
        break;
      }
      case 'again': {
        const redelivery = redeliveries[picked.slot!]!;
        redelivery.left--;
        const signal = picked.signal!;
        const at = trace.length;
        const done = redeliver(signal, running);
        const changed = done.filter(({ t }) => t.changed);
        if (changed.length > 0 && redelivery.late) {
          // A join check that came too early joins now: its first effective delivery.
          redelivery.late = false;
          if (running && signal.kind === 'join') trace.splice(at, 0, effective(signal));
        } else {
          for (const { before, t } of changed) {
            if (before === undefined || before.status === 'RUNNING')
              violation(`redelivered ${signal.kind} of ${picked.name} changed ${t.run.id}`);
          }
        }
        break;
      }
    }
    if (!running && !sameOutcome(rootBefore, root())) {
      violation(
        `a ${picked.kind} delivery of ${picked.name} after the run ended changed its outcome`,
      );
    }
  }

  const run = root();
  if (run.status !== 'RUNNING') {
    // Every part has ended or was stopped (the abort of its group carried out).
    for (const doc of docs.values()) {
      if (doc.part !== undefined && doc.status === 'RUNNING')
        violation(`part ${doc.id} is still RUNNING after the run ended ${run.status}`);
    }
  }
  return {
    ...finalOf(run),
    launched,
    intended,
    trace,
    violations,
    counts,
    successors,
    events,
    run,
    docs,
  };
}

/** A clean run that follows a chaotic run's effective deliveries: its reference. */
export interface ReplayResult {
  readonly status: Run['status'];
  readonly output?: Json;
  readonly error?: RunError;
  readonly intended: ReadonlySet<string>;
  /** Where the replay could not follow the trace, if it could not. */
  readonly divergence?: string;
}

/**
 * Replays `trace` cleanly: every intent in every document is recorded as launched at once,
 * each job end, timer, spawn, report, join check and abort of the trace is delivered once, to
 * the same document, at the time it was in the chaotic run, and nothing else; a part that ends
 * SUCCEEDED starts its lane's successor in the same step, as in the chaotic run. A spawn or
 * abort is followed only if the replay asked for it too, a report or join check only from a
 * part that ended the same way. A correct engine ends it exactly as the chaotic run ended:
 * duplicates, stale and early deliveries, late launch records, late spawns, reports and join
 * checks, and clock drift make no difference.
 */
export function replayClean(
  definition: ChainDefinition,
  input: JsonObject,
  trace: readonly Effective[],
  idOf: (jobName: string) => string = (name) => `id-${name}`,
): ReplayResult {
  const request = startRequest(definition, input);
  const docs = new Map<string, Run>();
  /** Spawns and aborts the replay's own transitions asked for, by part document or group. */
  const asked = new Set<string>();
  const apply = (t: Transition, at: string): void => {
    const before = docs.get(t.run.id);
    docs.set(t.run.id, t.run);
    for (const effect of t.effects) {
      if (effect.kind === 'spawn')
        asked.add(`spawn ${partDocId(effect.part.root, effect.part.key)}`);
      else if (effect.kind === 'abortItems') asked.add(`abort ${effect.group}`);
    }
    const part = t.run.part;
    if (part === undefined || !t.changed || !endsPart(before, t)) return;
    const ended = endedOf(t.run);
    if (ended === undefined || 'error' in ended) return;
    const mapDoc = docs.get(part.parentDoc);
    const next = successorOf(definition, mapDoc, part);
    if (next !== undefined && mapDoc !== undefined)
      apply(startPart(definition, mapDoc, next, at), at);
  };
  apply(startRun(request), T0);
  const root = (): Run => docs.get(request.runId)!;
  const intended = new Set<string>();
  let divergence: string | undefined;
  const launchAll = (at: string): void => {
    for (const doc of [...docs.values()]) {
      for (const step of Object.values(doc.steps)) intended.add(step.jobName);
      const intents = Object.values(doc.steps)
        .filter((s) => s.status === 'INTENDED')
        .map((s) => s.jobName)
        .sort();
      let next = doc;
      for (const name of intents) next = onLaunched(next, name, idOf(name), at, false).run;
      docs.set(doc.id, next);
    }
  };
  launchAll(T0);
  /** The transitions of one delivery, or why the replay cannot follow it. */
  const follow = (next: Effective): Transition[] | string => {
    const doc = docs.get(next.doc);
    switch (next.kind) {
      case 'end':
        if (doc?.steps[next.job.name] === undefined)
          return `job ${next.job.name} is not in flight in ${next.doc} in the replay`;
        return [onJobEnded(definition, doc, next.job, next.at)];
      case 'timer':
        if (doc?.timers?.[next.name] === undefined)
          return `timer ${next.name} is not pending in ${next.doc} in the replay`;
        return [onTimer(definition, doc, next.name, next.at)];
      case 'spawn': {
        const from = docs.get(next.effect.part.parentDoc);
        if (!asked.has(`spawn ${next.doc}`) || from === undefined)
          return `the replay never asked for part ${next.doc}`;
        if (doc !== undefined) return `part ${next.doc} already exists in the replay`;
        return [startPart(definition, from, next.effect, next.at)];
      }
      case 'report':
      case 'join': {
        const ended = doc && endedOf(doc);
        if (doc?.part === undefined || ended === undefined)
          return `part ${next.doc} has not ended in the replay`;
        if (next.kind === 'report' && JSON.stringify(ended) !== JSON.stringify(next.ended))
          return `part ${next.doc} did not end so in the replay (${JSON.stringify(ended)})`;
        const map = docs.get(doc.part.parentDoc);
        if (map === undefined) return `the parent document of ${next.doc} is missing in the replay`;
        if (next.kind === 'join') {
          const parts = [...docs.values()].filter((d) => d.part?.group === doc.part!.group);
          return [onMapJoined(definition, map, doc.part, parts, next.at)];
        }
        return [onItemFailed(definition, map, doc.part, next.ended, next.at)];
      }
      case 'abort': {
        if (!asked.has(`abort ${next.doc}`))
          return `the replay never asked to stop the parts of ${next.doc}`;
        return [...docs.values()]
          .filter((d) => d.part?.group === next.doc && d.status === 'RUNNING')
          .map((d) => abortPart(definition, d, next.at));
      }
    }
  };
  for (const [i, next] of trace.entries()) {
    if (root().status !== 'RUNNING') {
      divergence = `the replay ended before delivery ${i} of ${trace.length}`;
      break;
    }
    const ts = follow(next);
    if (typeof ts === 'string') {
      divergence = `delivery ${i} (${next.kind}): ${ts}`;
      break;
    }
    if (!ts.some((t) => t.changed)) {
      divergence = `delivery ${i} (${next.kind} to ${next.doc}) changed nothing in the replay`;
      break;
    }
    for (const t of ts) apply(t, next.at);
    launchAll(next.at);
  }
  const run = root();
  if (divergence === undefined && run.status === 'RUNNING')
    divergence = 'the replay is still RUNNING after the whole trace';
  return {
    status: run.status,
    ...(run.output !== undefined ? { output: run.output } : {}),
    ...(run.error !== undefined ? { error: run.error } : {}),
    intended,
    ...(divergence !== undefined ? { divergence } : {}),
  };
}

/**
 * True when some branch or item scope ended in failure during the run (its error reached a
 * Parallel or Map, or failed the run from inside a scope). Then the run's course depends on
 * which of the racing scopes the engine heard from first, so runs that hear of job ends in
 * different orders may rightly end differently; without it, every scope runs the same course
 * whatever the order, and so does the run.
 */
export function childScopeFailed(
  definition: ChainDefinition,
  events: readonly RunEvent[],
): boolean {
  const states = statesByName(definition);
  return events.some((event) => {
    if (event.event === 'run.failed' && event.scope !== undefined) return true;
    if (
      event.event !== 'state.retrying' &&
      event.event !== 'state.caught' &&
      event.event !== 'run.failed'
    )
      return false;
    const type = event.state === undefined ? undefined : states.get(event.state)?.Type;
    return type === 'Parallel' || type === 'Map';
  });
}

/**
 * True when a Map item failed in `docs` (a run's documents) and its Map tolerated the failure
 * while the item ran states at once (a Parallel or Map in its processor): then the failure
 * raced the item's other states, which no event shows (a tolerated item failure is logged by
 * nobody), so the run's jobs depend on the order of job ends as in childScopeFailed. Any such
 * race also happens in every other course of the run up to the point where they part, so the
 * documents of one course tell.
 */
export function toleratedRace(
  definition: ChainDefinition,
  docs: ReadonlyMap<string, Run>,
): boolean {
  const states = statesByName(definition);
  return [...docs.values()].some((doc) => {
    const map = doc.part && states.get(doc.part.route.at(-1)!.state);
    if (doc.status !== 'FAILED' || map?.Type !== 'Map') return false;
    if (map.ToleratedFailureCount === undefined && map.ToleratedFailurePercentage === undefined)
      return false;
    const processor = (map.ItemProcessor ?? map.Iterator)!;
    const inner = statesByName({ StartAt: processor.StartAt, States: processor.States });
    return [...inner.values()].some((state) => state.Type === 'Parallel' || state.Type === 'Map');
  });
}
