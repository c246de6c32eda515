import { strict as assert } from 'node:assert';
import type { ChainDefinition, TaskState } from '../../../src/chain/types.js';
import type { EndedJob, TerminalJobState } from '../../../src/dataflow/job.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { stepLabels } from '../../../src/engine/labels.js';
import { onLaunched } from '../../../src/engine/launched.js';
import { partDocId } from '../../../src/engine/part-names.js';
import {
  abortPart,
  endedOf,
  isOrphan,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
} from '../../../src/engine/part.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { startRun } from '../../../src/engine/start.js';
import type { Effect, RunEvent, SpawnEffect, Transition } from '../../../src/engine/transition.js';
import type { JsonObject } from '../../../src/json.js';

/** Small drivers of the pure engine for the scope, timer and launch tests. */

/** When driven runs start. */
export const T0 = '2026-11-22T10:00:00.000Z';
/** The nonce of every driven run. */
export const NONCE = 'n0nce';

/** `T0` plus `seconds`, as an ISO time. */
export function at(seconds: number): string {
  return new Date(Date.parse(T0) + seconds * 1000).toISOString();
}

/** A Flex Template Task whose job-name prefix is `prefix`; ends its scope unless `Next` is given. */
export function task(prefix: string, extra: Partial<TaskState> = {}): TaskState {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Region: 'europe-west4',
    Parameters: { jobName: prefix, containerSpecGcsPath: `gs://b/${prefix}.json` },
    ...(extra.Next === undefined ? { End: true } : {}),
    ...extra,
  };
}

/** Starts run `r1` of chain "c" at T0. */
export function start(definition: ChainDefinition, input: JsonObject = {}): Transition {
  return startRun({
    runId: 'r1',
    chain: 'c',
    definition,
    definitionHash: 'h',
    projectId: 'p',
    input,
    now: T0,
    nonce: NONCE,
  });
}

/** The one step in flight of `state` (in any scope); fails the test when there is not exactly one. */
export function stepFor(run: Run, state: string, scope?: string): Step {
  const steps = Object.values(run.steps).filter(
    (s) => s.state === state && (scope === undefined || (s.scope ?? '') === scope),
  );
  assert.equal(steps.length, 1, `one step of ${state} in flight`);
  return steps[0]!;
}

/** The job id the drivers give the job of `jobName`. */
export function idOf(jobName: string): string {
  return `id-${jobName}`;
}

/** Records the launch of every INTENDED step, in name order. */
export function launchAll(run: Run, now: string): Run {
  let next = run;
  const intended = Object.values(run.steps)
    .filter((s) => s.status === 'INTENDED')
    .sort((a, b) => a.jobName.localeCompare(b.jobName));
  for (const s of intended) next = onLaunched(next, s.jobName, idOf(s.jobName), now, false).run;
  return next;
}

/** The step's own job, ended in `state` (`run`: the run's or the part's document that holds it). */
export function endedJob(run: Run, step: Step, state: TerminalJobState): EndedJob {
  return {
    id: step.jobId ?? idOf(step.jobName),
    name: step.jobName,
    projectId: step.projectId,
    location: step.location,
    currentState: state,
    labels: stepLabels(run, step.state),
  };
}

/** Ends the job of `step` in `state` at `now`. */
export function endJob(
  definition: ChainDefinition,
  run: Run,
  step: Step,
  state: TerminalJobState,
  now: string,
): Transition {
  return onJobEnded(definition, run, endedJob(run, step, state), now);
}

/**
 * The `spawn` effects of a transition: the Map items or Parallel branches it starts, each in a
 * part of its own.
 */
export function spawnsOf(transition: Transition): SpawnEffect[] {
  return transition.effects.filter((e): e is SpawnEffect => e.kind === 'spawn');
}

/** The documents of a run (its own and its parts, by id), and every transition that made them. */
export interface Forest {
  readonly docs: Map<string, Run>;
  readonly transitions: Transition[];
}

/**
 * Applies `first` and carries out at once, at `now`, what it and every transition after it ask
 * for, as the handler does: a spawn starts its part (unless the part exists or its Map or
 * Parallel no longer waits for it), `abortItems` stops every running part of the group, and a
 * part that ended starts its lane's next item (a success), reports to its parent's document
 * (a failure), and, the last of its lane (every Parallel branch is), asks the parent to join.
 */
export function carryOut(
  definition: ChainDefinition,
  first: Transition,
  now: string,
  forest: Forest = { docs: new Map(), transitions: [] },
): Forest {
  const { docs, transitions } = forest;
  const spawn = (from: Run, effect: SpawnEffect): void => {
    const doc = partDocId(effect.part.root, effect.part.key);
    if (!docs.has(doc) && !isOrphan(docs.get(effect.part.parentDoc), effect.part))
      apply(startPart(definition, from, effect, now));
  };
  const apply = (t: Transition): void => {
    transitions.push(t);
    docs.set(t.run.id, t.run);
    for (const effect of t.effects) {
      if (effect.kind === 'spawn') spawn(t.run, effect);
      else if (effect.kind === 'abortItems') {
        for (const part of [...docs.values()]) {
          if (part.part?.group === effect.group && part.status === 'RUNNING')
            apply(abortPart(definition, part, now));
        }
      }
    }
    const part = t.run.part;
    const ended = endedOf(t.run);
    if (!t.changed || part === undefined || ended === undefined) return;
    const mapDoc = (): Run | undefined => docs.get(part.parentDoc);
    if ('error' in ended) {
      const map = mapDoc();
      if (map) apply(onItemFailed(definition, map, part, ended, now));
    } else {
      const next = successorOf(definition, mapDoc(), part);
      if (next) spawn(mapDoc()!, next);
    }
    const map = mapDoc();
    if (part.last && map) {
      const group = [...docs.values()].filter((doc) => doc.part?.group === part.group);
      apply(onMapJoined(definition, map, part, group, now));
    }
  };
  apply(first);
  return forest;
}

/**
 * `t` with only `effects` of its effects, in that order: the handler carries out each effect
 * on its own, so the others may still be on their way (or come in another order).
 */
export function withEffects(t: Transition, effects: readonly Effect[]): Transition {
  return { ...t, effects };
}

/** The one document of `forest` that is the part of `scope`; fails the test unless there is one. */
export function partAt(forest: Forest, scope: string): Run {
  const found = [...forest.docs.values()].filter((doc) => doc.part?.scope === scope);
  assert.equal(found.length, 1, `one part of ${scope}`);
  return found[0]!;
}

/** The run's own document in `forest` (run `r1`). */
export function rootOf(forest: Forest): Run {
  const root = forest.docs.get('r1');
  assert.ok(root !== undefined, 'the run r1 is in the forest');
  return root;
}

/** Every effect of the transitions of `forest`, in order. */
export function effectsIn(forest: Forest): Effect[] {
  return forest.transitions.flatMap((t) => t.effects);
}

/** Every event of the transitions of `forest`, in order. */
export function eventsIn(forest: Forest): RunEvent[] {
  return forest.transitions.flatMap((t) => t.events);
}

/**
 * Records the launch of every INTENDED step of every document of `forest` at `now` (documents
 * in id order, steps in name order), carrying out what each record asks for.
 */
export function launchForest(definition: ChainDefinition, forest: Forest, now: string): Forest {
  for (const id of [...forest.docs.keys()].sort()) {
    const intended = Object.values(forest.docs.get(id)!.steps)
      .filter((s) => s.status === 'INTENDED')
      .map((s) => s.jobName)
      .sort();
    for (const name of intended) {
      const doc = forest.docs.get(id)!;
      carryOut(definition, onLaunched(doc, name, idOf(name), now, false), now, forest);
    }
  }
  return forest;
}
