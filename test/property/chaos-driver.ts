import type { ChainDefinition } from '../../src/chain/types.js';
import type { EndedJob, TerminalJobState } from '../../src/dataflow/job.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import { onLaunched } from '../../src/engine/launched.js';
import { partDocId, spawnStillWanted } from '../../src/engine/part-names.js';
import { abortPart, endedOf, isOrphan, onItemEnded, startPart } from '../../src/engine/part.js';
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
 * item (id `{runId}.{key}`, src/engine/part.ts). Every signal goes to the document that holds
 * its step or timer. The driver keeps what could be delivered next and lets `schedule` pick:
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
 *   document exists;
 * - `report`: a part that ended reports to its Map's document (`onItemEnded`); a report is
 *   sent after every transition of an ended part, as the handler does, so reports repeat;
 * - `abort`: an `abortPart` effect is carried out (`abortPart`) if the part's document exists;
 * - `again`: any signal delivered before is delivered again (up to `duplicates` times each;
 *   must change nothing). Spawns, reports and aborts are carried out after the commit that
 *   asked for them, so they wait, race the other signals and repeat like them.
 *
 * After every transition it also checks that no job name is in flight again after its step
 * ended (a second launch) and that no Map runs more items at once than its MaxConcurrency.
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
  | 'abort'
  | 'again';

/** How a part ended, as it reports to its Map. */
export type ItemEnd = NonNullable<ReturnType<typeof endedOf>>;

/**
 * A delivery that changed a document while the run was RUNNING: what a clean replay must
 * follow. `doc` is the document it went to (for a spawn: the part it created; for a report:
 * the part that reported).
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
  | { readonly kind: 'report'; readonly at: string; readonly doc: string; readonly ended: ItemEnd }
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
  readonly events: readonly RunEvent[];
  /** The run's own document. */
  readonly run: Run;
  /** Every document of the run (its own and its parts), by id. */
  readonly docs: ReadonlyMap<string, Run>;
  /**
   * Parts started after their Map had stopped waiting for them (a spawn carried out after the
   * abort for the same item, which found no document), and the parts those started. The
   * protocol lets them run: they launch their jobs, and their reports change nothing.
   */
  readonly orphans: ReadonlySet<string>;
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

/** What can be delivered to a document (again and again). */
type Signal =
  | { readonly kind: 'record'; readonly doc: string; readonly name: string }
  | { readonly kind: 'end'; readonly doc: string; readonly job: EndedJob }
  | { readonly kind: 'timer'; readonly doc: string; readonly name: string }
  /** `from`: the document whose transition asked for the part, as it committed. */
  | { readonly kind: 'spawn'; readonly from: Run; readonly effect: SpawnEffect }
  | {
      readonly kind: 'report';
      readonly doc: string;
      readonly part: Part;
      readonly ended: ItemEnd;
    }
  | { readonly kind: 'abort'; readonly doc: string };

/** Spawns, reports and aborts waiting to be carried out. */
type Message = Extract<Signal, { kind: 'spawn' | 'report' | 'abort' }>;

interface Pending {
  readonly kind: DeliveryKind;
  /** The document the delivery goes to. */
  readonly doc: string;
  /** The job, timer or part it is about. */
  readonly name: string;
  /** `again`: the earlier signal; `spawn`, `report`, `abort`: the message. */
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

/** The document a signal goes to. */
function targetOf(signal: Signal): string {
  if (signal.kind === 'spawn') return partDocId(signal.effect.part.root, signal.effect.part.key);
  if (signal.kind === 'report') return signal.part.parentDoc;
  return signal.doc;
}

/** What a signal is about: its job, timer or part. */
function nameOf(signal: Signal): string {
  if (signal.kind === 'end') return signal.job.name;
  if (signal.kind === 'record' || signal.kind === 'timer') return signal.name;
  if (signal.kind === 'report') return signal.doc;
  return targetOf(signal);
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
    abort: 0,
    again: 0,
  };
  /** Spawns, reports and aborts asked for and not yet carried out. */
  const outbox: Message[] = [];
  /**
   * Signals delivered before, each with the redeliveries it has left. `late`: its first delivery
   * found no document (an abort that ran ahead of its part's spawn), so a redelivery may still
   * find the part and stop it: that is not a repeated effect.
   */
  const redeliveries: { signal: Signal; left: number; late: boolean }[] = [];
  /**
   * Parts started after their Map had stopped waiting for them (their spawn was carried out
   * after the abort that found no document), and the parts those started: nothing stops them.
   */
  const orphans = new Set<string>();
  /** Early deliveries left, by document and timer name. */
  const earlyLeft = new Map<string, number>();

  const violation = (text: string): void => {
    if (!violations.includes(text)) violations.push(text);
  };

  /** A Map never runs more items at once than its MaxConcurrency, however signals arrive. */
  const checkConcurrency = (): void => {
    for (const doc of docs.values()) {
      for (const [scope, frame] of Object.entries(doc.frames ?? {})) {
        const max = frame.children?.maxConcurrency;
        if (max === undefined || frame.children === undefined) continue;
        const parts = [...docs.values()].filter(
          (other) =>
            other.status === 'RUNNING' &&
            other.part?.parentDoc === doc.id &&
            other.part.parent === scope &&
            spawnStillWanted(frame, other.part),
        ).length;
        const running = Math.max(frame.children.running, parts);
        if (running > max)
          violation(
            `Map ${scope === '' ? '' : `${scope}/`}${frame.state} of ${doc.id} runs ${running} items at once, MaxConcurrency ${max}`,
          );
      }
    }
  };

  /**
   * Stores a transition of a document, checks it, and queues what it asks for: its spawns and
   * aborts, and the report of a part that has ended. `running`: the run was RUNNING before.
   */
  const apply = (t: Transition, running: boolean): Run => {
    const before: Pick<Run, 'steps'> = docs.get(t.run.id) ?? { steps: {} };
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
      if (effect.kind === 'spawn') outbox.push({ kind: 'spawn', from: t.run, effect });
      else if (effect.kind === 'abortPart') outbox.push({ kind: 'abort', doc: effect.doc });
    }
    const ended = endedOf(t.run);
    if (t.run.part !== undefined && ended !== undefined)
      outbox.push({ kind: 'report', doc: t.run.id, part: t.run.part, ended });
    checkConcurrency();
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
    // Once the run has ended, spawns and reports have nothing left to do; aborts still stop
    // the parts the run left behind.
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

  /** A signal's transition at its document, or undefined when there is nothing to do. */
  const transitionOf = (signal: Signal, again: boolean): Transition | undefined => {
    const doc = docs.get(targetOf(signal));
    switch (signal.kind) {
      case 'record':
        return onLaunched(doc!, signal.name, jobs.get(signal.name)!.id, iso(), again);
      case 'end':
        return onJobEnded(definition, doc!, signal.job, iso());
      case 'timer':
        return onTimer(definition, doc!, signal.name, iso());
      case 'spawn':
        // The part's document exists already: a repeated spawn does nothing. A Map that no
        // longer waits for the item gets no part (the handler stops it before it launches).
        return doc === undefined &&
          !isOrphan(docs.get(signal.effect.part.parentDoc), signal.effect.part)
          ? startPart(definition, signal.from, signal.effect, iso())
          : undefined;
      case 'report':
        return onItemEnded(definition, doc!, signal.part, signal.ended, iso());
      case 'abort':
        return doc === undefined ? undefined : abortPart(definition, doc, iso());
    }
  };

  /** The effective delivery a changing transition of `signal` was, for the trace. */
  const effective = (signal: Signal): Effective => {
    const at = iso();
    switch (signal.kind) {
      case 'end':
        return { kind: 'end', at, doc: signal.doc, job: signal.job };
      case 'timer':
        return { kind: 'timer', at, doc: signal.doc, name: signal.name };
      case 'spawn':
        return { kind: 'spawn', at, doc: targetOf(signal), effect: signal.effect };
      case 'report':
        return { kind: 'report', at, doc: signal.doc, ended: signal.ended };
      case 'abort':
        return { kind: 'abort', at, doc: signal.doc };
      case 'record':
        throw new Error('chaos driver: a launch record is not a traced delivery');
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
        `stuck: run RUNNING with no intent, job, timer, spawn or report left (running documents: ${JSON.stringify(open)})`,
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
        const signal: Signal = { kind: 'end', doc: picked.doc, job: job.ended };
        const t = onJobEnded(definition, target!, job.ended, iso());
        apply(t, running);
        if (t.changed && running) trace.push(effective(signal));
        if (!t.changed && target!.status === 'RUNNING')
          violation(`the first delivery of the end of ${picked.name} changed nothing`);
        remember(signal);
        break;
      }
      case 'timer': {
        const due = Date.parse(target!.timers![picked.name]!.dueAt);
        now = Math.max(now, due);
        const signal: Signal = { kind: 'timer', doc: picked.doc, name: picked.name };
        const t = onTimer(definition, target!, picked.name, iso());
        apply(t, running);
        if (!t.changed)
          violation(`timer ${picked.name} of ${picked.doc} delivered when due changed nothing`);
        else trace.push(effective(signal));
        remember(signal);
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
      case 'abort': {
        const message = outbox.splice(picked.slot!, 1)[0]!;
        if (message.kind === 'spawn' && target !== undefined)
          violation(`part ${picked.doc} spawned by two transitions`);
        if (message.kind === 'spawn' && target === undefined) {
          const { part } = message.effect;
          if (isOrphan(docs.get(part.parentDoc), part) || orphans.has(part.parentDoc))
            orphans.add(picked.doc);
        }
        const t = transitionOf(message, false);
        if (t !== undefined) {
          apply(t, running);
          if (t.changed && running) trace.push(effective(message));
        }
        remember(message, t === undefined && message.kind === 'abort');
        break;
      }
      case 'again': {
        const redelivery = redeliveries[picked.slot!]!;
        redelivery.left--;
        const signal = picked.signal!;
        const t = transitionOf(signal, true);
        if (t !== undefined) {
          apply(t, running);
          if (t.changed && redelivery.late) {
            if (running) trace.push(effective(signal));
          } else if (t.changed && target?.status === 'RUNNING')
            violation(`redelivered ${signal.kind} of ${picked.name} changed ${picked.doc}`);
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
    // Every part the run waited for has ended or was stopped (its abort carried out).
    for (const doc of docs.values()) {
      if (doc.part !== undefined && doc.status === 'RUNNING' && !orphans.has(doc.id))
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
    events,
    run,
    docs,
    orphans,
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
 * each job end, timer, spawn, report and abort of the trace is delivered once, to the same
 * document, at the time it was in the chaotic run, and nothing else. A spawn or abort is
 * followed only if the replay asked for it too, a report only from a part that ended the same
 * way. A correct engine ends it exactly as the chaotic run ended: duplicates, stale and early
 * deliveries, late launch records, late spawns and reports, and clock drift make no difference.
 */
export function replayClean(
  definition: ChainDefinition,
  input: JsonObject,
  trace: readonly Effective[],
  idOf: (jobName: string) => string = (name) => `id-${name}`,
): ReplayResult {
  const request = startRequest(definition, input);
  const docs = new Map<string, Run>();
  /** Spawns and aborts the replay's own transitions asked for, by document id. */
  const asked = new Set<string>();
  const apply = (t: Transition): void => {
    docs.set(t.run.id, t.run);
    for (const effect of t.effects) {
      if (effect.kind === 'spawn')
        asked.add(`spawn ${partDocId(effect.part.root, effect.part.key)}`);
      else if (effect.kind === 'abortPart') asked.add(`abort ${effect.doc}`);
    }
  };
  apply(startRun(request));
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
  const follow = (next: Effective): Transition | string => {
    const doc = docs.get(next.doc);
    switch (next.kind) {
      case 'end':
        if (doc?.steps[next.job.name] === undefined)
          return `job ${next.job.name} is not in flight in ${next.doc} in the replay`;
        return onJobEnded(definition, doc, next.job, next.at);
      case 'timer':
        if (doc?.timers?.[next.name] === undefined)
          return `timer ${next.name} is not pending in ${next.doc} in the replay`;
        return onTimer(definition, doc, next.name, next.at);
      case 'spawn': {
        const from = docs.get(next.effect.part.parentDoc);
        if (!asked.has(`spawn ${next.doc}`) || from === undefined)
          return `the replay never asked for part ${next.doc}`;
        if (doc !== undefined) return `part ${next.doc} already exists in the replay`;
        return startPart(definition, from, next.effect, next.at);
      }
      case 'report': {
        const ended = doc && endedOf(doc);
        if (doc?.part === undefined || JSON.stringify(ended) !== JSON.stringify(next.ended))
          return `part ${next.doc} did not end so in the replay (${JSON.stringify(ended)})`;
        const map = docs.get(doc.part.parentDoc);
        if (map === undefined) return `the Map document of ${next.doc} is missing in the replay`;
        return onItemEnded(definition, map, doc.part, ended!, next.at);
      }
      case 'abort':
        if (!asked.has(`abort ${next.doc}`) || doc === undefined)
          return `the replay never asked to abort part ${next.doc}, or it does not exist`;
        return abortPart(definition, doc, next.at);
    }
  };
  for (const [i, next] of trace.entries()) {
    if (root().status !== 'RUNNING') {
      divergence = `the replay ended before delivery ${i} of ${trace.length}`;
      break;
    }
    const t = follow(next);
    if (typeof t === 'string') {
      divergence = `delivery ${i} (${next.kind}): ${t}`;
      break;
    }
    if (!t.changed) {
      divergence = `delivery ${i} (${next.kind} to ${next.doc}) changed nothing in the replay`;
      break;
    }
    apply(t);
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
