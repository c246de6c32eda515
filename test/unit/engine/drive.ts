import { strict as assert } from 'node:assert';
import type { ChainDefinition, TaskState } from '../../../src/chain/types.js';
import type { EndedJob, TerminalJobState } from '../../../src/dataflow/job.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { stepLabels } from '../../../src/engine/labels.js';
import { onLaunched } from '../../../src/engine/launched.js';
import { partDocId } from '../../../src/engine/part-names.js';
import { abortPart, endedOf, onItemEnded, startPart } from '../../../src/engine/part.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { startRun } from '../../../src/engine/start.js';
import type { SpawnEffect, Transition } from '../../../src/engine/transition.js';
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

/** The `spawn` effects of a transition: the Map items it starts, each in a part of its own. */
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
 * for, as the handler does: a spawn starts its part (unless the part exists), an abort stops an
 * existing part, and a part that ended reports to its Map's document.
 */
export function carryOut(
  definition: ChainDefinition,
  first: Transition,
  now: string,
  forest: Forest = { docs: new Map(), transitions: [] },
): Forest {
  const { docs, transitions } = forest;
  const apply = (t: Transition): void => {
    transitions.push(t);
    docs.set(t.run.id, t.run);
    for (const effect of t.effects) {
      if (effect.kind === 'spawn') {
        const doc = partDocId(effect.part.root, effect.part.key);
        if (!docs.has(doc)) apply(startPart(definition, t.run, effect, now));
      } else if (effect.kind === 'abortPart') {
        const part = docs.get(effect.doc);
        if (part) apply(abortPart(definition, part, now));
      }
    }
    const ended = endedOf(t.run);
    const map = t.run.part && docs.get(t.run.part.parentDoc);
    if (t.changed && t.run.part && ended && map)
      apply(onItemEnded(definition, map, t.run.part, ended, now));
  };
  apply(first);
  return forest;
}
