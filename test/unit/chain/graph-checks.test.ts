import { strict as assert } from 'node:assert';
import type { ChainProblem } from '../../../src/errors.js';
import { chainScopes, chainStates, graphProblems } from '../../../src/chain/graph.js';

const pass = (extra: object = { End: true }) => ({ Type: 'Pass', ...extra });
const branch = (states: Record<string, unknown>, StartAt = Object.keys(states)[0]) => ({
  StartAt,
  States: states,
});

const lines = (problems: ChainProblem[]): string[] =>
  problems.map((p) => `${p.path}: ${p.message}`);

/** A chain: Top -> Fan (Parallel: [A1 -> A2], [B1]) -> Each (Map: M1, M2) -> Done. */
function nested(edits: (states: Record<string, Record<string, unknown>>) => void = () => {}) {
  const fan = {
    Type: 'Parallel',
    Branches: [
      branch({ A1: pass({ Next: 'A2' }), A2: pass() }),
      branch({
        B1: {
          Type: 'Parallel',
          Branches: [branch({ Deep: pass() })],
          Next: 'B2',
        },
        B2: pass(),
      }),
    ],
    Next: 'Each',
  };
  const each = {
    Type: 'Map',
    ItemProcessor: branch({ M1: pass({ Next: 'M2' }), M2: { Type: 'Succeed' } }),
    Next: 'Done',
  };
  const states: Record<string, Record<string, unknown>> = {
    Top: pass({ Next: 'Fan' }),
    Fan: fan,
    Each: each,
    Done: { Type: 'Succeed' },
  };
  edits(states);
  return { StartAt: 'Top', States: states };
}

/** The state at a path of names and indexes inside `nested`'s states. */
function at(states: Record<string, unknown>, ...path: (string | number)[]) {
  let node: unknown = states;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Record<string, unknown>;
}

describe('chainScopes and chainStates', () => {
  it('walk branches and item processors depth-first, with their places', () => {
    const chain = nested();
    assert.deepEqual(
      chainScopes(chain).map((s) => [s.kind, s.place, s.owner ?? '-', s.startAt]),
      [
        ['chain', '', '-', 'Top'],
        ['branch', 'States.Fan.Branches[0]', 'Fan', 'A1'],
        ['branch', 'States.Fan.Branches[1]', 'Fan', 'B1'],
        ['branch', 'States.Fan.Branches[1].States.B1.Branches[0]', 'B1', 'Deep'],
        ['processor', 'States.Each.ItemProcessor', 'Each', 'M1'],
      ],
    );
    assert.deepEqual(
      chainStates(chain).map((s) => s.place),
      [
        'States.Top',
        'States.Fan',
        'States.Each',
        'States.Done',
        'States.Fan.Branches[0].States.A1',
        'States.Fan.Branches[0].States.A2',
        'States.Fan.Branches[1].States.B1',
        'States.Fan.Branches[1].States.B2',
        'States.Fan.Branches[1].States.B1.Branches[0].States.Deep',
        'States.Each.ItemProcessor.States.M1',
        'States.Each.ItemProcessor.States.M2',
      ],
    );
  });

  it('walk both processors of a Map that has both (each is checked), and skip malformed ones', () => {
    const chain = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: branch({ P: pass() }),
          Iterator: branch({ I: pass() }),
          End: true,
        },
        Odd: { Type: 'Parallel', Branches: 'not a list', End: true },
        Odd2: { Type: 'Parallel', Branches: [null, { States: 3 }], End: true },
        NotMap: { Type: 'Task', ItemProcessor: branch({ X: pass() }) },
        Junk: 5,
      },
    };
    assert.deepEqual(
      chainScopes(chain).map((s) => s.place),
      ['', 'States.M.ItemProcessor', 'States.M.Iterator'],
    );
    assert.deepEqual(chainScopes({ StartAt: 'A' }), []);
    assert.deepEqual(chainScopes([]), []);
  });
});

describe('graphProblems', () => {
  it('accepts a well-formed nested chain', () => assert.deepEqual(graphProblems(nested()), []));

  const cases: {
    name: string;
    edit: (s: Record<string, Record<string, unknown>>) => void;
    expected: string[];
  }[] = [
    {
      name: 'a branch state moving to a state of the chain',
      edit: (s) => (at(s, 'Fan', 'Branches', 0, 'States', 'A2').Next = 'Done'),
      expected: [
        'States.Fan.Branches[0].States.A2: has both "Next" and "End"; keep one',
        'States.Fan.Branches[0].States.A2.Next: "Done" is a state of the enclosing chain; a Parallel branch can only move between its own states',
      ],
    },
    {
      name: 'a nested branch moving to a state of the branch that holds it',
      edit: (s) => {
        const deep = at(s, 'Fan', 'Branches', 1, 'States', 'B1', 'Branches', 0, 'States', 'Deep');
        delete deep.End;
        deep.Next = 'B2';
      },
      expected: [
        'States.Fan.Branches[1].States.B1.Branches[0].States.Deep.Next: "B2" is a state of the enclosing Parallel branch States.Fan.Branches[1]; a Parallel branch can only move between its own states',
      ],
    },
    {
      name: 'a branch moving to a state of its sibling',
      edit: (s) => (at(s, 'Fan', 'Branches', 1, 'States', 'B1').Next = 'A1'),
      expected: [
        'States.Fan.Branches[1].States.B1.Next: "A1" is a state of States.Fan.Branches[0]; a Parallel branch can only move between its own states',
        'States.Fan.Branches[1].States.B2: not reachable from StartAt "B1"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'an item processor moving into a Parallel branch',
      edit: (s) => (at(s, 'Each', 'ItemProcessor', 'States', 'M1').Next = 'A1'),
      expected: [
        'States.Each.ItemProcessor.States.M1.Next: "A1" is a state of States.Fan.Branches[0]; a Map item processor can only move between its own states',
        'States.Each.ItemProcessor.States.M2: not reachable from StartAt "M1"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'the chain moving into a nested branch: go to the Parallel state that holds it',
      edit: (s) => (s.Top!.Next = 'Deep'),
      expected: [
        'States.Top.Next: "Deep" is a state of States.Fan.Branches[1].States.B1.Branches[0]; only the states of that Parallel branch can move to it, so go to "Fan" instead',
        'States.Fan: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Each: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Done: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'a branch moving into a branch nested in it: go to its Parallel state',
      edit: (s) => {
        at(s, 'Fan', 'Branches', 1, 'States', 'B1').Next = 'Deep';
      },
      expected: [
        'States.Fan.Branches[1].States.B1.Next: "Deep" is a state of States.Fan.Branches[1].States.B1.Branches[0]; only the states of that Parallel branch can move to it, so go to "B1" instead',
        'States.Fan.Branches[1].States.B2: not reachable from StartAt "B1"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'the chain moving into an item processor',
      edit: (s) => (s.Top!.Next = 'M1'),
      expected: [
        'States.Top.Next: "M1" is a state of States.Each.ItemProcessor; only the states of that Map item processor can move to it, so go to "Each" instead',
        'States.Fan: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Each: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Done: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'StartAt of a branch naming a state of the chain, and of a processor naming nothing',
      edit: (s) => {
        at(s, 'Fan', 'Branches', 0).StartAt = 'Top';
        at(s, 'Each', 'ItemProcessor').StartAt = 'M3';
      },
      expected: [
        'States.Fan.Branches[0].StartAt: "Top" is a state of the enclosing chain; a Parallel branch can only start at one of its own states',
        'States.Each.ItemProcessor.StartAt: "M3" is not a state (did you mean "M1"?)',
      ],
    },
    {
      name: 'a name that is nowhere, without a close match, lists the states of its own scope',
      edit: (s) => (at(s, 'Fan', 'Branches', 0, 'States', 'A1').Next = 'Zzzzzz'),
      expected: [
        'States.Fan.Branches[0].States.A1.Next: "Zzzzzz" is not a state (the states are: A1, A2)',
        'States.Fan.Branches[0].States.A2: not reachable from StartAt "A1"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'the same state name in two scopes',
      edit: (s) => {
        const states = at(s, 'Each', 'ItemProcessor', 'States');
        states.Top = pass();
        at(s, 'Fan', 'Branches', 0, 'States').Top = pass();
      },
      expected: [
        'States.Fan.Branches[0].States.Top: the state name "Top" is also used at States.Top; state names must be unique in the whole chain, branches and item processors included, so rename one',
        'States.Each.ItemProcessor.States.Top: the state name "Top" is also used at States.Top; state names must be unique in the whole chain, branches and item processors included, so rename one',
        'States.Fan.Branches[0].States.Top: not reachable from StartAt "A1"; point a "Next" at it, or remove it',
        'States.Each.ItemProcessor.States.Top: not reachable from StartAt "M1"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'Choice rules, Default and Catch lead somewhere: those states are reachable',
      edit: (s) => {
        s.Top = {
          Type: 'Choice',
          Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Fan' }, 'junk', { Next: 7 }],
          Default: 'Each',
        };
        s.Fan!.Next = 'Done';
        s.Each!.Catch = [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }, null];
        s.Recover = pass({ Next: 'Top' });
      },
      expected: [],
    },
    {
      name: 'Choice rules, Default and Catch naming no state',
      edit: (s) => {
        s.Top = { Type: 'Choice', Choices: [{ Next: 'Fann' }], Default: 'Eachh' };
        s.Fan!.Catch = [{ ErrorEquals: ['States.ALL'], Next: 'Don' }];
      },
      expected: [
        'States.Top.Choices[0].Next: "Fann" is not a state (did you mean "Fan"?)',
        'States.Top.Default: "Eachh" is not a state (did you mean "Each"?)',
        'States.Fan.Catch[0].Next: "Don" is not a state (did you mean "Done"?)',
        'States.Fan: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Each: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Done: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'Next, End and Catch mean nothing on a Choice, Succeed or Fail state (the schema says so)',
      edit: (s) => {
        s.Done = { Type: 'Succeed', Next: 'Nowhere', Catch: [{ Next: 'Nowhere' }] };
        s.Top = { Type: 'Choice', Next: 'Nowhere', Choices: [{ Next: 'Fan' }] };
      },
      expected: [],
    },
    {
      name: 'every sequential type needs exactly one of Next and End',
      edit: (s) => {
        s.Top!.End = true;
        delete s.Each!.Next;
        s.Wait = { Type: 'Wait', Seconds: 1 };
      },
      expected: [
        'States.Top: has both "Next" and "End"; keep one',
        'States.Each: needs "Next" (the state to run after it) or "End": true',
        'States.Wait: needs "Next" (the state to run after it) or "End": true',
        'States.Done: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
        'States.Wait: not reachable from StartAt "Top"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'a state of unknown type still leads where its Next says',
      edit: (s) => (s.Top = { Type: 'Taks', Next: 'Fan' }),
      expected: [],
    },
    {
      name: 'a loop is no problem',
      edit: (s) => (s.Done = pass({ Next: 'Top' })),
      expected: [],
    },
  ];
  for (const { name, edit, expected } of cases) {
    it(name, () => assert.deepEqual(lines(graphProblems(nested(edit))), expected));
  }

  it('reports no unreachable state without a valid StartAt, and no StartAt without states', () => {
    assert.deepEqual(lines(graphProblems({ StartAt: 'Nope', States: { A: pass() } })), [
      'StartAt: "Nope" is not a state (the states are: A)',
    ]);
    assert.deepEqual(graphProblems({ StartAt: 'A', States: {} }), []);
    assert.deepEqual(graphProblems({ StartAt: 3, States: { A: pass() } }), []);
  });
});
