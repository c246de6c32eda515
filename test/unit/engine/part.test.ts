import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ChainDefinition, MapState, State } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { stepLabels } from '../../../src/engine/labels.js';
import { onLaunched } from '../../../src/engine/launched.js';
import { groupOf, partDocId, partKey } from '../../../src/engine/part-names.js';
import {
  abortPart,
  endedOf,
  isOrphan,
  mayReadRunInput,
  onItemFailed,
  onMapJoined,
  startPart,
  successorOf,
  waitsOnParts,
} from '../../../src/engine/part.js';
import type { StateTable } from '../../../src/engine/scope.js';
import type { Part, Run, RunError } from '../../../src/engine/run.js';
import { onTimer } from '../../../src/engine/timer.js';
import { launchesOf, type SpawnEffect, type Transition } from '../../../src/engine/transition.js';
import { at, endJob, idOf, spawnsOf, start, stepFor, task } from './drive.js';
import { launchOf } from '../launch-of.js';

/** A chain whose first state is the Map `Each` over `$.items`, items running `processor`. */
function mapChain(
  processor: Record<string, State>,
  extra: Partial<MapState> = {},
  after: Record<string, State> = {},
): ChainDefinition {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: Object.keys(processor)[0]!, States: processor },
        End: true,
        ...extra,
      } as MapState,
      ...after,
    },
  };
}

/** Each item passes `{v: item}` at once: its part ends in its first transition. */
const PASS = mapChain({ P: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } });

/** Each item names its run (`$$.Execution.Id`), then runs job `w`, keeping that as its output. */
const IDS = mapChain({
  Id: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'v.$': '$' }, Next: 'W' },
  W: task('w', { ResultPath: null }),
});

const HOLD: State = { Type: 'Wait', Seconds: 3600, End: true };
const CATCH_ALL = { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }] };

/**
 * Under a Catch of States.ALL: an item `{bad: true}` selects a path that is not there
 * (States.Runtime, no Catch may take it); `{fail: true}` reaches a Fail state (caught); any
 * other runs job `w`.
 */
const GUARDED = mapChain(
  {
    Check: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.bad', IsPresent: true, Next: 'Bad' },
        { Variable: '$.fail', IsPresent: true, Next: 'Boom' },
      ],
      Default: 'W',
    },
    Bad: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true },
    Boom: { Type: 'Fail', Error: 'E', Cause: 'c' },
    W: task('w'),
  },
  CATCH_ALL,
  { Hold: HOLD },
);

/** Item 0 fails (retried once after 1 s); the others run job `w`. */
const RETRIED = mapChain(
  {
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$', NumericEquals: 0, Next: 'Boom' }],
      Default: 'W',
    },
    Boom: { Type: 'Fail', Error: 'E', Cause: 'c' },
    W: task('w'),
  },
  { Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 }] },
);

/** Each item runs the inner Map `Inner` over its own `$.items`, whose items run job `w`. */
const NESTED = mapChain({
  Inner: {
    Type: 'Map',
    ItemsPath: '$.items',
    ItemProcessor: { StartAt: 'W', States: { W: task('w') } },
    End: true,
  } as MapState,
});

/** The part a spawn starts, at `now`. */
function part(
  definition: ChainDefinition,
  parent: Run,
  spawn: SpawnEffect,
  now = at(1),
): Transition {
  return startPart(definition, parent, spawn, now);
}

/** How a failed part ended, as it reports to its Map (fails the test for any other part). */
function failure(ended: Run): { readonly error: RunError; readonly fatal?: true } {
  const how = endedOf(ended);
  assert.ok(how !== undefined && 'error' in how, `${ended.id} has failed`);
  return how;
}

/** The report of a failed part to its Map's document. */
function report(definition: ChainDefinition, map: Run, ended: Run, now = at(2)): Transition {
  return onItemFailed(definition, map, ended.part!, failure(ended), now);
}

/** The join check of `asking` (an ended part) with the parts `parts` of its group. */
function join(
  definition: ChainDefinition,
  map: Run,
  asking: Run,
  parts: readonly Run[],
  now = at(3),
): Transition {
  return onMapJoined(definition, map, asking.part!, parts, now);
}

/**
 * Item `{fail: true}` reaches a Fail state (E: c), `{bad: true}` selects a path that is not
 * there (States.Runtime: fatal), any other passes `{v}` on: each part ends in its first
 * transition. `extra`: the Map's fields; a Catch goes to Hold.
 */
function failing(extra: Partial<MapState> = {}): ChainDefinition {
  return mapChain(
    {
      Check: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.fail', IsPresent: true, Next: 'Boom' },
          { Variable: '$.bad', IsPresent: true, Next: 'Bad' },
        ],
        Default: 'P',
      },
      Boom: { Type: 'Fail', Error: 'E', Cause: 'c' },
      Bad: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true },
      P: { Type: 'Pass', Parameters: { 'v.$': '$.v' }, End: true },
    },
    extra,
    extra.Catch !== undefined || extra.Next !== undefined ? { Hold: HOLD } : {},
  );
}

/** `failing`, with the Map going on to Hold when it ends. */
function failingThenHold(extra: Partial<MapState> = {}): ChainDefinition {
  const definition = failing({ Next: 'Hold', ...extra });
  const { End: _end, ...map } = definition.States['Each'] as MapState & { End?: true };
  return { ...definition, States: { ...definition.States, Each: map as MapState } };
}

const OK = (v: number) => ({ v });
const FAIL = { fail: true };
const BAD = { bad: true };

/** The spawn effects of a transition, by the index of their item. */
const indices = (t: Transition): number[] => spawnsOf(t).map((s) => s.part.index);

describe('engine: Map items in parts of their own', () => {
  it('the chains are valid', () => {
    for (const definition of [PASS, IDS, GUARDED, RETRIED, NESTED, failing()])
      assert.deepEqual(chainProblems(definition), []);
    const tolerant = failing({
      MaxConcurrency: 2,
      ToleratedFailureCount: 1,
      Catch: CATCH_ALL.Catch,
    });
    assert.deepEqual(chainProblems(tolerant), []);
    assert.deepEqual(chainProblems(failingThenHold()), []);
  });

  describe('startPart', () => {
    const root = start(IDS, { items: ['a', 'b'] });
    const spawns = spawnsOf(root);

    it('the Map asks for each item, placed under the run and the Map', () => {
      assert.deepEqual(launchesOf(root), [], 'the Map launches nothing itself');
      assert.deepEqual(
        spawns.map((s) => [s.part, s.state, s.input]),
        [0, 1].map((index) => [
          {
            root: 'r1',
            key: partKey(`Each[${index}]`),
            scope: `Each[${index}]`,
            parent: '',
            parentDoc: 'r1',
            index,
            group: 'r1|Each@0',
            last: true,
            route: [{ state: 'Each', index }],
          },
          'Id',
          ['a', 'b'][index],
        ]),
      );
    });

    it("the part's document is `{root}.{key}`, with the run's fixed fields", () => {
      const t = part(IDS, root.run, spawns[1]!);
      assert.equal(t.run.id, `r1.${partKey('Each[1]')}`);
      assert.equal(t.run.id, partDocId('r1', spawns[1]!.part.key));
      assert.deepEqual(t.run.part, spawns[1]!.part);
      const fixed = ['chain', 'definitionHash', 'nonce', 'projectId', 'input', 'startTime'];
      for (const field of fixed)
        assert.deepEqual(t.run[field as keyof Run], root.run[field as keyof Run], field);
      assert.equal(t.run.status, 'RUNNING');
      assert.deepEqual(Object.keys(t.run.frames ?? {}), ['Each[1]']);
      assert.equal(t.run.frames?.['Each[1]']?.state, 'W');
      assert.ok(t.events.length > 0);
      for (const event of t.events) assert.equal(event.runId, 'r1', 'its log lines name the run');
    });

    it("its job carries the run's labels and dfchain-part: the part's key", () => {
      const t = part(IDS, root.run, spawns[1]!);
      const [launch] = launchesOf(t);
      assert.equal(launchesOf(t).length, 1);
      const labels = launchOf(launch!.step.request)?.environment?.['additionalUserLabels'];
      const expected = {
        'dfchain-run': 'r1',
        'dfchain-chain': 'c',
        'dfchain-state': 'w',
        'dfchain-part': partKey('Each[1]'),
      };
      assert.deepEqual(labels, expected);
      assert.deepEqual(stepLabels(t.run, 'W'), expected);
      assert.equal(launch!.step.scope, 'Each[1]');
    });

    it('keeps its ended steps itself (Run.ended), the transition still reports them archived', () => {
      const t = part(IDS, root.run, spawns[0]!);
      const w = stepFor(t.run, 'W');
      const ended = endJob(IDS, t.run, w, 'JOB_STATE_DONE', at(5));
      assert.deepEqual(
        ended.run.ended?.map((s) => [s.jobName, s.status]),
        [[w.jobName, 'SUCCEEDED']],
      );
      assert.deepEqual(ended.archived, ended.run.ended);
      assert.equal(ended.run.steps[w.jobName], undefined);
      assert.equal(root.run.ended, undefined, "a run's own ended steps go to its history");
    });

    it("$$.Execution.Id in the part is the run's id, not the document's", () => {
      const t = part(IDS, root.run, spawns[0]!);
      const ended = endJob(IDS, t.run, stepFor(t.run, 'W'), 'JOB_STATE_DONE', at(5));
      assert.equal(ended.run.status, 'SUCCEEDED');
      assert.deepEqual(ended.run.output, { id: 'r1', v: 'a' });
      assert.deepEqual(endedOf(ended.run), { output: { id: 'r1', v: 'a' } });
    });
  });

  describe("the run's input in a part", () => {
    it('is copied only into parts whose states may read it ($$.Execution.Input)', () => {
      const root = start(PASS, { items: ['a'], big: 'x'.repeat(1000) });
      const t = part(PASS, root.run, spawnsOf(root)[0]!);
      assert.deepEqual(t.run.input, {}, 'a Pass of `$` never reads the run input');
      const ids = start(IDS, { items: ['a'], big: 'x' });
      assert.deepEqual(part(IDS, ids.run, spawnsOf(ids)[0]!).run.input, ids.run.input);
    });

    it('an item reading $$.Execution.Input gets the run input', () => {
      const reads = mapChain({
        P: {
          Type: 'Pass',
          Parameters: { 'date.$': '$$.Execution.Input.date', 'v.$': '$' },
          End: true,
        },
      });
      const root = start(reads, { items: ['a'], date: '2026-11-21' });
      const t = part(reads, root.run, spawnsOf(root)[0]!);
      assert.deepEqual(t.run.output, { date: '2026-11-21', v: 'a' });
    });

    const cases: [text: string, reads: boolean][] = [
      ['$', false],
      ['$$.State.Name', false],
      ['$$.StateMachine.Id', false],
      ['$$.Map.Item.Index', false],
      ['$$.Task.Token', false],
      ['$$', true],
      ['$$.Execution', true],
      ['$$.Execution.Input.date', true],
      ['$$.Execution.Id', true],
      ["$$['Execution']", true],
      ['States.JsonToString($$)', true],
    ];
    for (const [text, reads] of cases) {
      it(`mayReadRunInput: ${JSON.stringify(text)} ${reads ? 'may' : 'cannot'} read it`, () => {
        const table = {
          StartAt: 'P',
          States: { P: { Type: 'Pass', Parameters: { 'x.$': text }, End: true } },
        };
        assert.equal(mayReadRunInput(table as StateTable), reads);
      });
    }
  });

  describe('successorOf', () => {
    /**
     * Every part of a Map over `items` whose parts end at once, lane by lane (successorOf), and
     * the Map's document.
     */
    function lanes(
      definition: ChainDefinition,
      items: readonly unknown[],
    ): { map: Run; parts: Map<number, Run> } {
      const root = start(definition, { items: items as never });
      const parts = new Map<number, Run>();
      const queue = [...spawnsOf(root)];
      for (let spawn = queue.shift(); spawn !== undefined; spawn = queue.shift()) {
        assert.ok(!parts.has(spawn.part.index), `item ${spawn.part.index} started twice`);
        const t = part(definition, root.run, spawn);
        parts.set(spawn.part.index, t.run);
        const next = successorOf(definition, root.run, t.run.part!);
        if (next !== undefined) queue.push(next);
      }
      return { map: root.run, parts };
    }

    it("the lane's next item is index + MaxConcurrency, in the same group, with its own input", () => {
      const definition = failing({ MaxConcurrency: 2 });
      const items = [0, 1, 2, 3, 4].map(OK);
      const root = start(definition, { items });
      assert.deepEqual(indices(root), [0, 1], 'the Map starts one item per lane');
      const [s0, s1] = spawnsOf(root);
      const next0 = successorOf(definition, root.run, s0!.part);
      const next1 = successorOf(definition, root.run, s1!.part);
      assert.deepEqual([next0?.part.index, next1?.part.index], [2, 3]);
      assert.deepEqual(next0, {
        kind: 'spawn',
        part: {
          root: 'r1',
          key: partKey('Each[2]'),
          scope: 'Each[2]',
          parent: '',
          parentDoc: 'r1',
          index: 2,
          group: 'r1|Each@0',
          route: [{ state: 'Each', index: 2 }],
        },
        state: 'Check',
        input: { v: 2 },
      });
      assert.equal(successorOf(definition, root.run, next0.part)?.part.index, 4);
      assert.equal(successorOf(definition, root.run, next1!.part), undefined, '3 + 2 is past 4');
      // The successor is read from the Map's document alone: the part need not have ended.
      assert.deepEqual(successorOf(definition, root.run, s0!.part), next0);
    });

    it('MaxConcurrency 3 over 7 items: lanes 0-3-6, 1-4, 2-5; every item started once', () => {
      const definition = failing({ MaxConcurrency: 3 });
      const { parts } = lanes(definition, [0, 1, 2, 3, 4, 5, 6].map(OK));
      assert.deepEqual([...parts.keys()], [0, 1, 2, 3, 4, 5, 6]);
      for (const [index, run] of parts)
        assert.deepEqual([run.status, run.output], ['SUCCEEDED', { v: index }]);
    });

    it('an item with an ItemSelector gets its own $$.Map.Item', () => {
      const definition = mapChain(
        { P: { Type: 'Pass', End: true } },
        {
          MaxConcurrency: 1,
          ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'k.$': '$.k' },
        },
      );
      const root = start(definition, { items: ['a', 'b'], k: 'K' });
      const next = successorOf(definition, root.run, spawnsOf(root)[0]!.part);
      assert.deepEqual(next?.input, { i: 1, v: 'b', k: 'K' });
    });

    it('none when the Map no longer waits: caught, retried, another attempt, run ended', () => {
      const definition = failing({ MaxConcurrency: 1, Catch: CATCH_ALL.Catch });
      const root = start(definition, { items: [FAIL, OK(1)] });
      const [s0] = spawnsOf(root);
      assert.equal(successorOf(definition, root.run, s0!.part)?.part.index, 1, 'while it waits');
      const item0 = part(definition, root.run, s0!);
      const caught = report(definition, root.run, item0.run);
      assert.equal(caught.run.frames?.['']?.state, 'Hold');
      assert.equal(successorOf(definition, caught.run, s0!.part), undefined, 'caught');
      const ended: Run = { ...root.run, status: 'FAILED' };
      assert.equal(successorOf(definition, ended, s0!.part), undefined, 'the run ended');
      assert.equal(successorOf(definition, undefined, s0!.part), undefined, 'no Map document');
      const stale: Part = { ...s0!.part, scope: 'Each@1[0]', key: partKey('Each@1[0]') };
      assert.equal(successorOf(definition, root.run, stale), undefined, 'another attempt');
      const visit: Part = { ...s0!.part, scope: 'Each#1[0]', key: partKey('Each#1[0]') };
      assert.equal(successorOf(definition, root.run, visit), undefined, 'another visit');
    });

    it('none for an item of the attempt before a retry', () => {
      const definition = failing({
        MaxConcurrency: 1,
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 }],
      });
      const root = start(definition, { items: [FAIL, OK(1)] });
      const [s0] = spawnsOf(root);
      const retrying = report(definition, root.run, part(definition, root.run, s0!).run);
      assert.equal(retrying.run.frames?.['']?.wait, 'retry');
      assert.equal(successorOf(definition, retrying.run, s0!.part), undefined, 'retry pending');
      const [timer] = Object.keys(retrying.run.timers ?? {});
      const again = onTimer(definition, retrying.run, timer!, at(10));
      const [r0] = spawnsOf(again);
      assert.equal(r0?.part.scope, 'Each@1[0]');
      assert.equal(successorOf(definition, again.run, s0!.part), undefined, 'attempt 0');
      assert.equal(successorOf(definition, again.run, r0.part)?.part.scope, 'Each@1[1]');
    });

    it('an unbounded Map (or MaxConcurrency ≥ items) starts every item at once: no successors', () => {
      for (const extra of [
        {},
        { MaxConcurrency: 0 },
        { MaxConcurrency: 4 },
        { MaxConcurrency: 9 },
      ]) {
        const definition = failing(extra);
        const root = start(definition, { items: [0, 1, 2, 3].map(OK) });
        assert.deepEqual(indices(root), [0, 1, 2, 3], JSON.stringify(extra));
        for (const spawn of spawnsOf(root)) {
          assert.equal(spawn.part.last, true);
          assert.equal(successorOf(definition, root.run, spawn.part), undefined);
        }
      }
    });

    it('Part.last is set exactly on the items with index + width ≥ total, and they have no successor', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 12 }), fc.nat({ max: 14 }), (total, max) => {
          const definition = failing(max > 0 ? { MaxConcurrency: max } : {});
          const { map, parts } = lanes(
            definition,
            Array.from({ length: total }, (_, i) => OK(i)),
          );
          const width = max || total;
          assert.deepEqual(
            [...parts.keys()].sort((a, b) => a - b),
            Array.from({ length: total }, (_, i) => i),
            'every item starts, once',
          );
          for (const [index, run] of parts) {
            const last = index + width >= total;
            const where = `item ${index} of ${total}, width ${width}`;
            assert.equal(run.part!.last, last ? true : undefined, where);
            const next = successorOf(definition, map, run.part!);
            assert.equal(next?.part.index, last ? undefined : index + width, where);
          }
          const lasts = [...parts.values()].filter((run) => run.part!.last).length;
          assert.equal(lasts, Math.min(width, total), 'one last item per lane');
        }),
      );
    });
  });

  describe('onItemFailed', () => {
    /** Tolerates one failed item of 4, 2 lanes: item 0 fails, item 1 fails too when asked. */
    const TOLERANT = failing({
      MaxConcurrency: 2,
      ToleratedFailureCount: 1,
      Catch: CATCH_ALL.Catch,
    });

    it('counts a failure once; a second identical report is unchanged but asks for the successor again', () => {
      const root = start(TOLERANT, { items: [FAIL, OK(1), OK(2), OK(3)] });
      const item0 = part(TOLERANT, root.run, spawnsOf(root)[0]!);
      assert.deepEqual(endedOf(item0.run), { error: { Error: 'E', Cause: 'c' } });
      const once = report(TOLERANT, root.run, item0.run);
      assert.equal(once.changed, true);
      assert.equal(once.run.status, 'RUNNING');
      const children = once.run.frames?.['']?.children;
      assert.deepEqual([children?.failed, children?.failedItems], [1, [0]]);
      assert.equal(once.run.frames?.['']?.wait, 'children', 'tolerated: the Map still waits');
      assert.deepEqual(indices(once), [2], "the failed item's lane goes on");
      assert.deepEqual(spawnsOf(once)[0], successorOf(TOLERANT, root.run, item0.run.part!));
      const twice = report(TOLERANT, once.run, item0.run, at(3));
      assert.equal(twice.changed, false);
      assert.equal(twice.run, once.run, 'the Map is not written again');
      assert.deepEqual(twice.events, []);
      assert.deepEqual(twice.effects, once.effects, 'the same successor spawn, again');
      const thrice = report(TOLERANT, twice.run, item0.run, at(4));
      assert.deepEqual([thrice.changed, thrice.effects], [false, once.effects]);
    });

    it("a tolerated failure of a lane's last item starts nothing", () => {
      const root = start(TOLERANT, { items: [OK(0), FAIL] });
      const item1 = part(TOLERANT, root.run, spawnsOf(root)[1]!);
      assert.equal(item1.run.part?.last, true);
      const t = report(TOLERANT, root.run, item1.run);
      assert.equal(t.changed, true);
      assert.deepEqual(t.effects, []);
      assert.deepEqual(report(TOLERANT, t.run, item1.run).effects, [], 'nor when repeated');
    });

    it('beyond the tolerance the Map fails (its Catch applies) and one abortItems stops its group', () => {
      const root = start(TOLERANT, { items: [FAIL, FAIL, OK(2), OK(3)] });
      const [s0, s1] = spawnsOf(root);
      const first = report(TOLERANT, root.run, part(TOLERANT, root.run, s0!).run);
      assert.equal(first.run.frames?.['']?.wait, 'children');
      const second = report(TOLERANT, first.run, part(TOLERANT, root.run, s1!).run);
      assert.equal(second.changed, true);
      assert.equal(second.run.frames?.['']?.state, 'Hold', 'caught');
      assert.deepEqual(
        second.effects.filter((e) => e.kind !== 'timer'),
        [{ kind: 'abortItems', group: 'r1|Each@0' }],
      );
      assert.deepEqual(
        second.events.map((e) => [e.event, e.state, e.error?.Error]),
        [
          ['state.caught', 'Each', 'States.ExceedToleratedFailureThreshold'],
          ['state.waiting', 'Hold', undefined],
        ],
      );
      // A report that comes after changes nothing and starts nothing.
      const late = report(TOLERANT, second.run, part(TOLERANT, root.run, s1!).run);
      assert.deepEqual([late.changed, late.effects], [false, []]);
    });

    it('without a tolerance the first failure fails the Map with the item error', () => {
      const definition = failing({ MaxConcurrency: 2 });
      const root = start(definition, { items: [FAIL, OK(1), OK(2)] });
      const t = report(definition, root.run, part(definition, root.run, spawnsOf(root)[0]!).run);
      assert.deepEqual([t.run.status, t.run.error], ['FAILED', { Error: 'E', Cause: 'c' }]);
      assert.deepEqual(
        t.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: 'r1|Each@0' }],
      );
      assert.deepEqual(spawnsOf(t), [], 'no successor');
    });

    it('a percentage tolerance counts against all items', () => {
      const definition = failing({ MaxConcurrency: 1, ToleratedFailurePercentage: 50 });
      const root = start(definition, { items: [FAIL, FAIL, FAIL, OK(3)] });
      let map = root.run;
      let spawn = spawnsOf(root)[0];
      for (const expected of ['children', 'children', undefined]) {
        const t = report(definition, map, part(definition, root.run, spawn!).run);
        map = t.run;
        spawn = spawnsOf(t)[0];
        assert.equal(map.frames?.['']?.wait, expected);
      }
      assert.equal(map.status, 'FAILED', '3 of 4 is more than 50%');
      assert.equal(map.error?.Error, 'States.ExceedToleratedFailureThreshold');
    });

    it('a fatal failure fails the run, under a Catch of States.ALL and any tolerance', () => {
      for (const extra of [
        { Catch: CATCH_ALL.Catch },
        { Catch: CATCH_ALL.Catch, ToleratedFailureCount: 5 },
        { ToleratedFailurePercentage: 100 },
      ]) {
        const definition = failing({ MaxConcurrency: 1, ...extra });
        const root = start(definition, { items: [BAD, OK(1)] });
        const bad = part(definition, root.run, spawnsOf(root)[0]!);
        assert.deepEqual([bad.run.status, bad.run.fatal], ['FAILED', true]);
        assert.equal(bad.run.error?.Error, 'States.Runtime');
        const t = report(definition, root.run, bad.run);
        assert.deepEqual(
          [t.run.status, t.run.error],
          ['FAILED', bad.run.error],
          JSON.stringify(extra),
        );
        assert.deepEqual(spawnsOf(t), [], 'no successor');
        assert.deepEqual(
          t.effects.filter((e) => e.kind === 'abortItems'),
          [{ kind: 'abortItems', group: 'r1|Each@0' }],
        );
      }
    });

    it("the report's `fatal` alone decides: the same error unmarked is an ordinary failure", () => {
      const root = start(GUARDED, { items: [{ bad: true }] });
      const item = spawnsOf(root)[0]!.part;
      const error = { Error: 'E', Cause: 'c' };
      const marked = onItemFailed(GUARDED, root.run, item, { error, fatal: true }, at(2));
      assert.deepEqual([marked.run.status, marked.run.error], ['FAILED', error]);
      const ordinary = onItemFailed(GUARDED, root.run, item, { error }, at(2));
      assert.deepEqual(
        [ordinary.run.status, ordinary.run.frames?.['']?.state],
        ['RUNNING', 'Hold'],
      );
    });

    it('a stale report changes nothing: another visit, attempt, Map, index, or an ended run', () => {
      const root = start(TOLERANT, { items: [FAIL, OK(1), OK(2)] });
      const real = spawnsOf(root)[0]!.part;
      const error = { error: { Error: 'E', Cause: 'c' } };
      const stale = (fields: Partial<Part>, map = root.run) =>
        onItemFailed(TOLERANT, map, { ...real, ...fields }, error, at(2));
      assert.equal(stale({}).changed, true, 'the real report counts');
      for (const [fields, what] of [
        [{ scope: 'Each#1[0]' }, 'another visit of the Map'],
        [{ scope: 'Each@1[0]' }, 'another attempt'],
        [{ parent: 'Fan[0]' }, 'another Map'],
        [{ index: 3, scope: 'Each[3]' }, 'no such item'],
      ] as const) {
        const t = stale(fields);
        assert.deepEqual([t.changed, t.effects], [false, []], what);
      }
      const ended: Run = { ...root.run, status: 'FAILED' };
      assert.deepEqual([stale({}, ended).changed, stale({}, ended).effects], [false, []]);
    });

    it('a report from the attempt before a retry changes nothing', () => {
      const root = start(RETRIED, { items: [0, 1] });
      const [s0, s1] = spawnsOf(root);
      const item1 = part(RETRIED, root.run, s1!);
      const item0 = part(RETRIED, root.run, s0!);
      assert.equal(item0.run.status, 'FAILED');
      const retrying = report(RETRIED, root.run, item0.run);
      assert.equal(retrying.run.frames?.['']?.wait, 'retry');
      assert.deepEqual(
        retrying.effects.filter((e) => e.kind === 'abortItems'),
        [{ kind: 'abortItems', group: item1.run.part!.group }],
        'the running sibling is stopped',
      );
      const [timer] = Object.keys(retrying.run.timers ?? {});
      const again = onTimer(RETRIED, retrying.run, timer!, at(10));
      assert.deepEqual(
        spawnsOf(again).map((s) => [s.part.scope, s.part.group]),
        [
          ['Each@1[0]', 'r1|Each@1'],
          ['Each@1[1]', 'r1|Each@1'],
        ],
      );
      // Item 0 of attempt 0 reports again: stale now, even though attempt 1 waits on item 0.
      const late = report(RETRIED, again.run, item0.run, at(12));
      assert.deepEqual([late.changed, late.effects], [false, []]);
      assert.equal(isOrphan(again.run, item1.run.part!), true);
    });
  });

  describe('onMapJoined', () => {
    const TOLERANT = failing({ ToleratedFailureCount: 1 });

    it('unchanged while an item is missing or RUNNING', () => {
      const root = start(IDS, { items: ['a', 'b', 'c'] });
      const parts = spawnsOf(root).map((s) => part(IDS, root.run, s).run);
      const done = parts.map((p) => endJob(IDS, p, stepFor(p, 'W'), 'JOB_STATE_DONE', at(5)).run);
      for (const p of done) assert.equal(p.status, 'SUCCEEDED');
      const asking = done[2]!;
      for (const [group, what] of [
        [[done[0]!, parts[1]!, done[2]!], 'item 1 RUNNING'],
        [[done[0]!, done[2]!], 'item 1 missing'],
        [[], 'no parts'],
      ] as const) {
        const t = join(IDS, root.run, asking, group);
        assert.deepEqual([t.changed, t.run, t.effects], [false, root.run, []], what);
      }
      const joined = join(IDS, root.run, asking, done);
      assert.equal(joined.run.status, 'SUCCEEDED');
      assert.deepEqual(joined.run.output, [
        { id: 'r1', v: 'a' },
        { id: 'r1', v: 'b' },
        { id: 'r1', v: 'c' },
      ]);
    });

    it('an item stopped (CANCELLED) is never joined', () => {
      const root = start(IDS, { items: ['a'] });
      const running = part(IDS, root.run, spawnsOf(root)[0]!).run;
      const stopped = abortPart(IDS, running, at(2)).run;
      assert.equal(join(IDS, root.run, stopped, [stopped]).changed, false);
    });

    it('joins with the outputs in index order, tolerated failures as {Error, Cause}', () => {
      const root = start(TOLERANT, { items: [OK(0), FAIL, OK(2)] });
      const parts = spawnsOf(root).map((s) => part(TOLERANT, root.run, s).run);
      const shuffled = [parts[2]!, parts[0]!, parts[1]!];
      const joined = join(TOLERANT, root.run, parts[2]!, shuffled);
      assert.equal(joined.changed, true);
      assert.equal(joined.run.status, 'SUCCEEDED');
      assert.deepEqual(joined.run.output, [{ v: 0 }, { Error: 'E', Cause: 'c' }, { v: 2 }]);
      assert.deepEqual(
        joined.events.map((e) => e.event),
        ['run.succeeded'],
      );
      // Any part of the group may ask; the failure need not have been reported first.
      const byOther = join(TOLERANT, root.run, parts[0]!, shuffled);
      assert.deepEqual(byOther.run.output, joined.run.output);
      const reported = report(TOLERANT, root.run, parts[1]!).run;
      assert.deepEqual(join(TOLERANT, reported, parts[2]!, shuffled).run.output, joined.run.output);
    });

    it('a fatal item fails the run at the join, even when its report has not arrived (tolerated or not)', () => {
      const root = start(TOLERANT, { items: [BAD, OK(1)] });
      const parts = spawnsOf(root).map((s) => part(TOLERANT, root.run, s).run);
      assert.equal(parts[0]!.fatal, true);
      const joined = join(TOLERANT, root.run, parts[1]!, parts);
      assert.equal(joined.run.status, 'FAILED');
      assert.equal(joined.run.error?.Error, 'States.Runtime');
      const reported = report(TOLERANT, root.run, parts[0]!).run;
      assert.deepEqual(reported.status, 'FAILED', 'the report alone gives the same end');
      assert.deepEqual(reported.error, joined.run.error);
    });

    it('beyond the tolerance, the join counts the failures as reports in index order would', () => {
      const definition = failing({ ToleratedFailureCount: 1, Catch: CATCH_ALL.Catch });
      const root = start(definition, { items: [FAIL, FAIL, FAIL] });
      const parts = spawnsOf(root).map((s) => part(definition, root.run, s).run);
      const joined = join(definition, root.run, parts[2]!, parts);
      let reported = root.run;
      for (const p of parts) reported = report(definition, reported, p).run;
      for (const map of [joined.run, reported]) {
        assert.equal(map.frames?.['']?.state, 'Hold');
        const caught = map.frames?.['']?.input as { Error: string; Cause: string };
        assert.equal(caught.Error, 'States.ExceedToleratedFailureThreshold');
        assert.match(caught.Cause, /^2 of 3 items failed/);
      }
    });

    it('a second join check after the join changes nothing', () => {
      const root = start(PASS, { items: [1, 2] });
      const parts = spawnsOf(root).map((s) => part(PASS, root.run, s).run);
      const joined = join(PASS, root.run, parts[1]!, parts);
      assert.equal(joined.run.status, 'SUCCEEDED');
      const again = join(PASS, joined.run, parts[0]!, parts, at(4));
      assert.deepEqual([again.changed, again.run, again.effects], [false, joined.run, []]);
      // Under a Map that goes on (a Next), the Map's frame has moved on: nothing either.
      const next = failingThenHold();
      const r = start(next, { items: [OK(0)] });
      const p = spawnsOf(r).map((s) => part(next, r.run, s).run);
      const moved = join(next, r.run, p[0]!, p);
      assert.equal(moved.run.frames?.['']?.state, 'Hold');
      assert.equal(join(next, moved.run, p[0]!, p).changed, false);
    });

    it('ignores parts of another group: another attempt, Map entry, or Map', () => {
      const root = start(TOLERANT, { items: [OK(0), OK(1)] });
      const parts = spawnsOf(root).map((s) => part(TOLERANT, root.run, s).run);
      const foreign = (run: Run, fields: Partial<Part>): Run => ({
        ...run,
        id: `${run.id}x`,
        output: { v: 'foreign' },
        part: { ...run.part!, ...fields },
      });
      for (const fields of [
        { group: 'r1|Each@1', scope: 'Each@1[0]' },
        { group: 'r1|Each#1@0', scope: 'Each#1[0]' },
        { group: 'r1|Fan[0]/Each@0', parent: 'Fan[0]' },
        { group: 'other|Each@0' },
      ]) {
        const other = foreign(parts[0]!, fields);
        // Only the foreign part for item 0: the Map still misses its item 0.
        assert.equal(join(TOLERANT, root.run, parts[1]!, [other, parts[1]!]).changed, false);
        // Both: the Map's own item 0 counts, wherever the foreign one comes.
        for (const order of [
          [parts[0]!, other, parts[1]!],
          [other, parts[0]!, parts[1]!],
        ]) {
          const joined = join(TOLERANT, root.run, parts[1]!, order);
          assert.deepEqual(joined.run.output, [{ v: 0 }, { v: 1 }], JSON.stringify(fields));
        }
      }
    });

    it('a join check from a stale part changes nothing', () => {
      const root = start(PASS, { items: [1] });
      const parts = spawnsOf(root).map((s) => part(PASS, root.run, s).run);
      const stale: Run = {
        ...parts[0]!,
        part: { ...parts[0]!.part!, scope: 'Each@1[0]', group: 'r1|Each@1' },
      };
      assert.equal(join(PASS, root.run, stale, [stale]).changed, false);
      const ended: Run = { ...root.run, status: 'FAILED' };
      assert.equal(join(PASS, ended, parts[0]!, parts).changed, false);
    });

    it('failures beyond the tolerance fail the Map at the join; without one, the item error', () => {
      const root = start(TOLERANT, { items: [FAIL, OK(1), FAIL] });
      const parts = spawnsOf(root).map((s) => part(TOLERANT, root.run, s).run);
      const joined = join(TOLERANT, root.run, parts[1]!, parts);
      assert.equal(joined.run.status, 'FAILED');
      assert.equal(joined.run.error?.Error, 'States.ExceedToleratedFailureThreshold');
      assert.match(joined.run.error?.Cause ?? '', /^2 of 3 items failed/);
      const strict = failing();
      const r = start(strict, { items: [OK(0), FAIL] });
      const p = spawnsOf(r).map((s) => part(strict, r.run, s).run);
      const failed = join(strict, r.run, p[0]!, p);
      assert.deepEqual(
        [failed.run.status, failed.run.error],
        ['FAILED', { Error: 'E', Cause: 'c' }],
      );
    });

    it('a Map of 5 items, 2 lanes: joins only once every lane ended, from either last item', () => {
      const definition = failing({ MaxConcurrency: 2 });
      const root = start(definition, { items: [0, 1, 2, 3, 4].map(OK) });
      const parts: Run[] = [];
      const queue = [...spawnsOf(root)];
      const joins: boolean[] = [];
      for (let spawn = queue.shift(); spawn !== undefined; spawn = queue.shift()) {
        const t = part(definition, root.run, spawn);
        parts.push(t.run);
        const next = successorOf(definition, root.run, t.run.part!);
        if (next) queue.push(next);
        if (t.run.part!.last) joins.push(join(definition, root.run, t.run, parts).changed);
      }
      assert.deepEqual(
        parts.map((p) => [p.part!.index, p.part!.last ?? false]),
        [
          [0, false],
          [1, false],
          [2, false],
          [3, true],
          [4, true],
        ],
      );
      assert.deepEqual(joins, [false, true], 'item 3 asks before item 4 has started');
    });
  });

  describe('abortPart', () => {
    it('cancels the jobs the part launched; it ends CANCELLED and reports nothing', () => {
      const root = start(IDS, { items: ['a'] });
      const started = part(IDS, root.run, spawnsOf(root)[0]!);
      const step = stepFor(started.run, 'W');
      const launched = onLaunched(started.run, step.jobName, idOf(step.jobName), at(2), false).run;
      const t = abortPart(IDS, launched, at(3));
      assert.equal(t.changed, true);
      assert.equal(t.run.status, 'CANCELLED');
      assert.deepEqual(
        t.effects.map((e) => [e.kind, e.kind === 'cancel' ? e.step.jobName : undefined]),
        [['cancel', step.jobName]],
      );
      assert.equal(t.run.steps[step.jobName]?.abandoned, true);
      assert.deepEqual(t.run.timers, {});
      assert.equal(endedOf(t.run), undefined, 'no report to the Map');
      assert.equal(abortPart(IDS, t.run, at(4)).changed, false, 'twice: nothing more');
    });

    it('a launch still in flight is abandoned, and cancelled once it is recorded', () => {
      const root = start(IDS, { items: ['a'] });
      const started = part(IDS, root.run, spawnsOf(root)[0]!);
      const step = stepFor(started.run, 'W');
      const t = abortPart(IDS, started.run, at(3));
      assert.deepEqual(t.effects, [], 'no job to cancel yet');
      assert.equal(t.run.steps[step.jobName]?.abandoned, true);
      const recorded = onLaunched(t.run, step.jobName, idOf(step.jobName), at(4), false);
      assert.deepEqual(
        recorded.effects.map((e) => e.kind),
        ['cancel'],
      );
    });

    it("stops the part's own Map items too", () => {
      const root = start(NESTED, { items: [{ items: [1, 2] }] });
      const started = part(NESTED, root.run, spawnsOf(root)[0]!);
      const inner = spawnsOf(started);
      assert.deepEqual(
        inner.map((s) => s.part.scope),
        ['Each[0]/Inner[0]', 'Each[0]/Inner[1]'],
      );
      assert.deepEqual(
        inner.map((s) => s.part.parentDoc),
        [started.run.id, started.run.id],
      );
      assert.deepEqual(
        inner.map((s) => s.part.group),
        [`${started.run.id}|Each[0]/Inner@0`, `${started.run.id}|Each[0]/Inner@0`],
      );
      assert.equal(
        inner[0]!.part.group,
        groupOf(started.run.id, 'Each[0]', started.run.frames!['Each[0]']!),
      );
      const t = abortPart(NESTED, started.run, at(3));
      assert.deepEqual(t.effects, [{ kind: 'abortItems', group: inner[0]!.part.group }]);
      assert.deepEqual(
        inner.map((s) => partDocId('r1', s.part.key)),
        inner.map((s) => `r1.${partKey(s.part.scope)}`),
      );
    });

    it("changes nothing on a part that has ended, or on a run's own document", () => {
      const root = start(PASS, { items: [1] });
      const ended = part(PASS, root.run, spawnsOf(root)[0]!);
      assert.equal(ended.run.status, 'SUCCEEDED');
      assert.equal(abortPart(PASS, ended.run, at(3)).changed, false);
      assert.equal(abortPart(PASS, root.run, at(3)).changed, false);
    });
  });

  describe('waitsOnParts', () => {
    it("is true for a running Map's document, false for its parts and once it ended", () => {
      const root = start(PASS, { items: ['a'] });
      assert.equal(waitsOnParts(root.run), true);
      const item = part(PASS, root.run, spawnsOf(root)[0]!);
      assert.equal(waitsOnParts(item.run), false, 'a Pass item starts no items');
      const joined = join(PASS, root.run, item.run, [item.run], at(1));
      assert.equal(joined.run.status, 'SUCCEEDED');
      assert.equal(waitsOnParts(joined.run), false);
    });
  });

  describe('isOrphan', () => {
    it('false while the Map waits for the part; true once it does not', () => {
      const root = start(IDS, { items: ['a', 'b'] });
      const [s0] = spawnsOf(root);
      const item = s0!.part;
      assert.equal(isOrphan(root.run, item), false);
      assert.equal(isOrphan(undefined, item), true, 'no Map document');
      assert.equal(isOrphan({ ...root.run, status: 'FAILED' }, item), true, 'the run ended');
      const failed = onItemFailed(
        IDS,
        root.run,
        item,
        { error: { Error: 'E', Cause: 'c' } },
        at(2),
      );
      assert.equal(failed.run.status, 'FAILED');
      assert.equal(isOrphan(failed.run, item), true, 'the Map failed');
      const other: Part = { ...item, scope: 'Each@1[0]' };
      assert.equal(isOrphan(root.run, other), true, 'another attempt');
    });

    it('an item that ended, or one not started yet, is still the Map’s while it waits (lanes)', () => {
      const definition = failing({ MaxConcurrency: 1 });
      const root = start(definition, { items: [OK(0), OK(1)] });
      const first = part(definition, root.run, spawnsOf(root)[0]!);
      assert.equal(first.run.status, 'SUCCEEDED');
      assert.equal(isOrphan(root.run, first.run.part!), false, 'ended: the Map has not joined');
      const next = successorOf(definition, root.run, first.run.part!);
      assert.equal(isOrphan(root.run, next!.part), false, 'not started yet');
      const joined = join(definition, root.run, first.run, [first.run]);
      assert.equal(joined.changed, false, 'item 1 has not ended');
    });
  });
});
