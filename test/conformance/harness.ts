import type { ChainDefinition } from '../../src/chain/types.js';
import type { EndedJob, TerminalJobState } from '../../src/dataflow/job.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import { stepLabels } from '../../src/engine/labels.js';
import { onLaunched } from '../../src/engine/launched.js';
import {
  abortPart,
  endedOf,
  isOrphan,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
} from '../../src/engine/part.js';
import { partDocId } from '../../src/engine/part-names.js';
import type { Part, Run, RunError, Step } from '../../src/engine/run.js';
import { startRun } from '../../src/engine/start.js';
import { onTimer } from '../../src/engine/timer.js';
import type { RunEvent, SpawnEffect, Transition } from '../../src/engine/transition.js';
import type { Json, JsonObject } from '../../src/json.js';

/** How a job ends: a terminal state, or `HANG` (it runs until cancelled, for timeouts). */
export type JobOutcome = 'DONE' | 'FAILED' | 'CANCELLED' | 'HANG';

/** Decides each job's end from its step (state, scope, attempt, request). */
export type Outcomes = (step: Step) => JobOutcome;

/** What a run came to. */
export interface RunResult {
  readonly status: Run['status'];
  readonly output?: Json;
  readonly error?: RunError;
  /** Every step launched, in launch order. */
  readonly launched: readonly Step[];
  /** Every step as it ended (succeeded, failed, or cancelled and `abandoned`), in end order. */
  readonly archived: readonly Step[];
  readonly events: readonly RunEvent[];
  readonly run: Run;
  /** Every document of the run: its own, then its parts (Map items, Parallel branches). */
  readonly docs: readonly Run[];
  /** Seconds of simulated time the run took (timers advance it). */
  readonly seconds: number;
}

/** When harness runs start. */
export const T0 = '2026-11-22T10:00:00.000Z';

const ALL_DONE: Outcomes = () => 'DONE';

/** The step's own job, ended in `state`: its name, project, region and labels. */
export function endedJob(run: Run, step: Step, jobId: string, state: TerminalJobState): EndedJob {
  return {
    id: jobId,
    name: step.jobName,
    projectId: step.projectId,
    location: step.location,
    currentState: state,
    labels: stepLabels(run, step.state),
  };
}

/**
 * Runs a chain through the pure engine to its end: every intended launch is recorded at once,
 * jobs end one at a time in name order as `outcomes` says, and when no job can end the
 * earliest timer fires (simulated time jumps to it). Deterministic for a given definition.
 */
export function runChain(
  definition: ChainDefinition,
  input: JsonObject = {},
  outcomes: Outcomes = ALL_DONE,
  maxSignals = 10_000,
): RunResult {
  let now = Date.parse(T0);
  const iso = () => new Date(now).toISOString();
  const events: RunEvent[] = [];
  const launched: Step[] = [];
  const archived: Step[] = [];
  let jobs = 0;
  // Asked once per job: outcome functions may count calls (fail the first attempt, …).
  const decided = new Map<string, JobOutcome>();
  const outcomeOf = (step: Step): JobOutcome => {
    let outcome = decided.get(step.jobName);
    if (outcome === undefined) {
      outcome = outcomes(step);
      decided.set(step.jobName, outcome);
    }
    return outcome;
  };
  // The run's documents: the run's own, and a part per Map item (src/engine/part.ts), driven
  // as the handler drives them: spawns and aborts carried out, ended parts reported.
  const docs = new Map<string, Run>();
  const apply = (t: Transition): Run => {
    events.push(...t.events);
    archived.push(...t.archived);
    docs.set(t.run.id, t.run);
    for (const effect of t.effects) {
      if (effect.kind === 'spawn') spawn(t.run, effect);
      else if (effect.kind === 'abortItems') {
        for (const part of [...docs.values()]) {
          if (part.part?.group === effect.group && part.status === 'RUNNING')
            apply(abortPart(definition, part, iso()));
        }
      }
    }
    const part = t.run.part;
    const ended = endedOf(t.run);
    if (t.changed && part && ended) itemEnded(part, ended);
    return docs.get(t.run.id) ?? t.run;
  };
  // A spawn carried out after its Map stopped waiting (an item failed at once and was
  // caught) starts nothing, as the handler stops such a part before it launches.
  const spawn = (mapDoc: Run, effect: SpawnEffect): void => {
    const wanted = !isOrphan(docs.get(effect.part.parentDoc), effect.part);
    if (wanted && !docs.has(partDocId(effect.part.root, effect.part.key)))
      apply(startPart(definition, mapDoc, effect, iso()));
  };
  // As the handler does: a success starts the lane's next item (in the same write), a
  // failure reports to the Map, and a lane's last item checks whether the Map can join.
  const itemEnded = (part: Part, ended: NonNullable<ReturnType<typeof endedOf>>): void => {
    const mapDoc = (): Run | undefined => docs.get(part.parentDoc);
    if ('error' in ended) {
      const map = mapDoc();
      if (map) apply(onItemFailed(definition, map, part, ended, iso()));
    } else {
      const next = successorOf(definition, mapDoc(), part);
      if (next) spawn(mapDoc()!, next);
    }
    const map = mapDoc();
    if (part.last && map) {
      const group = [...docs.values()].filter((doc) => doc.part?.group === part.group);
      apply(onMapJoined(definition, map, part, group, iso()));
    }
  };
  apply(
    startRun({
      runId: 'r1',
      chain: 'conformance',
      definition,
      definitionHash: 'h',
      projectId: 'p',
      input,
      now: T0,
      nonce: 'n0nce',
    }),
  );
  const root = (): Run => docs.get('r1')!;
  for (let signals = 0; root().status === 'RUNNING'; signals++) {
    if (signals > maxSignals)
      throw new Error(`harness: run still RUNNING after ${maxSignals} signals`);
    const steps = [...docs.values()]
      .flatMap((doc) => Object.values(doc.steps).map((step) => ({ doc, step })))
      .sort((a, b) => a.step.jobName.localeCompare(b.step.jobName));
    const intended = steps.find(({ step }) => step.status === 'INTENDED');
    if (intended) {
      launched.push(intended.step);
      apply(onLaunched(intended.doc, intended.step.jobName, `job-${++jobs}`, iso(), false));
      continue;
    }
    const ending = steps.find(({ step }) => step.abandoned || outcomeOf(step) !== 'HANG');
    if (ending) {
      const { doc, step } = ending;
      const outcome = step.abandoned ? 'CANCELLED' : outcomeOf(step);
      const state = `JOB_STATE_${outcome}` as TerminalJobState;
      apply(onJobEnded(definition, doc, endedJob(doc, step, step.jobId ?? '', state), iso()));
      continue;
    }
    const timers = [...docs.values()]
      .flatMap((doc) =>
        Object.entries(doc.timers ?? {}).map(([name, timer]) => ({ doc, name, timer })),
      )
      .sort((a, b) => a.timer.dueAt.localeCompare(b.timer.dueAt) || a.name.localeCompare(b.name));
    const first = timers[0];
    if (!first) throw new Error('harness: run is RUNNING with no job, intent or timer left: stuck');
    now = Math.max(now, Date.parse(first.timer.dueAt));
    apply(onTimer(definition, first.doc, first.name, iso()));
  }
  const run = root();
  return {
    ...finalOf(run),
    launched,
    archived,
    events,
    run,
    docs: [run, ...[...docs.values()].filter((doc) => doc !== run)],
    seconds: (now - Date.parse(T0)) / 1000,
  };
}

/** A Task launching template `name` (its jobName prefix too), ending its scope unless `next`. */
export function task(name: string, next?: string, extra: JsonObject = {}): JsonObject {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Region: 'europe-west4',
    Parameters: { jobName: name, containerSpecGcsPath: `gs://b/${name}.json` },
    ...(next === undefined ? { End: true } : { Next: next }),
    ...extra,
  };
}

/** How a run came out: its status, and its output or error when it has one. */
export function finalOf(run: Run): Pick<Run, 'status' | 'output' | 'error'> {
  return {
    status: run.status,
    ...(run.output !== undefined ? { output: run.output } : {}),
    ...(run.error !== undefined ? { error: run.error } : {}),
  };
}
