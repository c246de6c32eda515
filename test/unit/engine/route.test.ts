import { strict as assert } from 'node:assert';
import type { Branch, ChainDefinition, State } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { Draft } from '../../../src/engine/draft.js';
import { routeOf } from '../../../src/engine/route.js';
import type { Frame, RouteStep, Run } from '../../../src/engine/run.js';
import { tableAt } from '../../../src/engine/scope.js';
import { T0, carryOut, partAt, rootOf, spawnsOf, start } from './drive.js';

const WAIT: State = { Type: 'Wait', Seconds: 60, End: true };
const only = (name: string): Branch => ({ StartAt: name, States: { [name]: WAIT } });

/**
 * Outer runs A beside Inner; Inner runs B beside the Map Each; each item of Each runs the
 * Parallel Deep (C beside D). Everything waits, so every scope is running after the start,
 * each branch and item in a part (a document of its own).
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

/** A frame standing on `state`, for documents made by hand. */
const frame = (state: string, fields: Partial<Frame> = {}): Frame => ({
  state,
  input: {},
  enteredTime: T0,
  visit: 0,
  attempt: 0,
  wait: 'timer',
  ...fields,
});

const ITEM = 'Outer[1]/Inner[1]/Each';
/** The route to branch or item scope of each part, as the Parallels and the Map gave it. */
const ROUTES: [scope: string, route: RouteStep[], startAt: string][] = [
  ['Outer[0]', [{ state: 'Outer', index: 0 }], 'A'],
  ['Outer[1]', [{ state: 'Outer', index: 1 }], 'Inner'],
  [
    'Outer[1]/Inner[0]',
    [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 0 },
    ],
    'B',
  ],
  [
    'Outer[1]/Inner[1]',
    [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 1 },
    ],
    'Each',
  ],
  ...[0, 1].flatMap((item): [string, RouteStep[], string][] => {
    const to: RouteStep[] = [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 1 },
      { state: 'Each', index: item },
    ];
    return [
      [`${ITEM}[${item}]`, to, 'Deep'],
      [`${ITEM}[${item}]/Deep[0]`, [...to, { state: 'Deep', index: 0 }], 'C'],
      [`${ITEM}[${item}]/Deep[1]`, [...to, { state: 'Deep', index: 1 }], 'D'],
    ];
  }),
];

describe('engine: routeOf, the way from the chain top to a scope', () => {
  const started = start(CHAIN, { items: [10, 20] });
  const forest = carryOut(CHAIN, started, T0);
  const root = rootOf(forest);

  it('the chain is valid, and every scope runs, each branch and item in its own document', () => {
    assert.deepEqual(chainProblems(CHAIN), []);
    assert.equal(started.run.status, 'RUNNING');
    assert.deepEqual(Object.keys(root.frames ?? {}), ['']);
    const docs = [...forest.docs.values()];
    for (const doc of docs) assert.equal(doc.status, 'RUNNING', doc.id);
    assert.deepEqual(
      docs.map((doc) => doc.part?.scope ?? '').sort(),
      ['', ...ROUTES.map(([scope]) => scope)].sort(),
    );
    // Each document holds the frame of its own scope, and no other.
    for (const doc of docs)
      assert.deepEqual(Object.keys(doc.frames ?? {}), [doc.part?.scope ?? ''], doc.id);
  });

  it('walks up through nested Parallel branches: each state and branch index on the way', () => {
    assert.deepEqual(routeIn(root, ''), []);
    for (const [scope, route, startAt] of ROUTES) {
      const doc = partAt(forest, scope);
      assert.deepEqual(doc.part?.route, route, `${scope}: the route it was started with`);
      assert.deepEqual(routeIn(doc, scope), route, `${scope}: the walk in its document`);
      assert.equal(tableAt(CHAIN, route)?.StartAt, startAt, `${scope}: leads to its states`);
    }
  });

  it('walks up through the frames of one document (a run stored before branches ran in parts)', () => {
    const legacy: Run = {
      ...root,
      frames: {
        '': frame('Outer', { wait: 'children' }),
        'Outer[0]': frame('A', { parent: '', index: 0 }),
        'Outer[1]': frame('Inner', { parent: '', index: 1, wait: 'children' }),
        'Outer[1]/Inner[0]': frame('B', { parent: 'Outer[1]', index: 0 }),
        'Outer[1]/Inner[1]': frame('Each', { parent: 'Outer[1]', index: 1, wait: 'children' }),
      },
    };
    assert.deepEqual(routeIn(legacy, ''), []);
    assert.deepEqual(routeIn(legacy, 'Outer[0]'), [{ state: 'Outer', index: 0 }]);
    assert.deepEqual(routeIn(legacy, 'Outer[1]'), [{ state: 'Outer', index: 1 }]);
    assert.deepEqual(routeIn(legacy, 'Outer[1]/Inner[0]'), [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 0 },
    ]);
    assert.deepEqual(routeIn(legacy, 'Outer[1]/Inner[1]'), [
      { state: 'Outer', index: 1 },
      { state: 'Inner', index: 1 },
    ]);
  });

  it("a Map item's part keeps the route to its item, which leads to the item processor", () => {
    const spawns = forest.transitions
      .flatMap(spawnsOf)
      .filter((s) => s.part.route.at(-1)?.state === 'Each');
    assert.deepEqual(
      spawns.map((s) => s.part.route),
      [0, 1].map((index) => [
        { state: 'Outer', index: 1 },
        { state: 'Inner', index: 1 },
        { state: 'Each', index },
      ]),
    );
    assert.deepEqual(
      spawns.map((s) => s.part.parentDoc),
      [0, 1].map(() => partAt(forest, 'Outer[1]/Inner[1]').id),
      "asked for by Inner's branch 1, in its part",
    );
    assert.deepEqual(Object.keys(tableAt(CHAIN, spawns[1]!.part.route)?.States ?? {}), ['Deep']);
  });

  it("inside a part the walk ends at the item and goes on along the part's route", () => {
    const scope = `${ITEM}[1]`;
    const part = partAt(forest, scope);
    assert.equal(part.part?.scope, 'Outer[1]/Inner[1]/Each[1]');
    // Deep's branches run in parts of their own: the item's document holds its frame only.
    assert.deepEqual(Object.keys(part.frames ?? {}), [scope]);
    assert.deepEqual(routeIn(part, scope), part.part.route);
    const deep = partAt(forest, `${scope}/Deep[1]`);
    assert.deepEqual(routeIn(deep, `${scope}/Deep[1]`), [
      ...part.part.route,
      { state: 'Deep', index: 1 },
    ]);
    // Frames below the part's scope in its own document (one stored before branches ran in
    // parts): the walk goes up them to the item, then on along the stored route, whatever it
    // says (the Map's frames are in another document).
    const nested: Run = {
      ...part,
      frames: { ...part.frames, [`${scope}/Deep[0]`]: frame('C', { parent: scope, index: 0 }) },
    };
    assert.deepEqual(routeIn(nested, `${scope}/Deep[0]`), [
      ...part.part.route,
      { state: 'Deep', index: 0 },
    ]);
    const elsewhere = [{ state: 'Somewhere', index: 7 }];
    const moved: Run = { ...nested, part: { ...part.part, route: elsewhere } };
    assert.deepEqual(routeIn(moved, `${scope}/Deep[0]`), [
      ...elsewhere,
      { state: 'Deep', index: 0 },
    ]);
    const movedDeep: Run = { ...deep, part: { ...deep.part!, route: elsewhere } };
    assert.deepEqual(routeIn(movedDeep, `${scope}/Deep[1]`), elsewhere);
  });

  it('stops where the frames stop: a scope that is not running has no route', () => {
    assert.deepEqual(routeIn(root, 'Nowhere[0]'), []);
    assert.deepEqual(routeIn(root, 'Outer[0]'), [], "a branch's frame is in its part, not here");
  });
});
