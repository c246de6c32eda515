import type { ChainDefinition } from '../../src/chain/types.js';
import type { EndedJob, TerminalJobState } from '../../src/dataflow/job.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import { onLaunched } from '../../src/engine/launched.js';
import type { Run, RunError, Step } from '../../src/engine/run.js';
import { startRun, type StartRequest } from '../../src/engine/start.js';
import { onTimer } from '../../src/engine/timer.js';
import type { RunEvent, Transition } from '../../src/engine/transition.js';
import type { Json, JsonObject } from '../../src/json.js';
import { T0, endedJob, finalOf, type Outcomes } from '../conformance/harness.js';
import { statesByName } from './arbitraries.js';

/**
 * A chaotic driver of the pure engine: the at-least-once world of ARCHITECTURE.md §3 in
 * miniature. It keeps what could be delivered next and lets `schedule` pick:
 *
 * - `launch`: an INTENDED step whose job does not exist yet gets its job created (the one
 *   launch call the world allows per job name; no engine call);
 * - `record`: a created job's launch is recorded (`onLaunched`), at any later moment: before
 *   it, the job may already have ended (a crash between launch and commit);
 * - `end`: a created job's end is delivered (`onJobEnded`), with the state its outcome says,
 *   or JOB_STATE_CANCELLED when the run abandoned the step before the job ended;
 * - `timer`: a pending timer is delivered once due (the clock jumps to its due time);
 * - `early`: a pending timer delivered before it is due (must change nothing);
 * - `again`: any signal delivered before is delivered again (up to `duplicates` times each;
 *   must change nothing).
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

export type DeliveryKind = 'launch' | 'record' | 'end' | 'timer' | 'early' | 'again';

/** A delivery that changed the run before it ended: what a clean replay must follow. */
export type Effective =
  | { readonly kind: 'end'; readonly at: string; readonly job: EndedJob }
  | { readonly kind: 'timer'; readonly at: string; readonly name: string };

export interface ChaosResult {
  readonly status: Run['status'];
  readonly output?: Json;
  readonly error?: RunError;
  /** Job names created (launch calls made), in order. */
  readonly launched: readonly string[];
  /** Every job name that was ever in flight (INTENDED or LAUNCHED) in the run. */
  readonly intended: ReadonlySet<string>;
  /** The deliveries that changed the run, in order, until it ended. */
  readonly trace: readonly Effective[];
  /** Broken promises: duplicate launches, redeliveries that changed the run, a stuck run. */
  readonly violations: readonly string[];
  /** Deliveries of each kind. */
  readonly counts: Readonly<Record<DeliveryKind, number>>;
  readonly events: readonly RunEvent[];
  readonly run: Run;
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
  /** The step as it was when its job was created. */
  readonly step: Step;
  /** Set by the first delivery of its end: later deliveries repeat it. */
  ended?: EndedJob;
  recorded: boolean;
}

type Signal =
  | { readonly kind: 'record'; readonly name: string }
  | { readonly kind: 'end'; readonly job: EndedJob }
  | { readonly kind: 'timer'; readonly name: string };

interface Pending {
  readonly kind: DeliveryKind;
  readonly name: string;
  /** `again` only: which earlier signal, and its slot in the redelivery list. */
  readonly signal?: Signal;
  readonly slot?: number;
}

function sameOutcome(a: Run, b: Run): boolean {
  return (
    a.status === b.status &&
    JSON.stringify(a.output) === JSON.stringify(b.output) &&
    JSON.stringify(a.error) === JSON.stringify(b.error)
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
    again: 0,
  };
  /** Signals delivered before, each with the redeliveries it has left. */
  const redeliveries: { signal: Signal; left: number }[] = [];
  const earlyLeft = new Map<string, number>();

  const violation = (text: string): void => {
    if (!violations.includes(text)) violations.push(text);
  };
  const observe = (before: Pick<Run, 'steps'>, t: Transition): Run => {
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
      intended.add(step.jobName);
    }
    // A Map never runs more items at once than its MaxConcurrency, however signals arrive.
    const frames = Object.entries(t.run.frames ?? {});
    for (const [scope, frame] of frames) {
      const max = frame.children?.maxConcurrency;
      if (max === undefined) continue;
      const running = frames.filter(([, child]) => child.parent === scope).length;
      if (running > max)
        violation(
          `Map ${scope === '' ? '' : `${scope}/`}${frame.state} runs ${running} items at once, MaxConcurrency ${max}`,
        );
    }
    return t.run;
  };

  let run = observe(
    { steps: {} },
    startRun(startRequest(definition, input, options.runId, options.chain)),
  );

  const pending = (ended: boolean): Pending[] => {
    const list: Pending[] = [];
    if (!ended) {
      const intents = Object.values(run.steps)
        .filter((s) => s.status === 'INTENDED' && !jobs.has(s.jobName))
        .map((s) => s.jobName)
        .sort();
      for (const name of intents) list.push({ kind: 'launch', name });
    }
    for (const [name, job] of jobs) if (!job.recorded) list.push({ kind: 'record', name });
    for (const [name, job] of jobs) if (job.ended === undefined) list.push({ kind: 'end', name });
    if (!ended) {
      const timers = Object.entries(run.timers ?? {}).sort(
        ([an, a], [bn, b]) => a.dueAt.localeCompare(b.dueAt) || an.localeCompare(bn),
      );
      for (const [name] of timers) list.push({ kind: 'timer', name });
      if (schedule.early) {
        for (const [name, timer] of timers) {
          if (Date.parse(timer.dueAt) > now && (earlyLeft.get(name) ?? schedule.duplicates) > 0)
            list.push({ kind: 'early', name });
        }
      }
    }
    redeliveries.forEach((r, slot) => {
      if (r.left > 0) {
        const name = r.signal.kind === 'end' ? r.signal.job.name : r.signal.name;
        list.push({ kind: 'again', name, signal: r.signal, slot });
      }
    });
    return list;
  };

  const remember = (signal: Signal): void => {
    if (schedule.duplicates > 0) redeliveries.push({ signal, left: schedule.duplicates });
  };

  const deliver = (signal: Signal): Transition => {
    switch (signal.kind) {
      case 'record':
        return onLaunched(run, signal.name, jobs.get(signal.name)!.id, iso(), true);
      case 'end':
        return onJobEnded(definition, run, signal.job, iso());
      case 'timer':
        return onTimer(definition, run, signal.name, iso());
    }
  };

  let deliveries = 0;
  for (;;) {
    const ended = run.status !== 'RUNNING';
    const list = pending(ended);
    const fresh = list.filter((p) => p.kind !== 'again' && p.kind !== 'early');
    if (!ended && fresh.length === 0) {
      violation(
        `stuck: run RUNNING with no intent, job or timer left (steps: ${JSON.stringify(Object.keys(run.steps))}, frames: ${JSON.stringify(Object.keys(run.frames ?? {}))})`,
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
    const before = run;
    switch (picked.kind) {
      case 'launch': {
        const step = run.steps[picked.name]!;
        if (launched.includes(picked.name))
          violation(`duplicate launch: ${picked.name} launched twice`);
        launched.push(picked.name);
        jobs.set(picked.name, { id: idOf(picked.name), step, recorded: false });
        break;
      }
      case 'record': {
        const job = jobs.get(picked.name)!;
        job.recorded = true;
        run = observe(before, onLaunched(run, picked.name, job.id, iso(), false));
        remember({ kind: 'record', name: picked.name });
        break;
      }
      case 'end': {
        const job = jobs.get(picked.name)!;
        const live = run.steps[picked.name];
        const outcome = outcomes(job.step);
        const state: TerminalJobState =
          live?.abandoned === true || outcome === 'HANG'
            ? 'JOB_STATE_CANCELLED'
            : `JOB_STATE_${outcome}`;
        job.ended = endedJob(run, job.step, job.id, state);
        const t = onJobEnded(definition, run, job.ended, iso());
        run = observe(before, t);
        if (t.changed && before.status === 'RUNNING')
          trace.push({ kind: 'end', at: iso(), job: job.ended });
        else if (before.status === 'RUNNING')
          violation(`the first delivery of the end of ${picked.name} changed nothing`);
        remember({ kind: 'end', job: job.ended });
        break;
      }
      case 'timer': {
        const due = Date.parse(run.timers![picked.name]!.dueAt);
        now = Math.max(now, due);
        const t = onTimer(definition, run, picked.name, iso());
        run = observe(before, t);
        if (!t.changed) violation(`timer ${picked.name} delivered when due changed nothing`);
        else trace.push({ kind: 'timer', at: iso(), name: picked.name });
        remember({ kind: 'timer', name: picked.name });
        break;
      }
      case 'early': {
        earlyLeft.set(picked.name, (earlyLeft.get(picked.name) ?? schedule.duplicates) - 1);
        const t = onTimer(definition, run, picked.name, iso());
        run = observe(before, t);
        if (t.changed)
          violation(`timer ${picked.name} delivered before it was due changed the run`);
        break;
      }
      case 'again': {
        redeliveries[picked.slot!]!.left--;
        const t = deliver(picked.signal!);
        run = observe(before, t);
        if (t.changed && before.status === 'RUNNING') {
          violation(`redelivered ${picked.signal!.kind} of ${picked.name} changed the run`);
        }
        break;
      }
    }
    if (before.status !== 'RUNNING' && !sameOutcome(before, run)) {
      violation(
        `a ${picked.kind} delivery of ${picked.name} after the run ended changed its outcome`,
      );
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
 * Replays `trace` cleanly: every intent is recorded as launched at once, each job end and timer
 * of the trace is delivered once, at the time it was in the chaotic run, and nothing else. A
 * correct engine ends it exactly as the chaotic run ended: duplicates, stale and early
 * deliveries, late launch records and clock drift must make no difference.
 */
export function replayClean(
  definition: ChainDefinition,
  input: JsonObject,
  trace: readonly Effective[],
  idOf: (jobName: string) => string = (name) => `id-${name}`,
): ReplayResult {
  let run = startRun(startRequest(definition, input)).run;
  const intended = new Set<string>();
  let divergence: string | undefined;
  const launchAll = (at: string): void => {
    for (const step of Object.values(run.steps)) intended.add(step.jobName);
    const intents = Object.values(run.steps)
      .filter((s) => s.status === 'INTENDED')
      .map((s) => s.jobName)
      .sort();
    for (const name of intents) run = onLaunched(run, name, idOf(name), at, false).run;
  };
  launchAll(T0);
  for (const [i, next] of trace.entries()) {
    if (run.status !== 'RUNNING') {
      divergence = `the replay ended before delivery ${i} of ${trace.length}`;
      break;
    }
    let t: Transition;
    if (next.kind === 'end') {
      if (run.steps[next.job.name] === undefined) {
        divergence = `delivery ${i}: job ${next.job.name} is not in flight in the replay`;
        break;
      }
      t = onJobEnded(definition, run, next.job, next.at);
    } else {
      if (run.timers?.[next.name] === undefined) {
        divergence = `delivery ${i}: timer ${next.name} is not pending in the replay`;
        break;
      }
      t = onTimer(definition, run, next.name, next.at);
    }
    if (!t.changed) {
      divergence = `delivery ${i} (${next.kind}) changed nothing in the replay`;
      break;
    }
    run = t.run;
    launchAll(next.at);
  }
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
