import { strict as assert } from 'node:assert';
import type { Branch, ChainDefinition, State } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { partDocId, partKey } from '../../../src/engine/part-names.js';
import { endedOf, isOrphan, onItemFailed, startPart } from '../../../src/engine/part.js';
import type { Run } from '../../../src/engine/run.js';
import { launchesOf, type Transition } from '../../../src/engine/transition.js';
import {
  at,
  carryOut,
  effectsIn,
  launchForest,
  partAt,
  rootOf,
  spawnsOf,
  start,
  task,
  withEffects,
  type Forest,
} from './drive.js';

// A Parallel branch or Map item that fails in the very transition that starts it, while its
// siblings are being started. Branches and items run in parts (documents of their own): the
// Parallel or Map asks for all of them at once (spawn effects), and the failing child's part
// reports its failure while its siblings' spawns are still on their way, or once they started.

const HOLD: State = { Type: 'Wait', Seconds: 3600, End: true };
const CATCH = [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }];
const BOOM: Branch = {
  StartAt: 'Boom',
  States: { Boom: { Type: 'Fail', Error: 'E', Cause: 'c' } },
};

function parallel(second: Branch, extra: Record<string, unknown>): ChainDefinition {
  return {
    StartAt: 'Fan',
    States: {
      Fan: { Type: 'Parallel', Branches: [BOOM, second], End: true, ...extra },
      Hold: HOLD,
    },
  };
}

/** Branch B launches a job at once. */
const TASK_FIRST: Branch = { StartAt: 'B', States: { B: task('b') } };
/** Branch B passes first, then launches a job. */
const PASS_FIRST: Branch = {
  StartAt: 'Prep',
  States: { Prep: { Type: 'Pass', Next: 'B' }, B: task('b') },
};

/** Item 0 matches no Choice rule (States.NoChoiceMatched); the others launch a job. */
const MAP: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$', NumericGreaterThan: 0, Next: 'W' }] },
          W: task('w'),
        },
      },
      Catch: CATCH,
      End: true,
    },
    Hold: HOLD,
  },
};

/** The document id of the part of branch (or item) scope `scope`. */
const docOf = (scope: string): string => partDocId('r1', partKey(scope));

/** The run started, its spawns carried out in spawn order (branch 0, the failing one, first). */
function inOrder(definition: ChainDefinition): { t: Transition; forest: Forest } {
  const t = start(definition);
  return { t, forest: carryOut(definition, t, at(0)) };
}

/**
 * The run started; branch 1's spawn carried out first, and its intents recorded as launched
 * (`launch`); then branch 0's spawn: its part fails at once and reports to the Parallel.
 */
function siblingFirst(
  definition: ChainDefinition,
  launch: boolean,
): { t: Transition; forest: Forest } {
  const t = start(definition);
  const [boom, sibling] = spawnsOf(t);
  const forest = carryOut(definition, withEffects(t, [sibling!]), at(0));
  if (launch) launchForest(definition, forest, at(1));
  carryOut(definition, startPart(definition, rootOf(forest), boom!, at(2)), at(2), forest);
  return { t, forest };
}

/** Branch 1's part, stopped by the failure of branch 0: CANCELLED, its step B abandoned. */
function assertStopped(forest: Forest, launched: boolean): void {
  const sibling = partAt(forest, 'Fan[1]');
  assert.equal(sibling.status, 'CANCELLED');
  const steps = Object.values(sibling.steps).filter((s) => s.state === 'B');
  assert.equal(steps.length, 1, 'its step is kept until its job is settled');
  const b = steps[0]!;
  assert.equal(b.abandoned, true);
  assert.equal(b.status, launched ? 'LAUNCHED' : 'INTENDED');
  const effects = effectsIn(forest);
  const cancels = effects.filter((e) => e.kind === 'cancel');
  assert.deepEqual(
    cancels.map((e) => e.step.jobName),
    launched ? [b.jobName] : [],
    launched ? 'its launched job is cancelled, once' : 'nothing to cancel: it has no job',
  );
  // Its one launch was asked for when it was intended, before the failure: never again after.
  const launches = effects.filter((e) => e.kind === 'launch' && e.step.jobName === b.jobName);
  assert.equal(launches.length, 1);
  assert.deepEqual(
    effects.filter((e) => e.kind === 'abortItems'),
    [{ kind: 'abortItems', group: 'r1|Fan@0' }],
    'one abort of the branches of the Parallel entry',
  );
}

describe('engine: a child failing while its siblings are being started', () => {
  it('the chains are valid', () => {
    for (const definition of [
      parallel(TASK_FIRST, { Catch: CATCH }),
      parallel(PASS_FIRST, { Catch: CATCH }),
      MAP,
    ])
      assert.deepEqual(chainProblems(definition), []);
  });

  it('the Parallel asks for every branch at once, each in a part, and launches nothing itself', () => {
    const t = start(parallel(TASK_FIRST, {}));
    assert.equal(t.run.status, 'RUNNING');
    assert.deepEqual(launchesOf(t), []);
    assert.deepEqual(t.run.steps, {});
    assert.deepEqual(
      spawnsOf(t).map((s) => [s.part.scope, s.state]),
      [
        ['Fan[0]', 'Boom'],
        ['Fan[1]', 'B'],
      ],
    );
  });

  it('without Catch: the run fails with the branch error and launches nothing', () => {
    const definition = parallel(TASK_FIRST, {});
    const { forest } = inOrder(definition);
    const run = rootOf(forest);
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, { Error: 'E', Cause: 'c' });
    assert.deepEqual(forest.transitions.flatMap(launchesOf), []);
    assert.deepEqual(
      [...forest.docs.keys()].sort(),
      ['r1', docOf('Fan[0]')].sort(),
      "branch 1's part is never created: the Parallel no longer waits for it",
    );
    for (const doc of forest.docs.values()) assert.deepEqual(doc.steps, {}, doc.id);
  });

  for (const launched of [false, true]) {
    it(`without Catch, branch 1 started first: the failure stops its part (${launched ? 'its launched job cancelled' : 'its intent abandoned, never launched'})`, () => {
      const definition = parallel(TASK_FIRST, {});
      const { forest } = siblingFirst(definition, launched);
      const run = rootOf(forest);
      assert.deepEqual([run.status, run.error], ['FAILED', { Error: 'E', Cause: 'c' }]);
      assertStopped(forest, launched);
    });
  }

  it('with Retry: the queued sibling is not started; the retry timer is armed', () => {
    const definition = parallel(TASK_FIRST, {
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }],
    });
    const { t, forest } = inOrder(definition);
    const run = rootOf(forest);
    assert.equal(run.status, 'RUNNING');
    assert.deepEqual(forest.transitions.flatMap(launchesOf), []);
    assert.deepEqual(Object.keys(run.frames ?? {}), ['']);
    assert.equal(run.frames?.['']?.wait, 'retry');
    const timers = Object.values(run.timers ?? {});
    assert.deepEqual(
      timers.map((timer) => [timer.kind, timer.state, timer.attempt]),
      [['retry', 'Fan', 0]],
    );
    assert.equal(isOrphan(run, spawnsOf(t)[1]!.part), true);
    assert.equal(forest.docs.has(docOf('Fan[1]')), false, 'the sibling is not started');
  });

  it('with Retry, branch 1 started first: the failure stops its part before the retry', () => {
    const definition = parallel(TASK_FIRST, {
      Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }],
    });
    const { forest } = siblingFirst(definition, true);
    const run = rootOf(forest);
    assert.deepEqual([run.status, run.frames?.['']?.wait], ['RUNNING', 'retry']);
    assertStopped(forest, true);
  });

  describe('a caught failure while siblings are still queued (found by these tests, fixed)', () => {
    // raise() used to leave the Parallel's or Map's frame waiting on "children" until the Catch's
    // Next was entered, so drain() still entered sibling starts queued before the catch. The
    // frame now moves to "next" at once (interpreter.ts moveOn). With branches in parts, a
    // sibling's spawn carried out after the catch starts nothing (isOrphan), and one carried
    // out before is stopped by the catch (abortItems).

    it('a caught Parallel does not start a sibling branch after its failure (no orphan launch)', () => {
      const { t, forest } = inOrder(parallel(TASK_FIRST, { Catch: CATCH }));
      const run = rootOf(forest);
      assert.equal(run.status, 'RUNNING');
      assert.equal(run.frames?.['']?.state, 'Hold');
      assert.deepEqual(
        forest.transitions.flatMap(launchesOf).map((e) => e.step.jobName),
        [],
        'no job launched for a branch of a Parallel that already failed',
      );
      assert.deepEqual(Object.keys(run.frames ?? {}), [''], 'no orphan frame');
      assert.equal(forest.docs.has(docOf('Fan[1]')), false, 'no orphan part');
      assert.equal(isOrphan(run, spawnsOf(t)[1]!.part), true);
      assert.equal(isOrphan(t.run, spawnsOf(t)[1]!.part), false, 'before the report it waited');
    });

    it('so no orphan branch job exists whose end could fail the caught run later', () => {
      const definition = parallel(TASK_FIRST, { Catch: CATCH });
      const { forest } = inOrder(definition);
      launchForest(definition, forest, at(1));
      const steps = [...forest.docs.values()].flatMap((doc) => Object.values(doc.steps));
      assert.deepEqual(
        steps.filter((step) => step.state === 'B'),
        [],
      );
      assert.equal(rootOf(forest).status, 'RUNNING');
    });

    for (const launched of [false, true]) {
      it(`a caught Parallel stops a sibling branch started before its failure (${launched ? 'launched' : 'intended'})`, () => {
        const definition = parallel(TASK_FIRST, { Catch: CATCH });
        const { forest } = siblingFirst(definition, launched);
        const run = rootOf(forest);
        assert.deepEqual([run.status, run.frames?.['']?.state], ['RUNNING', 'Hold']);
        assert.deepEqual(Object.keys(run.frames ?? {}), [''], 'no orphan frame');
        assertStopped(forest, launched);
      });
    }

    it('a caught Parallel does not fail the run with "no such state" (sibling starting with a Pass)', () => {
      // Once: FAILED, States.Runtime "States.Fan[1]/B: no such state in chain "c"": the orphan
      // branch's second state was looked up under a parent frame that stood on Hold. A branch's
      // part finds its states by its route, and is stopped or never started.
      const definition = parallel(PASS_FIRST, { Catch: CATCH });
      for (const [order, { forest }] of [
        ['spawn order', inOrder(definition)],
        ['sibling first', siblingFirst(definition, false)],
      ] as const) {
        const run: Run = rootOf(forest);
        assert.deepEqual([run.status, run.error], ['RUNNING', undefined], order);
        assert.equal(run.frames?.['']?.state, 'Hold', order);
        // Only branch 0 failed, with its Fail's error; no document failed on a lookup.
        assert.deepEqual(
          [...forest.docs.values()]
            .filter((doc) => doc.status === 'FAILED')
            .map((doc) => [doc.id, doc.error]),
          [[docOf('Fan[0]'), { Error: 'E', Cause: 'c' }]],
          order,
        );
      }
      // Sibling first: it passed Prep and intended B in its own part before the catch stopped it.
      const { forest } = siblingFirst(definition, false);
      const sibling = partAt(forest, 'Fan[1]');
      assert.equal(sibling.status, 'CANCELLED');
      assert.deepEqual(
        Object.values(sibling.steps).map((s) => [s.state, s.abandoned]),
        [['B', true]],
      );
    });

    it('a caught Map does not fail the run with "no such state" when an item fails at once', () => {
      // Items run in parts now: the Map asks for all three at once (spawn), and item 0's part
      // fails in its very first transition, while its siblings' spawns are still on their way.
      const t = start(MAP, { items: [0, 1, 2] });
      assert.deepEqual([t.run.status, t.run.error], ['RUNNING', undefined]);
      assert.deepEqual(launchesOf(t), []);
      const spawns = spawnsOf(t);
      assert.deepEqual(
        spawns.map((s) => s.part.index),
        [0, 1, 2],
      );
      const item0 = startPart(MAP, t.run, spawns[0]!, at(0));
      assert.equal(item0.run.status, 'FAILED');
      assert.equal(item0.run.error?.Error, 'States.NoChoiceMatched');
      assert.deepEqual(launchesOf(item0), []);
      // Its report reaches the Map: caught, on to Hold. Once: "States.Each[1]/W: no such state in
      // chain "c"" (a sibling's second state looked up under a frame that stood on Hold).
      const failed = endedOf(item0.run);
      assert.ok(failed !== undefined && 'error' in failed);
      const caught = onItemFailed(MAP, t.run, item0.run.part!, failed, at(0));
      assert.deepEqual([caught.run.status, caught.run.error], ['RUNNING', undefined]);
      assert.equal(caught.run.frames?.['']?.state, 'Hold');
      assert.deepEqual(Object.keys(caught.run.frames ?? {}), [''], 'no orphan frame');
      assert.deepEqual(launchesOf(caught), []);
      assert.deepEqual(spawnsOf(caught), [], 'no sibling started after the failure');
      // The siblings still being started are stopped: one abort for the Map entry's items (its
      // group), and the Map no longer waits for them (a spawn carried out now would start an
      // orphan: isOrphan says so).
      assert.deepEqual(
        caught.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: spawns[0]!.part.group }],
      );
      assert.deepEqual(
        spawns.map((s) => s.part.group),
        ['r1|Each@0', 'r1|Each@0', 'r1|Each@0'],
      );
      for (const spawn of spawns.slice(1)) assert.equal(isOrphan(caught.run, spawn.part), true);
      assert.equal(isOrphan(t.run, spawns[1]!.part), false, 'before the report it waited for them');
    });
  });
});
