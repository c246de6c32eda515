import { strict as assert } from 'node:assert';
import type { Branch, ChainDefinition, TaskState } from '../../../src/chain/types.js';
import type { Frame, Run } from '../../../src/engine/run.js';
import { ROOT_SCOPE, childTable, framesOf, tableOf } from '../../../src/engine/scope.js';
import { emptyRun } from '../../fixtures/runs.js';

const T0 = '2026-11-22T10:00:00.000Z';

const work: TaskState = {
  Type: 'Task',
  Resource: 'dataflow:flexTemplate',
  Parameters: { jobName: 'work' },
  End: true,
};
const itemProcessor: Branch = { StartAt: 'Work', States: { Work: work } };
const branchA: Branch = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
const branchB: Branch = {
  StartAt: 'Each',
  States: { Each: { Type: 'Map', ItemProcessor: itemProcessor, End: true } },
};
const olderProcessor: Branch = { StartAt: 'Old', States: { Old: { Type: 'Pass', End: true } } };

/** Fan (Parallel) → branch 1 has Each (Map) → items run Work; Legacy is a Map with Iterator. */
const DEFINITION: ChainDefinition = {
  StartAt: 'Fan',
  States: {
    Fan: { Type: 'Parallel', Branches: [branchA, branchB], Next: 'Legacy' },
    Legacy: { Type: 'Map', Iterator: olderProcessor, Next: 'Load' },
    Load: { ...work, End: true },
  },
};

function frame(state: string, fields: Partial<Frame> = {}): Frame {
  return { state, input: {}, enteredTime: T0, visit: 0, attempt: 0, wait: 'job', ...fields };
}

/** The root on Fan, branch 0 on A, branch 1 on Each, item 2 of Each on Work. */
const FRAMES: Record<string, Frame> = {
  '': frame('Fan', { wait: 'children' }),
  'Fan[0]': frame('A', { parent: '', index: 0 }),
  'Fan[1]': frame('Each', { parent: '', index: 1, wait: 'children' }),
  'Fan[1]/Each[2]': frame('Work', { parent: 'Fan[1]', index: 2 }),
};

describe('engine: scopes', () => {
  describe('tableOf', () => {
    const cases: [scope: string, table: unknown][] = [
      [ROOT_SCOPE, DEFINITION],
      ['Fan[0]', branchA],
      ['Fan[1]', branchB],
      ['Fan[1]/Each[2]', itemProcessor],
    ];
    for (const [scope, table] of cases) {
      it(`${JSON.stringify(scope)}: its own states, found through the parent frames`, () => {
        assert.equal(tableOf(DEFINITION, FRAMES, scope), table);
      });
    }

    it('the top level needs no frame at all', () => {
      assert.equal(tableOf(DEFINITION, {}, ROOT_SCOPE), DEFINITION);
    });

    it("a Map's older Iterator field", () => {
      const frames = {
        '': frame('Legacy', { wait: 'children' }),
        'Legacy[0]': frame('Old', { parent: '', index: 0 }),
      };
      assert.equal(tableOf(DEFINITION, frames, 'Legacy[0]'), olderProcessor);
    });

    const unknown: [name: string, frames: Record<string, Frame>, scope: string][] = [
      ['a scope with no frame', FRAMES, 'Fan[7]'],
      ['a frame without a parent', { ...FRAMES, 'Fan[0]': frame('A', { index: 0 }) }, 'Fan[0]'],
      ['a frame without an index', { ...FRAMES, 'Fan[0]': frame('A', { parent: '' }) }, 'Fan[0]'],
      [
        'a parent frame that is gone',
        { 'Fan[1]/Each[2]': FRAMES['Fan[1]/Each[2]']! },
        'Fan[1]/Each[2]',
      ],
      ['a parent frame that moved on to a Task', { ...FRAMES, '': frame('Load') }, 'Fan[0]'],
      [
        'a parent frame on a state the definition lacks',
        { ...FRAMES, '': frame('Gone', { wait: 'children' }) },
        'Fan[0]',
      ],
      [
        'a branch index beyond the Branches',
        { ...FRAMES, 'Fan[5]': frame('A', { parent: '', index: 5 }) },
        'Fan[5]',
      ],
      ['a grandparent that moved on', { ...FRAMES, '': frame('Load') }, 'Fan[1]/Each[2]'],
    ];
    for (const [name, frames, scope] of unknown) {
      it(`undefined for ${name}`, () =>
        assert.equal(tableOf(DEFINITION, frames, scope), undefined));
    }
  });

  describe('childTable', () => {
    it("a Parallel's branch by index, a Map's processor for any index, nothing else", () => {
      const fan = DEFINITION.States['Fan']!;
      const legacy = DEFINITION.States['Legacy']!;
      assert.equal(childTable(fan, 1), branchB);
      assert.equal(childTable(fan, 2), undefined);
      assert.equal(childTable(branchB.States['Each']!, 999), itemProcessor);
      assert.equal(childTable(legacy, 0), olderProcessor);
      assert.equal(childTable(work, 0), undefined);
    });
  });

  describe('framesOf', () => {
    it("a run's frames, or none for a run stored before scopes", () => {
      const run: Run = { ...emptyRun(), frames: FRAMES };
      assert.equal(framesOf(run), FRAMES);
      assert.deepEqual(framesOf(emptyRun()), {});
    });
  });
});
