import { strict as assert } from 'node:assert';
import type { Branch, ChainDefinition, ParallelState, State } from '../../../../src/chain/types.js';
import { chainProblems } from '../../../../src/chain/validate.js';
import { groupOf, partDocId, partKey } from '../../../../src/engine/part-names.js';
import {
  endedOf,
  isOrphan,
  itemSpawns,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
} from '../../../../src/engine/part.js';
import type { Run } from '../../../../src/engine/run.js';
import { onTimer } from '../../../../src/engine/timer.js';
import { launchesOf, type Transition } from '../../../../src/engine/transition.js';
import type { JsonObject } from '../../../../src/json.js';
import { T0, at, carryOut, partAt, rootOf, spawnsOf, start, task, withEffects } from '../drive.js';

// src/engine/states/parallel.ts: a Parallel runs each branch in a part (a document of its
// own), as a Map runs its items; every branch is its own lane's last. The lanes protocol
// (src/engine/part.ts) carries it on: a failed branch reports (onItemFailed), every branch's
// end asks the Parallel to join (onMapJoined), and the tick recomputes a lost branch's start
// (itemSpawns).

const HOLD: State = { Type: 'Wait', Seconds: 3600, End: true };
const waits = (name: string): Branch => ({ StartAt: name, States: { [name]: HOLD } });
const BOOM: Branch = {
  StartAt: 'Boom',
  States: { Boom: { Type: 'Fail', Error: 'E', Cause: 'c' } },
};

/** A chain whose first state is the Parallel `Fan` (fields `extra`), then `after`. */
function fan(
  branches: Branch[],
  extra: Partial<ParallelState> = {},
  after: Record<string, State> = {},
): ChainDefinition {
  const next = extra.Next === undefined ? { End: true as const } : {};
  return {
    StartAt: 'Fan',
    States: {
      Fan: { Type: 'Parallel', Branches: branches, ...next, ...extra } as ParallelState,
      ...after,
    },
  };
}

/** Fan's input is `$.in`, shaped by Parameters (a path, a constant, the context object). */
const SHAPED = fan([waits('A'), { StartAt: 'B', States: { B: task('b') } }, waits('C')], {
  InputPath: '$.in',
  Parameters: {
    'x.$': '$.a',
    c: 1,
    'name.$': '$$.State.Name',
    'entered.$': '$$.State.EnteredTime',
  },
});

/** Branch 0 fails at once (E: c); branch 1 waits. */
function failing(extra: Partial<ParallelState>): ChainDefinition {
  return fan([BOOM, waits('W')], extra, extra.Catch === undefined ? {} : { Hold: HOLD });
}
const CAUGHT = failing({
  Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'Hold' }],
});
const UNCAUGHT = failing({});
const RETRIED = failing({
  Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 1 }],
});

/** Branch i waits `seconds[i]`, then passes `{branch: i, v}` on; Fan's result goes to `$.par`. */
function timed(seconds: readonly number[]): ChainDefinition {
  return fan(
    seconds.map((s, i) => ({
      StartAt: `W${i}`,
      States: {
        [`W${i}`]: { Type: 'Wait', Seconds: s, Next: `P${i}` },
        [`P${i}`]: { Type: 'Pass', Parameters: { branch: i, 'v.$': '$.v' }, End: true },
      },
    })),
    { ResultPath: '$.par' },
  );
}

/**
 * Pause waits 5 s; then Fan, whose Parameters read the context object and draw a UUID, so its
 * branch input depends on the entry's time, attempt and seed; branch 0 fails, Retry once.
 */
const DRAWN = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 5, Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Branches: [BOOM, waits('W1'), waits('W2')],
      Parameters: {
        'x.$': '$.a',
        'entered.$': '$$.State.EnteredTime',
        'retry.$': '$$.State.RetryCount',
        'id.$': 'States.UUID()',
      },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 1 }],
      End: true,
    },
  },
} as ChainDefinition;

/** Outer's branch 0 runs the Parallel Inner (input shaped by Parameters) in its part. */
const NESTED = fan([
  {
    StartAt: 'Inner',
    States: {
      Inner: {
        Type: 'Parallel',
        Branches: [waits('I0'), waits('I1')],
        Parameters: { 'x.$': '$.a', 'id.$': 'States.UUID()' },
        End: true,
      },
    },
  },
  waits('Other'),
]);

/** How a failed part ended, as it reports to its Parallel (fails the test for any other). */
function failure(part: Run): { readonly error: { Error: string; Cause: string } } {
  const ended = endedOf(part);
  assert.ok(ended !== undefined && 'error' in ended, `${part.id} has failed`);
  return ended;
}

/** The one timer of a document, fired when due. */
function fireOnly(definition: ChainDefinition, run: Run): Transition {
  const timers = Object.entries(run.timers ?? {});
  assert.equal(timers.length, 1, `one timer in ${run.id}`);
  const [name, timer] = timers[0]!;
  return onTimer(definition, run, name, timer.dueAt);
}

describe('engine: Parallel branches in parts (runParallel and the lanes protocol)', () => {
  it('the chains are valid', () => {
    for (const definition of [SHAPED, CAUGHT, UNCAUGHT, RETRIED, timed([3, 1, 2]), DRAWN, NESTED])
      assert.deepEqual(chainProblems(definition), []);
  });

  describe('runParallel', () => {
    const input = { in: { a: 'A' }, other: 1 };

    it('emits one spawn per branch, all `last`, in one group, each on the effective input', () => {
      const t = start(SHAPED, input);
      assert.equal(t.run.status, 'RUNNING');
      const frame = t.run.frames?.[''];
      const group = groupOf('r1', '', frame!);
      assert.equal(group, 'r1|Fan@0');
      // InputPath, then Parameters: what the Parallel runs on, and each branch starts with.
      const effective = { x: 'A', c: 1, name: 'Fan', entered: T0 };
      assert.deepEqual(
        spawnsOf(t),
        ['A', 'B', 'C'].map((state, index) => ({
          kind: 'spawn',
          part: {
            root: 'r1',
            key: partKey(`Fan[${index}]`),
            scope: `Fan[${index}]`,
            parent: '',
            parentDoc: 'r1',
            index,
            group,
            last: true,
            route: [{ state: 'Fan', index }],
          },
          state,
          input: effective,
        })),
      );
      assert.deepEqual(
        t.effects.map((e) => e.kind),
        ['spawn', 'spawn', 'spawn'],
        'nothing else: no launch, no timer in the run',
      );
      assert.deepEqual(frame, {
        state: 'Fan',
        input,
        enteredTime: T0,
        visit: 0,
        visits: { Fan: 1 },
        attempt: 0,
        wait: 'children',
        children: { total: 3, started: 3, running: 3, failed: 0, outputs: {}, parts: true },
      });
      assert.deepEqual([t.run.steps, t.run.timers], [{}, {}]);
      for (const spawn of spawnsOf(t))
        assert.equal(successorOf(SHAPED, t.run, spawn.part), undefined, 'every branch is last');
    });

    it("each branch's part starts its branch on that input; its job is in the part", () => {
      const t = start(SHAPED, input);
      const spawn = spawnsOf(t)[1]!;
      const part = startPart(SHAPED, t.run, spawn, at(1));
      assert.equal(part.run.id, partDocId('r1', partKey('Fan[1]')));
      assert.deepEqual(part.run.frames?.['Fan[1]']?.input, spawn.input);
      assert.deepEqual(
        launchesOf(part).map((e) => [e.step.state, e.step.scope]),
        [['B', 'Fan[1]']],
      );
    });

    it("a Parallel in a branch's part: its branches' parent document and group are the part's", () => {
      const forest = carryOut(NESTED, start(NESTED, { a: 'A' }), T0);
      const outer0 = partAt(forest, 'Fan[0]');
      const inner = forest.transitions.filter((t) => t.run.id === outer0.id).flatMap(spawnsOf);
      const group = groupOf(outer0.id, 'Fan[0]', outer0.frames!['Fan[0]']!);
      assert.equal(group, `${outer0.id}|Fan[0]/Inner@0`);
      assert.deepEqual(
        inner.map((s) => [s.part.scope, s.part.parentDoc, s.part.parent, s.part.group, s.state]),
        [
          ['Fan[0]/Inner[0]', outer0.id, 'Fan[0]', group, 'I0'],
          ['Fan[0]/Inner[1]', outer0.id, 'Fan[0]', group, 'I1'],
        ],
      );
      assert.deepEqual(
        inner.map((s) => s.part.last),
        [true, true],
      );
      assert.deepEqual(inner[0]!.input, inner[1]!.input, 'the same effective input');
      assert.equal((inner[0]!.input as JsonObject)['x'], 'A');
    });
  });

  describe("a failed branch's report (onItemFailed)", () => {
    it('with Catch: the Parallel moves to the catcher, and one abortItems stops its group', () => {
      const t = start(CAUGHT, { keep: 1 });
      const [boom, sibling] = spawnsOf(t);
      const failed = startPart(CAUGHT, t.run, boom!, at(1)).run;
      assert.deepEqual([failed.status, failed.fatal], ['FAILED', undefined]);
      const caught = onItemFailed(CAUGHT, t.run, failed.part!, failure(failed), at(2));
      assert.equal(caught.changed, true);
      assert.equal(caught.run.status, 'RUNNING');
      assert.deepEqual(Object.keys(caught.run.frames ?? {}), ['']);
      assert.equal(caught.run.frames?.['']?.state, 'Hold');
      assert.deepEqual(caught.run.frames?.['']?.input, {
        keep: 1,
        err: { Error: 'E', Cause: 'c' },
      });
      assert.deepEqual(
        caught.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: 'r1|Fan@0' }],
      );
      assert.deepEqual(
        caught.events.map((e) => [e.event, e.state, e.error]),
        [
          ['state.caught', 'Fan', { Error: 'E', Cause: 'c' }],
          ['state.waiting', 'Hold', undefined],
        ],
      );
      assert.deepEqual(spawnsOf(caught), []);
      assert.equal(isOrphan(caught.run, sibling!.part), true, 'the sibling is no longer wanted');
      const again = onItemFailed(CAUGHT, caught.run, failed.part!, failure(failed), at(3));
      assert.deepEqual([again.changed, again.effects], [false, []], 'a repeated report');
    });

    it("with Catch, carried out: the sibling's part is stopped", () => {
      const t = start(CAUGHT, { keep: 1 });
      const [boom, sibling] = spawnsOf(t);
      const forest = carryOut(CAUGHT, withEffects(t, [sibling!, boom!]), at(1));
      assert.equal(rootOf(forest).frames?.['']?.state, 'Hold');
      assert.equal(partAt(forest, 'Fan[1]').status, 'CANCELLED');
      assert.equal(partAt(forest, 'Fan[0]').status, 'FAILED');
    });

    it('without Catch: the run fails with the branch error', () => {
      const t = start(UNCAUGHT);
      const failed = startPart(UNCAUGHT, t.run, spawnsOf(t)[0]!, at(1)).run;
      const report = onItemFailed(UNCAUGHT, t.run, failed.part!, failure(failed), at(2));
      assert.deepEqual(
        [report.run.status, report.run.error],
        ['FAILED', { Error: 'E', Cause: 'c' }],
      );
      assert.deepEqual(report.run.frames, {});
      assert.deepEqual(
        report.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: 'r1|Fan@0' }],
      );
      assert.deepEqual(
        report.events.map((e) => [e.event, e.state]),
        [['run.failed', 'Fan']],
      );
    });

    it('with Retry: the branches start again in new parts, in the next attempt’s group', () => {
      const t = start(RETRIED);
      const failed = startPart(RETRIED, t.run, spawnsOf(t)[0]!, at(1)).run;
      const retrying = onItemFailed(RETRIED, t.run, failed.part!, failure(failed), at(2));
      assert.equal(retrying.run.frames?.['']?.wait, 'retry');
      assert.deepEqual(
        retrying.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: 'r1|Fan@0' }],
      );
      const again = fireOnly(RETRIED, retrying.run);
      assert.deepEqual(
        spawnsOf(again).map((s) => [s.part.scope, s.part.group, s.part.key, s.part.last]),
        [0, 1].map((i) => [`Fan@1[${i}]`, 'r1|Fan@1', partKey(`Fan@1[${i}]`), true]),
      );
      // The failed part of attempt 0 reports again: stale.
      const late = onItemFailed(RETRIED, again.run, failed.part!, failure(failed), at(4));
      assert.deepEqual([late.changed, late.effects], [false, []]);
    });

    it('a fatal error in a branch fails the run, past the Catch', () => {
      const definition = fan(
        [
          {
            StartAt: 'Bad',
            States: { Bad: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } },
          },
          waits('W'),
        ],
        { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }] },
        { Hold: HOLD },
      );
      const t = start(definition);
      const bad = startPart(definition, t.run, spawnsOf(t)[0]!, at(1)).run;
      assert.deepEqual([bad.status, bad.fatal], ['FAILED', true]);
      const report = onItemFailed(definition, t.run, bad.part!, endedOf(bad) as never, at(2));
      assert.deepEqual([report.run.status, report.run.error], ['FAILED', bad.error]);
      assert.deepEqual(
        report.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: 'r1|Fan@0' }],
      );
    });
  });

  describe("the join (onMapJoined): the branches' outputs in branch order", () => {
    it('whatever order the branches end in, the output lists them by index', () => {
      // Branch 1 ends first (1 s), then 2 (2 s), then 0 (3 s): each end asks for the join.
      const definition = timed([3, 1, 2]);
      const started = start(definition, { v: 'x' });
      const forest = carryOut(definition, started, T0);
      for (const scope of ['Fan[1]', 'Fan[2]']) {
        carryOut(definition, fireOnly(definition, partAt(forest, scope)), at(9), forest);
        assert.equal(partAt(forest, scope).status, 'SUCCEEDED');
        assert.deepEqual(rootOf(forest), started.run, `${scope} ended: the run still waits`);
      }
      carryOut(definition, fireOnly(definition, partAt(forest, 'Fan[0]')), at(9), forest);
      const run = rootOf(forest);
      assert.equal(run.status, 'SUCCEEDED');
      assert.deepEqual(run.output, {
        v: 'x',
        par: [0, 1, 2].map((branch) => ({ branch, v: 'x' })),
      });
    });

    it('the parts may be listed in any order; the join is the same', () => {
      const definition = timed([1, 1, 1]);
      const started = start(definition, { v: 'y' });
      const forest = carryOut(definition, started, T0);
      const parts = ['Fan[0]', 'Fan[1]', 'Fan[2]'].map((scope) => {
        carryOut(definition, fireOnly(definition, partAt(forest, scope)), at(1), forest);
        return partAt(forest, scope);
      });
      const expected = { v: 'y', par: [0, 1, 2].map((branch) => ({ branch, v: 'y' })) };
      assert.deepEqual(rootOf(forest).output, expected);
      for (const order of [
        [2, 1, 0],
        [1, 2, 0],
        [0, 2, 1],
      ]) {
        const listed = order.map((i) => parts[i]!);
        const joined = onMapJoined(definition, started.run, parts[order[0]!]!.part!, listed, at(2));
        assert.deepEqual(joined.run.output, expected, JSON.stringify(order));
      }
      // A branch missing or still running: no join.
      const waiting = onMapJoined(
        definition,
        started.run,
        parts[0]!.part!,
        parts.slice(0, 2),
        at(2),
      );
      assert.deepEqual([waiting.changed, waiting.run], [false, started.run]);
    });
  });

  describe('itemSpawns (the tick starts a branch whose start was lost)', () => {
    it("recomputes branch 1's spawn exactly: the same input, the same part", () => {
      const paused = start(DRAWN, { a: 'A' });
      const entered = fireOnly(DRAWN, paused.run);
      const spawns = spawnsOf(entered);
      assert.equal(spawns.length, 3);
      const input = spawns[1]!.input as JsonObject;
      assert.deepEqual([input['x'], input['entered'], input['retry']], ['A', at(5), 0]);
      assert.match(input['id'] as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]/);
      assert.deepEqual(itemSpawns(DRAWN, entered.run, '', [1]), [spawns[1]]);
      assert.deepEqual(itemSpawns(DRAWN, entered.run, '', [2, 0]), [spawns[2], spawns[0]]);
    });

    it('after a retry: the spawns of the next attempt, recomputed', () => {
      const paused = start(DRAWN, { a: 'A' });
      const entered = fireOnly(DRAWN, paused.run);
      const failed = startPart(DRAWN, entered.run, spawnsOf(entered)[0]!, at(6)).run;
      const retrying = onItemFailed(DRAWN, entered.run, failed.part!, failure(failed), at(6));
      const again = fireOnly(DRAWN, retrying.run);
      const spawns = spawnsOf(again);
      assert.deepEqual(
        spawns.map((s) => s.part.scope),
        ['Fan@1[0]', 'Fan@1[1]', 'Fan@1[2]'],
      );
      assert.equal((spawns[1]!.input as JsonObject)['retry'], 1);
      assert.notEqual(
        (spawns[1]!.input as JsonObject)['id'],
        (spawnsOf(entered)[1]!.input as JsonObject)['id'],
        'another attempt draws another UUID',
      );
      assert.deepEqual(itemSpawns(DRAWN, again.run, '', [1]), [spawns[1]]);
    });

    it("a Parallel in a branch's part: recomputed from the part's document", () => {
      const forest = carryOut(NESTED, start(NESTED, { a: 'A' }), T0);
      const outer0 = partAt(forest, 'Fan[0]');
      const inner = forest.transitions.filter((t) => t.run.id === outer0.id).flatMap(spawnsOf);
      assert.deepEqual(itemSpawns(NESTED, outer0, 'Fan[0]', [1]), [inner[1]]);
    });

    it('nothing once the Parallel no longer waits (caught, or the run ended)', () => {
      const t = start(CAUGHT, { keep: 1 });
      const failed = startPart(CAUGHT, t.run, spawnsOf(t)[0]!, at(1)).run;
      const caught = onItemFailed(CAUGHT, t.run, failed.part!, failure(failed), at(2));
      assert.deepEqual(itemSpawns(CAUGHT, t.run, '', [1]), [spawnsOf(t)[1]]);
      assert.deepEqual(itemSpawns(CAUGHT, caught.run, '', [1]), []);
      assert.deepEqual(itemSpawns(CAUGHT, { ...t.run, status: 'FAILED' }, '', [1]), []);
    });
  });
});
