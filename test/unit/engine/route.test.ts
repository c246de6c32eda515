import { strict as assert } from 'node:assert';
import type { Branch, ChainDefinition, State } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { Draft } from '../../../src/engine/draft.js';
import { startPart } from '../../../src/engine/part.js';
import { routeOf } from '../../../src/engine/route.js';
import type { Run } from '../../../src/engine/run.js';
import { tableAt } from '../../../src/engine/scope.js';
import { T0, spawnsOf, start } from './drive.js';

const WAIT: State = { Type: 'Wait', Seconds: 60, End: true };
const only = (name: string): Branch => ({ StartAt: name, States: { [name]: WAIT } });

/**
 * Outer runs A beside Inner; Inner runs B beside the Map Each; each item of Each runs the
 * Parallel Deep (C beside D). Everything waits, so every scope is running after the start.
 */
const CHAIN: ChainDefinition = {
  StartAt: 'Outer',
  States: {
    Outer: {
      Type: 'Parallel',
      End: true,
      Branches: [
        only('A'),
        {
          StartAt: 'Inner',
          States: {
            Inner: {
              Type: 'Parallel',
              End: true,
              Branches: [
                only('B'),
                {
                  StartAt: 'Each',
                  States: {
                    Each: {
                      Type: 'Map',
                      ItemsPath: '$.items',
                      End: true,
                      ItemProcessor: {
                        StartAt: 'Deep',
                        States: {
                          Deep: { Type: 'Parallel', End: true, Branches: [only('C'), only('D')] },
                        },
                      },
                    },
                  },
                },
              ],
            },
          },
        },
      ],
    },
  },
};

const routeIn = (run: Run, scope: string) => routeOf(new Draft(CHAIN, run, T0), scope);

describe('engine: routeOf, the way from the chain top to a scope', () => {
  const root = start(CHAIN, { items: [10, 20] });

  it('the chain is valid, and every scope runs', () => {
    assert.deepEqual(chainProblems(CHAIN), []);
    assert.equal(root.run.status, 'RUNNING');
    assert.deepEqual(Object.keys(root.run.frames ?? {}).sort(), [
      '',
      'Outer[0]',
      'Outer[1]',
      'Outer[1]/Inner[0]',
      'Outer[1]/Inner[1]',
    ]);
  });

  it('walks up through nested Parallel branches: each state and branch index on the way', () => {
    assert.deepEqual(routeIn(root.run, ''), []);
    assert.deepEqual(routeIn(root.run, 'Outer[0]'), [{ state: 'Outer', index: 0 }]);
    assert.deepEqual(routeIn(root.run, 'Outer[1]'), [{ state: 'Outer', index: 1 }]);
    assert.deepEqual(routeIn(root.run, 'Outer[1]/Inner[0]'), [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 0 },
    ]);
    assert.deepEqual(routeIn(root.run, 'Outer[1]/Inner[1]'), [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 1 },
    ]);
  });

  it("a Map item's part keeps the route to its item, which leads to the item processor", () => {
    const spawns = spawnsOf(root);
    assert.deepEqual(
      spawns.map((s) => s.part.route),
      [0, 1].map((index) => [
        { state: 'Outer', index: 1 },
        { state: 'Inner', index: 1 },
        { state: 'Each', index },
      ]),
    );
    assert.deepEqual(Object.keys(tableAt(CHAIN, spawns[1]!.part.route)?.States ?? {}), ['Deep']);
  });

  it("inside a part the walk ends at the item and goes on along the part's route", () => {
    const spawn = spawnsOf(root)[1]!;
    const part = startPart(CHAIN, root.run, spawn, T0).run;
    const scope = spawn.part.scope;
    assert.equal(scope, 'Outer[1]/Inner[1]/Each[1]');
    assert.deepEqual(Object.keys(part.frames ?? {}).sort(), [
      scope,
      `${scope}/Deep[0]`,
      `${scope}/Deep[1]`,
    ]);
    assert.deepEqual(routeIn(part, scope), spawn.part.route);
    assert.deepEqual(routeIn(part, `${scope}/Deep[1]`), [
      ...spawn.part.route,
      { state: 'Deep', index: 1 },
    ]);
    // The part's frames stop at the item (the Map's frames are in another document): the
    // route above it is the stored one, whatever it says.
    const elsewhere = [{ state: 'Somewhere', index: 7 }];
    const moved: Run = { ...part, part: { ...part.part!, route: elsewhere } };
    assert.deepEqual(routeIn(moved, `${scope}/Deep[0]`), [
      ...elsewhere,
      { state: 'Deep', index: 0 },
    ]);
  });

  it('stops where the frames stop: a scope that is not running has no route', () => {
    assert.deepEqual(routeIn(root.run, 'Nowhere[0]'), []);
  });
});
