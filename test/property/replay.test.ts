import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ChainDefinition } from '../../src/chain/types.js';
import { chainProblems } from '../../src/chain/validate.js';
import type { JsonObject } from '../../src/json.js';
import { runChain, task } from '../conformance/harness.js';
import {
  chain,
  depthOf,
  input,
  laneChain,
  laneInput,
  outcomeSpec,
  outcomes,
  statesByName,
  type OutcomeSpec,
} from './arbitraries.js';
import {
  childScopeFailed,
  replayClean,
  runChaos,
  toleratedRace,
  type Schedule,
} from './chaos-driver.js';

/**
 * ARCHITECTURE.md §3: replaying any message any number of times, in any order, must leave the
 * same run and the same set of jobs. Random valid chains (Parallel, Map with MaxConcurrency,
 * tolerated failures, Choice, Task with Retry and Catch) run on random job outcomes under a
 * chaotic delivery of every signal to every document of the run (its own, and one part per Map
 * item or Parallel branch): launch records late, job ends before their launch record, timers
 * late or early, Map items and Parallel branches started (spawn) and stopped (abort) late and
 * out of order, failed items and branches reported to their Map or Parallel and lanes' last
 * items (every branch) asking it to join late, out of order and again, anything delivered up
 * to 3 more times. (A succeeding item starts its lane's next item in the write that ends it:
 * no message, never lost nor repeated.) They must end as a clean delivery ends:
 *
 * - always as the clean replay of its own effective deliveries (same order, same times, once
 *   each, launches recorded at once): duplicates, stale and early signals, late launch records
 *   and clock drift make no difference; and with no job name launched twice, no Map above its
 *   MaxConcurrency (nor any Map or Parallel entry above its width), no redelivery changing the
 *   run, no run left RUNNING with nothing to do, no part asked for twice, and no part left
 *   RUNNING after the run ended;
 * - as the clean in-order run of the conformance harness (status, output, error, and the set of
 *   launched job names) whenever no branch or item fails there. When one does, its siblings
 *   race it, and the run's course rightly depends on which job end the engine hears of first
 *   (the last test shows two such courses), so no fixed order can be the reference.
 *
 * `DFCHAIN_PROPERTY_RUNS` sets the number of random cases (default 200).
 */
const RUNS = Number(process.env['DFCHAIN_PROPERTY_RUNS'] ?? 200);

const schedule: fc.Arbitrary<Schedule> = fc.record({
  choices: fc.array(fc.nat({ max: 0x3ffff }), { maxLength: 400, size: 'max' }),
  duplicates: fc.integer({ min: 0, max: 3 }),
  early: fc.boolean(),
});

interface Case {
  readonly definition: ChainDefinition;
  readonly input: JsonObject;
  readonly outcome: OutcomeSpec;
  readonly schedule: Schedule;
}

const cases: fc.Arbitrary<Case> = fc.record({
  definition: chain,
  input,
  outcome: outcomeSpec,
  schedule,
});

/** Chains that start with a narrow Map over up to 7 items: lanes of several items each. */
const laneCases: fc.Arbitrary<Case> = fc.record({
  definition: laneChain,
  input: laneInput,
  outcome: outcomeSpec,
  schedule,
});

const sorted = (names: Iterable<string>): string[] => [...names].sort();
const ending = (r: { status: string; output?: unknown; error?: unknown }) => ({
  status: r.status,
  output: r.output,
  error: r.error,
});

/** True when no branch or item failed in a way that makes the run's course depend on order. */
function raceFree(
  c: Case,
  clean: ReturnType<typeof runChain>,
  chaos: ReturnType<typeof runChaos>,
): boolean {
  return !childScopeFailed(c.definition, clean.events) && !toleratedRace(c.definition, chaos.docs);
}

/** Checks one case; throws an AssertionError naming the first broken promise. */
function check(c: Case): void {
  const clean = runChain(c.definition, c.input, outcomes(c.outcome));
  // The harness numbers jobs in launch order: give each job name the same id in every driver.
  const ids = new Map(clean.launched.map((step, i) => [step.jobName, `job-${i + 1}`]));
  const idOf = (name: string): string => ids.get(name) ?? `job-x-${name}`;
  const chaos = runChaos(c.definition, c.input, outcomes(c.outcome), c.schedule, { idOf });

  // Exactly once: no job name launched twice, every redelivery, stale or early signal a no-op,
  // and the run always ends (never RUNNING with nothing left to deliver).
  assert.deepEqual(chaos.violations, [], 'chaotic run broke a promise');
  assert.notEqual(chaos.status, 'RUNNING', 'chaotic run did not end');
  const launched = new Set(chaos.launched);
  assert.equal(launched.size, chaos.launched.length, 'a job name was launched twice');
  for (const name of launched)
    assert.ok(chaos.intended.has(name), `${name} launched, never intended`);

  // Against a clean replay of the same effective deliveries, in the same order, at the same
  // times, once each, with every launch recorded at once.
  const replay = replayClean(c.definition, c.input, chaos.trace, idOf);
  assert.equal(replay.divergence, undefined, 'the clean replay could not follow the chaotic run');
  assert.deepEqual(ending(chaos), ending(replay), 'chaotic run ended unlike its clean replay');
  assert.deepEqual(sorted(chaos.intended), sorted(replay.intended), 'other jobs intended');

  // Against the clean, in-order run of the conformance harness, when no branch or item failed
  // there: then every order of job ends runs the same course (see childScopeFailed; an item
  // failure its Map tolerates shows in no event: toleratedRace finds it in the documents).
  if (raceFree(c, clean, chaos)) {
    assert.deepEqual(ending(chaos), ending(clean), 'chaotic run ended unlike the clean run');
    assert.deepEqual(
      sorted(launched),
      sorted(clean.launched.map((step) => step.jobName)),
      'chaotic run launched other jobs than the clean run',
    );
  }
}

const property = fc.property(cases, (c) => {
  check(c);
});

const laneProperty = fc.property(laneCases, (c) => {
  check(c);
});

describe('property: exactly once under duplicated, reordered deliveries', function () {
  this.timeout(600_000);

  it('generates valid chains only (chainProblems finds nothing)', () => {
    fc.assert(
      fc.property(chain, (definition) => {
        assert.deepEqual(chainProblems(definition), []);
      }),
      { numRuns: RUNS },
    );
  });

  it(`a chaotic delivery ends like the clean one (${RUNS} random cases)`, () => {
    fc.assert(property, { numRuns: RUNS });
  });

  it('a chaotic delivery ends like the clean one (fixed seeds, replayed every time)', () => {
    for (const seed of [1, 7, 42, 1_000, 31_337, 20_261_122]) {
      fc.assert(property, { seed, numRuns: 25 });
    }
  });

  it(`a Map's lanes under chaos end like the clean run (${RUNS} random cases)`, () => {
    fc.assert(laneProperty, { numRuns: RUNS });
  });

  it("a Map's lanes under chaos end like the clean run (fixed seeds, replayed every time)", () => {
    for (const seed of [2, 11, 4_242, 65_537]) {
      fc.assert(laneProperty, { seed, numRuns: 25 });
    }
  });

  it('the generator reaches nesting, concurrency limits, tolerance, retries, catches and both kinds of run', () => {
    const sample = fc.sample(cases, { seed: 5, numRuns: 300 });
    let raceFree = 0;
    let nested = 0;
    let limited = 0;
    let tolerant = 0;
    let retried = 0;
    let caught = 0;
    let failed = 0;
    for (const c of sample) {
      const clean = runChain(c.definition, c.input, outcomes(c.outcome));
      if (!childScopeFailed(c.definition, clean.events)) raceFree++;
      if (depthOf(c.definition) === 2) nested++;
      const states = [...statesByName(c.definition).values()];
      if (states.some((s) => s.Type === 'Map' && (s.MaxConcurrency ?? 0) > 0)) limited++;
      if (
        states.some(
          (s) =>
            s.Type === 'Map' &&
            (s.ToleratedFailureCount !== undefined || s.ToleratedFailurePercentage !== undefined),
        )
      )
        tolerant++;
      if (clean.events.some((e) => e.event === 'state.retrying')) retried++;
      if (clean.events.some((e) => e.event === 'state.caught')) caught++;
      if (clean.status === 'FAILED') failed++;
    }
    const share = (n: number): number => n / sample.length;
    assert.ok(share(raceFree) > 0.3 && share(raceFree) < 0.95, `race-free: ${raceFree}`);
    assert.ok(share(nested) > 0.05, `nested twice: ${nested}`);
    assert.ok(share(limited) > 0.1, `Map with MaxConcurrency: ${limited}`);
    assert.ok(share(tolerant) > 0.05, `Map with tolerated failures: ${tolerant}`);
    assert.ok(share(retried) > 0.1, `retried: ${retried}`);
    assert.ok(share(caught) > 0.1, `caught: ${caught}`);
    assert.ok(share(failed) > 0.1 && share(failed) < 0.9, `failed: ${failed}`);
  });

  it("the lane generator reaches every part of the lanes' protocol under chaos", () => {
    // Counted over chaotic runs: items started by their predecessor's end, by a tolerated
    // failure's report (an item whose index is past the first MaxConcurrency and that no
    // successor started), failure reports, join checks and stopped items that changed a
    // document, join checks delivered again, and runs the clean run is a reference for.
    const sample = fc.sample(laneCases, { seed: 9, numRuns: 300 });
    let successors = 0;
    let toleratedNext = 0;
    let reports = 0;
    let joins = 0;
    let aborts = 0;
    let joinedAgain = 0;
    let compared = 0;
    for (const c of sample) {
      const chaos = runChaos(c.definition, c.input, outcomes(c.outcome), c.schedule);
      const clean = runChain(c.definition, c.input, outcomes(c.outcome));
      if (raceFree(c, clean, chaos)) compared++;
      const states = statesByName(c.definition);
      successors += chaos.successors > 0 ? 1 : 0;
      // A Map's first MaxConcurrency items start with it; a Parallel starts every branch.
      const widthOf = (state: string): number => {
        const parent = states.get(state);
        if (parent?.Type === 'Parallel') return parent.Branches.length;
        return parent?.Type === 'Map' ? (parent.MaxConcurrency ?? 0) : 0;
      };
      if (
        chaos.trace.some(
          (t) =>
            t.kind === 'spawn' && t.effect.part.index >= widthOf(t.effect.part.route.at(-1)!.state),
        )
      )
        toleratedNext++;
      if (chaos.trace.some((t) => t.kind === 'report')) reports++;
      if (chaos.trace.some((t) => t.kind === 'join')) joins++;
      if (chaos.trace.some((t) => t.kind === 'abort')) aborts++;
      if (chaos.counts.join > chaos.trace.filter((t) => t.kind === 'join').length) joinedAgain++;
    }
    const share = (n: number): number => n / sample.length;
    assert.ok(share(successors) > 0.3, `successors started: ${successors}`);
    assert.ok(share(toleratedNext) > 0.03, `started after a tolerated failure: ${toleratedNext}`);
    assert.ok(share(reports) > 0.2, `failure reports: ${reports}`);
    assert.ok(share(joins) > 0.5, `joins: ${joins}`);
    assert.ok(share(aborts) > 0.01, `items stopped: ${aborts}`);
    assert.ok(share(joinedAgain) > 0.3, `join checks repeated: ${joinedAgain}`);
    assert.ok(share(compared) > 0.3, `compared with the clean run: ${compared}`);
  });

  it("the generator drives Parallel branches as parts under chaos, as it drives a Map's items", () => {
    // Counted over chaotic runs: branch parts started (spawn), failed branches reported to
    // their Parallel, branch join checks and stopped branches that changed a document, and
    // branch parts whose Parallel runs in a part itself (in a Map item or another branch).
    const sample = fc.sample(cases, { seed: 13, numRuns: 300 });
    let spawned = 0;
    let reported = 0;
    let joined = 0;
    let stopped = 0;
    let inPart = 0;
    for (const c of sample) {
      const chaos = runChaos(c.definition, c.input, outcomes(c.outcome), c.schedule);
      const states = statesByName(c.definition);
      const branches = [...chaos.docs.values()].filter(
        (doc) =>
          doc.part !== undefined && states.get(doc.part.route.at(-1)!.state)?.Type === 'Parallel',
      );
      const ids = new Set(branches.map((doc) => doc.id));
      const groups = new Set(branches.map((doc) => doc.part!.group));
      if (chaos.trace.some((t) => t.kind === 'spawn' && ids.has(t.doc))) spawned++;
      if (chaos.trace.some((t) => t.kind === 'report' && ids.has(t.doc))) reported++;
      if (chaos.trace.some((t) => t.kind === 'join' && ids.has(t.doc))) joined++;
      if (chaos.trace.some((t) => t.kind === 'abort' && groups.has(t.doc))) stopped++;
      if (branches.some((doc) => doc.part!.parentDoc !== doc.part!.root)) inPart++;
    }
    const share = (n: number): number => n / sample.length;
    assert.ok(share(spawned) > 0.2, `branch parts started: ${spawned}`);
    assert.ok(share(reported) > 0.05, `branch failures reported: ${reported}`);
    assert.ok(share(joined) > 0.2, `Parallels joined by a branch: ${joined}`);
    assert.ok(share(stopped) > 0.02, `branches stopped: ${stopped}`);
    assert.ok(share(inPart) > 0.1, `Parallels in a part: ${inPart}`);
  });

  it('why the clean in-order run is the reference only when no branch fails: racing branches may launch other jobs', () => {
    // Branch 0's job fails; branch 1 runs two jobs. Whether the second is launched depends on
    // which job end the engine hears of first: both courses are correct, and both are exactly
    // once. The chaotic runs are still checked against their own clean replays.
    const definition: ChainDefinition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'A', States: { A: task('a') as never } },
            { StartAt: 'B', States: { B: task('b', 'C') as never, C: task('c') as never } },
          ],
        },
      },
    };
    assert.deepEqual(chainProblems(definition), []);
    const fail = outcomes({ seed: 0, failPercent: 0, cancelPercent: 0 });
    const outcome = (step: Parameters<typeof fail>[0]) =>
      step.state === 'A' ? 'FAILED' : fail(step);
    const clean = runChain(definition, {}, outcome);
    // Each branch runs in a part, asked for by a spawn. Pending deliveries are listed
    // launches, records, ends, timers, then messages (spawns, reports, join checks, aborts),
    // then redeliveries: [spawn A, spawn B]: spawn A (0); [launch a, spawn B]: spawn B (1);
    // [launch a, launch b]: launch a (0); [launch b, record a, end a]: launch b (0); then
    // [record a, record b, end a, end b]: end a (2) or end b (3) first. After end a, branch
    // A's part has failed: [record a, record b, end b, report A, join A, again end a]: its
    // report (3) reaches the Parallel before b ends. After end b, branch B goes on to C.
    const aFirst = runChaos(definition, {}, outcome, {
      choices: [0, 1, 0, 0, 2, 3],
      duplicates: 1,
      early: false,
    });
    const bFirst = runChaos(definition, {}, outcome, {
      choices: [0, 1, 0, 0, 3],
      duplicates: 1,
      early: false,
    });
    assert.deepEqual(
      aFirst.trace.slice(0, 4).map((t) => [t.kind, t.kind === 'end' ? t.job.name[0] : t.doc]),
      [
        ['spawn', aFirst.trace[0]!.doc],
        ['spawn', aFirst.trace[1]!.doc],
        ['end', 'a'],
        ['report', aFirst.trace[0]!.doc],
      ],
      "a's end, then branch A's report, before b's end",
    );
    assert.deepEqual(
      bFirst.trace.slice(0, 3).map((t) => [t.kind, t.kind === 'end' ? t.job.name[0] : t.doc]),
      [
        ['spawn', bFirst.trace[0]!.doc],
        ['spawn', bFirst.trace[1]!.doc],
        ['end', 'b'],
      ],
      "b's end first",
    );
    for (const r of [aFirst, bFirst]) {
      assert.deepEqual(r.violations, []);
      assert.equal(r.status, 'FAILED');
      const replay = replayClean(definition, {}, r.trace);
      assert.equal(replay.divergence, undefined);
      assert.deepEqual(ending(r), ending(replay));
    }
    const prefixes = (names: readonly string[]) => sorted(names.map((n) => n.split('-')[0]!));
    assert.deepEqual(prefixes(aFirst.launched), ['a', 'b']);
    assert.deepEqual(prefixes(bFirst.launched), ['a', 'b', 'c']);
    assert.deepEqual(prefixes(clean.launched.map((s) => s.jobName)), ['a', 'b']);
    assert.ok(childScopeFailed(definition, clean.events));
  });
});
