import { strict as assert } from 'node:assert';
import type { ChainDefinition, MapState, State } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { stepLabels } from '../../../src/engine/labels.js';
import { onLaunched } from '../../../src/engine/launched.js';
import { partDocId, partKey } from '../../../src/engine/part-names.js';
import {
  abortPart,
  endedOf,
  isOrphan,
  mayReadRunInput,
  onItemEnded,
  startPart,
  waitsOnParts,
} from '../../../src/engine/part.js';
import type { StateTable } from '../../../src/engine/scope.js';
import type { Part, Run } from '../../../src/engine/run.js';
import { onTimer } from '../../../src/engine/timer.js';
import { launchesOf, type SpawnEffect, type Transition } from '../../../src/engine/transition.js';
import { at, endJob, idOf, spawnsOf, start, stepFor, task } from './drive.js';

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

/** The report of an ended part to its Map's document. */
function report(definition: ChainDefinition, map: Run, ended: Run, now = at(2)): Transition {
  return onItemEnded(definition, map, ended.part!, endedOf(ended)!, now);
}

const indices = (t: Transition): number[] => spawnsOf(t).map((s) => s.part.index);

describe('engine: Map items in parts of their own', () => {
  it('the chains are valid', () => {
    for (const definition of [PASS, IDS, GUARDED, RETRIED, NESTED])
      assert.deepEqual(chainProblems(definition), []);
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
      const labels = launch!.step.request.launchParameter.environment?.['additionalUserLabels'];
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

  describe('onItemEnded', () => {
    it('counts an item once: a second identical report changes nothing', () => {
      const root = start(PASS, { items: [1, 2] });
      const [first] = spawnsOf(root);
      const item = part(PASS, root.run, first!);
      assert.deepEqual(endedOf(item.run), { output: { v: 1 } });
      const once = report(PASS, root.run, item.run);
      assert.equal(once.changed, true);
      const children = once.run.frames?.['']?.children;
      assert.deepEqual(
        [children?.running, children?.endedBelow, children?.outputs],
        [1, 1, { 0: { v: 1 } }],
      );
      const twice = report(PASS, once.run, item.run, at(3));
      assert.equal(twice.changed, false);
      assert.equal(twice.run, once.run);
      assert.deepEqual(twice.effects, []);
      assert.equal(twice.run.status, 'RUNNING', 'item 1 has not reported');
    });

    it('a stale report changes nothing: another visit, attempt or Map, or an item not started', () => {
      const definition = mapChain({ P: HOLD }, { MaxConcurrency: 1 });
      const root = start(definition, { items: [1, 2, 3] });
      const [first] = spawnsOf(root);
      const real = first!.part;
      const output = { output: 'x' };
      const stale = (fields: Partial<Part>) =>
        onItemEnded(definition, root.run, { ...real, ...fields }, output, at(2));
      assert.equal(stale({}).changed, true, 'the real report counts');
      assert.equal(stale({ scope: 'Each#1[0]' }).changed, false, 'another visit of the Map');
      assert.equal(stale({ scope: 'Each@1[0]' }).changed, false, 'another attempt');
      assert.equal(stale({ parent: 'Fan[0]' }).changed, false, 'another Map');
      assert.equal(stale({ index: 2, scope: 'Each[2]' }).changed, false, 'not started yet');
      const ended: Run = { ...root.run, status: 'FAILED' };
      assert.equal(onItemEnded(definition, ended, real, output, at(2)).changed, false);
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
        retrying.effects.flatMap((e) => (e.kind === 'abortPart' ? [e.doc] : [])),
        [item1.run.id],
        'the running sibling is stopped',
      );
      const [timer] = Object.keys(retrying.run.timers ?? {});
      const again = onTimer(RETRIED, retrying.run, timer!, at(10));
      assert.deepEqual(
        spawnsOf(again).map((s) => s.part.scope),
        ['Each@1[0]', 'Each@1[1]'],
      );
      // Item 1 of attempt 0 ended before its abort came: its report is stale now.
      const done = endJob(RETRIED, item1.run, stepFor(item1.run, 'W'), 'JOB_STATE_DONE', at(11));
      assert.equal(done.run.status, 'SUCCEEDED');
      const late = report(RETRIED, again.run, done.run, at(12));
      assert.equal(late.changed, false);
      assert.equal(isOrphan(again.run, item1.run.part!), true);
    });

    it('the last report joins the Map, outputs in index order whatever the report order', () => {
      const root = start(PASS, { items: [1, 2, 3] });
      const items = spawnsOf(root).map((s) => part(PASS, root.run, s).run);
      let map = root.run;
      for (const index of [2, 0]) {
        map = report(PASS, map, items[index]!).run;
        assert.equal(map.status, 'RUNNING');
      }
      const joined = report(PASS, map, items[1]!);
      assert.equal(joined.run.status, 'SUCCEEDED');
      assert.deepEqual(joined.run.output, [{ v: 1 }, { v: 2 }, { v: 3 }]);
    });

    it('a fatal part fails the whole run with its error, even under a Catch of States.ALL', () => {
      const root = start(GUARDED, { items: [{}, { bad: true }] });
      const [s0, s1] = spawnsOf(root);
      const running = part(GUARDED, root.run, s0!);
      assert.equal(running.run.status, 'RUNNING');
      const bad = part(GUARDED, root.run, s1!);
      assert.equal(bad.run.status, 'FAILED');
      assert.equal(bad.run.fatal, true);
      assert.equal(bad.run.error?.Error, 'States.Runtime');
      assert.deepEqual(endedOf(bad.run), { error: bad.run.error, fatal: true });
      const failed = report(GUARDED, root.run, bad.run);
      assert.equal(failed.run.status, 'FAILED');
      assert.deepEqual(failed.run.error, bad.run.error);
      // The running sibling is stopped. The fatal item is not marked ended before the run
      // fails, so an abort names it too: a no-op, since its part has ended already.
      assert.deepEqual(
        failed.effects.flatMap((e) => (e.kind === 'abortPart' ? [e.doc] : [])),
        [running.run.id, bad.run.id],
      );
      assert.equal(abortPart(GUARDED, bad.run, at(3)).changed, false);
      // The report's `fatal` alone decides: any error marked fatal fails the run, the same
      // error unmarked is an ordinary item failure, which the Catch takes.
      const error = { Error: 'E', Cause: 'c' };
      const marked = onItemEnded(GUARDED, root.run, bad.run.part!, { error, fatal: true }, at(2));
      assert.deepEqual([marked.run.status, marked.run.error], ['FAILED', error]);
      const ordinary = onItemEnded(GUARDED, root.run, bad.run.part!, { error }, at(2));
      assert.deepEqual(
        [ordinary.run.status, ordinary.run.frames?.['']?.state],
        ['RUNNING', 'Hold'],
      );
    });

    it('an item failing with a catchable error is caught by the Map: not fatal', () => {
      const root = start(GUARDED, { items: [{ fail: true }] });
      const failed = part(GUARDED, root.run, spawnsOf(root)[0]!);
      assert.equal(failed.run.status, 'FAILED');
      assert.equal(failed.run.fatal, undefined);
      assert.deepEqual(endedOf(failed.run), { error: { Error: 'E', Cause: 'c' } });
      const caught = report(GUARDED, root.run, failed.run);
      assert.deepEqual([caught.run.status, caught.run.frames?.['']?.state], ['RUNNING', 'Hold']);
    });

    it('MaxConcurrency 2 over 5 items: each report starts exactly the next item', () => {
      const definition = mapChain({ P: HOLD }, { MaxConcurrency: 2 });
      const root = start(definition, { items: [0, 1, 2, 3, 4] });
      assert.deepEqual(indices(root), [0, 1]);
      const parts = new Map(spawnsOf(root).map((s) => [s.part.index, s.part]));
      let map = root.run;
      const spawned: number[][] = [];
      for (const index of [1, 0, 3, 2, 4]) {
        const t = onItemEnded(definition, map, parts.get(index)!, { output: index }, at(2));
        assert.equal(t.changed, true, `report of item ${index}`);
        for (const s of spawnsOf(t)) parts.set(s.part.index, s.part);
        spawned.push(indices(t));
        map = t.run;
      }
      assert.deepEqual(spawned, [[2], [3], [4], [], []]);
      assert.equal(map.status, 'SUCCEEDED');
      assert.deepEqual(map.output, [0, 1, 2, 3, 4]);
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
      const t = abortPart(NESTED, started.run, at(3));
      assert.deepEqual(
        t.effects.flatMap((e) => (e.kind === 'abortPart' ? [e.doc] : [])),
        inner.map((s) => partDocId('r1', s.part.key)),
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
      const joined = onItemEnded(PASS, root.run, item.run.part!, endedOf(item.run)!, at(1));
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
      const reported = onItemEnded(IDS, root.run, item, { output: 'x' }, at(2)).run;
      assert.equal(isOrphan(reported, item), true, 'the item has reported');
      assert.equal(isOrphan(reported, spawnsOf(root)[1]!.part), false, 'its sibling still runs');
    });
  });
});
