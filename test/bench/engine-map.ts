import type { ChainDefinition } from '../../src/chain/types.js';
import type { EndedJob } from '../../src/dataflow/job.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import { stepLabels } from '../../src/engine/labels.js';
import {
  abortPart,
  endedOf,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
} from '../../src/engine/part.js';
import { partDocId } from '../../src/engine/part-names.js';
import { onLaunched } from '../../src/engine/launched.js';
import type { Run } from '../../src/engine/run.js';
import { startRun } from '../../src/engine/start.js';
import { launchesOf, type Transition } from '../../src/engine/transition.js';
import { T0 } from '../conformance/harness.js';
import { quantile } from './deliveries.js';
import { mapChain, mapInput } from './fanout.js';
import { figure, type Figure } from './figures.js';

/** What one pure-engine run of a Map came to. */
export interface EngineMapRun {
  readonly items: number;
  /**
   * Transitions: the start, one onLaunched per job, one onJobEnded per job, one startPart per
   * item, and the Map's onItemFailed and onMapJoined calls.
   */
  readonly transitions: number;
  /** Engine time of all of them (and of the successorOf look-ups), ms. */
  readonly engineMs: number;
  readonly startMs: number;
  /** Engine time of each onJobEnded, startPart, onItemFailed and onMapJoined / onLaunched, ms. */
  readonly endedMs: number[];
  readonly launchedMs: number[];
  /** Largest JSON.stringify(run) seen (sampled), bytes, and how many items had ended then. */
  readonly maxRunBytes: number;
  readonly maxAtEnded: number;
  /** The run at its largest sampled point, when asked for (to try writing it). */
  readonly largestRun?: Run;
  /** Time of each sampled JSON.stringify(run), ms (what the engine's size check costs). */
  readonly stringifyMs: number[];
  /** Items that had ended when the run ended (all of them, unless it failed). */
  readonly endedItems: number;
  readonly status: Run['status'];
  readonly error?: string;
}

function endedJob(run: Run, jobName: string): EndedJob {
  const step = run.steps[jobName];
  if (step?.jobId === undefined) throw new Error(`bench engine: ${jobName} is not launched`);
  return {
    id: step.jobId,
    name: step.jobName,
    projectId: step.projectId,
    location: step.location,
    currentState: 'JOB_STATE_DONE',
    labels: stepLabels(run, step.state),
  };
}

/** Options of one engine run. */
export interface EngineRunOptions {
  /** JSON.stringify(run) is measured this many times over the run (outside the timed calls). */
  readonly byteSamples: number;
  /** Keep the run at its largest sampled point. */
  readonly keepLargest?: boolean;
}

/**
 * Runs a Map of `items` items through the pure engine, as the handler would drive it: every
 * intended launch recorded (onLaunched), then the oldest running job ends (onJobEnded), each
 * item in its own part (startPart). Items run in lanes: a part that succeeds starts its lane's
 * next item (successorOf, then startPart: the same write in production), a failed one reports
 * to the Map's document (onItemFailed), and a lane's last item, once none of its Map entry's
 * items runs any more (the handler's groupRunning query), asks the Map to join (onMapJoined,
 * with every part of the entry). Each engine call is timed on its own; the size sampled is the
 * Map's document.
 */
export function engineMapRun(
  definition: ChainDefinition,
  items: number,
  options: EngineRunOptions,
): EngineMapRun {
  const input = mapInput(items);
  const docs = new Map<string, Run>();
  const intended: { doc: string; jobName: string }[] = [];
  const running: { doc: string; jobName: string }[] = [];
  const endedMs: number[] = [];
  const launchedMs: number[] = [];
  const successorMs: number[] = [];
  /** The parts of each Map entry (group), and those still running: the store's group queries. */
  const members = new Map<string, Set<string>>();
  const runningMembers = new Map<string, Set<string>>();
  const timed = <T>(into: number[] | undefined, call: () => T): T => {
    const started = performance.now();
    const t = call();
    into?.push(performance.now() - started);
    return t;
  };
  const groupSet = (sets: Map<string, Set<string>>, group: string): Set<string> => {
    let set = sets.get(group);
    if (set === undefined) sets.set(group, (set = new Set()));
    return set;
  };
  // The handler's part of the work, outside the engine's timed calls: store, then carry out.
  const carry = (t: Transition): void => {
    const before = docs.get(t.run.id);
    docs.set(t.run.id, t.run);
    const part = t.run.part;
    if (part) {
      groupSet(members, part.group).add(t.run.id);
      if (t.run.status === 'RUNNING') groupSet(runningMembers, part.group).add(t.run.id);
      else groupSet(runningMembers, part.group).delete(t.run.id);
    }
    for (const effect of launchesOf(t))
      intended.push({ doc: t.run.id, jobName: effect.step.jobName });
    for (const effect of t.effects) {
      if (effect.kind === 'spawn') {
        if (!docs.has(partDocId(effect.part.root, effect.part.key)))
          carry(timed(endedMs, () => startPart(definition, t.run, effect, T0)));
      } else if (effect.kind === 'abortItems') {
        for (const id of [...groupSet(runningMembers, effect.group)]) {
          const doc = docs.get(id)!;
          carry(timed(endedMs, () => abortPart(definition, doc, T0)));
        }
      }
    }
    const ended = endedOf(t.run);
    if (!part || !ended || (before !== undefined && before.status !== 'RUNNING')) return;
    const mapDoc = docs.get(part.parentDoc);
    if (!mapDoc) return;
    if ('error' in ended) {
      carry(timed(endedMs, () => onItemFailed(definition, mapDoc, part, ended, T0)));
    } else {
      const next = timed(successorMs, () => successorOf(definition, mapDoc, part));
      if (next) carry(timed(endedMs, () => startPart(definition, mapDoc, next, T0)));
    }
    if (!part.last || groupSet(runningMembers, part.group).size > 0) return;
    const parts = [...groupSet(members, part.group)].map((id) => docs.get(id)!);
    const map = docs.get(part.parentDoc)!;
    carry(timed(endedMs, () => onMapJoined(definition, map, part, parts, T0)));
  };
  const started = performance.now();
  const first = startRun({
    runId: 'engine-map',
    chain: 'fanout',
    definition,
    definitionHash: 'h',
    projectId: 'bench-proj',
    input,
    now: T0,
    nonce: 'n0nce',
  });
  const startMs = performance.now() - started;
  carry(first);
  const root = (): Run => docs.get('engine-map')!;
  let jobs = 0;
  let ended = 0;
  let maxRunBytes = 0;
  let maxAtEnded = 0;
  let largestRun: Run | undefined;
  // Items end in launch order; sample the Map document's size every `every` ends, and at the last ones.
  const every = Math.max(1, Math.floor(items / options.byteSamples));
  const stringifyMs: number[] = [];
  const sample = (): void => {
    const before = performance.now();
    const json = JSON.stringify(root());
    stringifyMs.push(performance.now() - before);
    const bytes = Buffer.byteLength(json);
    if (bytes > maxRunBytes) {
      maxRunBytes = bytes;
      maxAtEnded = ended;
      if (options.keepLargest) largestRun = root();
    }
  };
  sample();
  while (root().status === 'RUNNING') {
    for (let next = intended.shift(); next !== undefined; next = intended.shift()) {
      const { doc, jobName } = next;
      const run = docs.get(doc)!;
      carry(timed(launchedMs, () => onLaunched(run, jobName, `job-${++jobs}`, T0, false)));
      running.push(next);
    }
    // Sampled before each end: the Map's document as the store last wrote it.
    if (ended % every === 0 || ended >= items - 1) sample();
    const next = running.shift();
    if (next === undefined) throw new Error('bench engine: the run waits for no job');
    const run = docs.get(next.doc)!;
    const job = endedJob(run, next.jobName);
    carry(timed(endedMs, () => onJobEnded(definition, run, job, T0)));
    ended++;
  }
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const run = root();
  return {
    items,
    transitions: 1 + launchedMs.length + endedMs.length,
    engineMs: startMs + sum(launchedMs) + sum(endedMs) + sum(successorMs),
    startMs,
    endedMs,
    launchedMs,
    maxRunBytes,
    maxAtEnded,
    ...(largestRun ? { largestRun } : {}),
    stringifyMs,
    endedItems: Math.min(ended, items),
    status: run.status,
    ...(run.error ? { error: `${run.error.Error}: ${run.error.Cause}` } : {}),
  };
}

/** Sizes and repetition of the engine benchmark. */
export interface EngineMapPlan {
  readonly sizes: readonly number[];
  readonly maxConcurrencies: readonly (number | undefined)[];
  /** Small Maps are run again until their timed calls add up to this much. */
  readonly minMs: number;
  readonly byteSamples: number;
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;

/** The size the engine refused to keep, from its States.DataLimitExceeded cause. */
function refusedBytes(error: string | undefined): number | undefined {
  const match = /state is (\d+) bytes/.exec(error ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Engine time per transition for Maps of growing size: per size and MaxConcurrency, the mean
 * engine time per transition (start, launches recorded, job ends, parts started, the Map's
 * failure reports and join), its ratio to the smallest
 * size's (flat within ±20 % is the goal), onJobEnded's mean and p99, and the run's largest
 * JSON. A Map whose state outgrows one document fails (States.DataLimitExceeded): its figures
 * cover the transitions up to that point.
 */
export function engineMapFigures(plan: EngineMapPlan): Figure[] {
  // Warm the JIT on a mid-size Map of each kind, then on the smallest for as long as it is timed.
  for (const max of plan.maxConcurrencies) {
    engineMapRun(mapChain(max), 200, { byteSamples: 1 });
    const until = performance.now() + plan.minMs;
    while (performance.now() < until)
      engineMapRun(mapChain(max), plan.sizes[0] ?? 10, { byteSamples: 1 });
  }
  const figures: Figure[] = [];
  for (const max of plan.maxConcurrencies) {
    const definition = mapChain(max);
    const label = max ? `mc${max}` : 'unbounded';
    let baseline: number | undefined;
    for (const size of plan.sizes) {
      const runs: EngineMapRun[] = [];
      let spent = 0;
      do {
        const run = engineMapRun(definition, size, { byteSamples: plan.byteSamples });
        runs.push(run);
        spent += run.engineMs;
      } while (spent < plan.minMs);
      const transitions = runs.reduce((n, r) => n + r.transitions, 0);
      const perTransition = (spent * 1000) / transitions;
      baseline ??= perTransition;
      const last = runs.at(-1)!;
      const ends = runs.flatMap((r) => r.endedMs);
      const launches = runs.flatMap((r) => r.launchedMs);
      const n = `engine.map.${label}.${size}`;
      const note = `Map of ${size} items, MaxConcurrency ${max ?? 'unbounded'}; ${runs.length} run(s), ${transitions} transitions`;
      figures.push(
        figure(
          `${n}.status`,
          last.status === 'SUCCEEDED' ? 1 : 0,
          'succeeded',
          last.status === 'SUCCEEDED'
            ? 'run SUCCEEDED'
            : `run ${last.status} ${last.endedItems === 0 ? 'in startRun' : `at the end of job ${last.endedItems} of ${size}`}: ${last.error ?? ''}`.slice(
                0,
                260,
              ),
        ),
        figure(`${n}.per_transition`, perTransition, 'µs/transition', note),
        figure(
          `${n}.ratio`,
          perTransition / baseline,
          `x ${plan.sizes[0]} items`,
          `per-transition time over the ${plan.sizes[0]}-item Map's (goal: 0.8–1.2)`,
        ),
        figure(
          `${n}.job_ended.mean`,
          mean(ends) * 1000,
          'µs',
          `onJobEnded, startPart, onItemFailed, onMapJoined; p99 ${(quantile(ends, 0.99) * 1000).toFixed(0)} µs`,
        ),
        figure(
          `${n}.stringify.mean`,
          mean(runs.flatMap((r) => r.stringifyMs)) * 1000,
          'µs',
          'one JSON.stringify(run) at the sampled points: the run-size check (settle) pays one per job end',
        ),
        figure(
          `${n}.launched.mean`,
          mean(launches) * 1000,
          'µs',
          `onLaunched; p99 ${(quantile(launches, 0.99) * 1000).toFixed(0)} µs`,
        ),
        figure(
          `${n}.start`,
          last.startMs * 1000,
          'µs',
          'startRun (enters the Map, intends the first items)',
        ),
        figure(
          `${n}.run_bytes.max`,
          last.maxRunBytes / 1024,
          'KiB',
          `largest JSON.stringify(run) (${last.maxRunBytes} B), sampled ${plan.byteSamples}x per run, with ${last.maxAtEnded} jobs ended${
            refusedBytes(last.error) !== undefined
              ? `; the state the engine refused to store: ${refusedBytes(last.error)} B`
              : ''
          }`,
        ),
      );
    }
  }
  return figures;
}
