import { strict as assert } from 'node:assert';
import type { Branch, ChainDefinition, State } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { endedOf, isOrphan, onItemFailed, startPart } from '../../../src/engine/part.js';
import { launchesOf } from '../../../src/engine/transition.js';
import { at, launchAll, spawnsOf, start, task } from './drive.js';

// A Parallel branch or Map item that fails in the very transition that starts its siblings.
// The siblings' first states are still queued on the agenda when the failure is raised.

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

describe('engine: a child failing while its siblings are being started', () => {
  it('the chains are valid', () => {
    for (const definition of [
      parallel(TASK_FIRST, { Catch: CATCH }),
      parallel(PASS_FIRST, { Catch: CATCH }),
      MAP,
    ])
      assert.deepEqual(chainProblems(definition), []);
  });

  it('without Catch: the run fails with the branch error and launches nothing', () => {
    const t = start(parallel(TASK_FIRST, {}));
    assert.equal(t.run.status, 'FAILED');
    assert.deepEqual(t.run.error, { Error: 'E', Cause: 'c' });
    assert.deepEqual(launchesOf(t), []);
    assert.deepEqual(t.run.steps, {});
  });

  it('with Retry: the queued sibling is not started; the retry timer is armed', () => {
    const t = start(
      parallel(TASK_FIRST, { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }] }),
    );
    assert.equal(t.run.status, 'RUNNING');
    assert.deepEqual(launchesOf(t), []);
    assert.deepEqual(Object.keys(t.run.frames ?? {}), ['']);
    assert.equal(t.run.frames?.['']?.wait, 'retry');
  });

  describe('a caught failure while siblings are still queued (found by these tests, fixed)', () => {
    // raise() used to leave the Parallel's or Map's frame waiting on "children" until the Catch's
    // Next was entered, so drain() still entered sibling starts queued before the catch. The
    // frame now moves to "next" at once (interpreter.ts moveOn).

    it('a caught Parallel does not start a sibling branch after its failure (no orphan launch)', () => {
      const t = start(parallel(TASK_FIRST, { Catch: CATCH }));
      assert.equal(t.run.status, 'RUNNING');
      assert.equal(t.run.frames?.['']?.state, 'Hold');
      // Today: B's job is intended and launched, in a scope "Fan[1]" whose Parallel is gone.
      assert.deepEqual(
        launchesOf(t).map((e) => e.step.jobName),
        [],
        'no job launched for a branch of a Parallel that already failed',
      );
      assert.deepEqual(Object.keys(t.run.frames ?? {}), [''], 'no orphan frame');
    });

    it('so no orphan branch job exists whose end could fail the caught run later', () => {
      const definition = parallel(TASK_FIRST, { Catch: CATCH });
      const launched = launchAll(start(definition).run, at(1));
      assert.deepEqual(
        Object.values(launched.steps).filter((step) => step.state === 'B'),
        [],
      );
      assert.equal(launched.status, 'RUNNING');
    });

    it('a caught Parallel does not fail the run with "no such state" (sibling starting with a Pass)', () => {
      const t = start(parallel(PASS_FIRST, { Catch: CATCH }));
      // Today: FAILED, States.Runtime "States.Fan[1]/B: no such state in chain "c"": the orphan
      // branch's second state is looked up under a parent frame that now stands on Hold.
      assert.deepEqual([t.run.status, t.run.error], ['RUNNING', undefined]);
      assert.equal(t.run.frames?.['']?.state, 'Hold');
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
