import { strict as assert } from 'node:assert';
import type { MapState, ParallelState } from '../../../src/chain/types.js';
import { allEnded, failureOf, joinedOutputs, recordChild } from '../../../src/engine/children.js';
import type { Children, RunError } from '../../../src/engine/run.js';

const PARALLEL: ParallelState = {
  Type: 'Parallel',
  Branches: [
    { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
    { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
  ],
  End: true,
};

const MAP: MapState = {
  Type: 'Map',
  ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
  End: true,
};

const BOOM: RunError = { Error: 'Dataflow.JobFailed', Cause: 'job x ended JOB_STATE_FAILED' };

function children(fields: Partial<Children> = {}): Children {
  return { total: 4, started: 4, running: 4, failed: 0, outputs: {}, ...fields };
}

describe('engine: children of a Parallel or Map', () => {
  describe('recordChild', () => {
    it('records an output: one fewer running, no failure', () => {
      const before = children({ outputs: { 0: 'zero' } });
      assert.deepEqual(recordChild(before, 2, { output: { v: 2 } }), {
        ...before,
        running: 3,
        failed: 0,
        outputs: { 0: 'zero', 2: { v: 2 } },
      });
    });

    it('records a failure: one more failed, its {Error, Cause} as the output', () => {
      const before = children({ running: 2, failed: 1, outputs: { 0: 'zero' } });
      const after = recordChild(before, 3, { error: BOOM });
      assert.deepEqual(after, {
        ...before,
        running: 1,
        failed: 2,
        outputs: { 0: 'zero', 3: { Error: 'Dataflow.JobFailed', Cause: BOOM.Cause } },
      });
      assert.notEqual(after.outputs[3], BOOM, 'a copy of the error, not the error itself');
    });

    it('keeps no output when the result is discarded, but still counts the child', () => {
      const after = recordChild(children({ running: 2 }), 1, { output: 'big' }, false);
      assert.deepEqual([after.outputs, after.running], [{}, 1]);
    });

    it('keeps the Map fields and leaves its argument alone', () => {
      const before = children({ maxConcurrency: 2, toleratedCount: 1 });
      const frozen = structuredClone(before);
      const after = recordChild(before, 0, { output: null });
      assert.deepEqual(before, frozen);
      assert.equal(after.maxConcurrency, 2);
      assert.equal(after.toleratedCount, 1);
      assert.deepEqual(after.outputs, { 0: null });
    });
  });

  describe('failureOf', () => {
    it('a Parallel fails with its branch error, tolerance fields or not', () => {
      assert.deepEqual(failureOf(PARALLEL, children({ failed: 1 }), BOOM), BOOM);
      assert.deepEqual(failureOf(PARALLEL, children({ failed: 1, toleratedCount: 3 }), BOOM), BOOM);
    });

    it('a Map without tolerance fails with its item error', () => {
      assert.deepEqual(failureOf(MAP, children({ failed: 1 }), BOOM), BOOM);
    });

    const exceeded = (failed: number, total: number): RunError => ({
      Error: 'States.ExceedToleratedFailureThreshold',
      Cause: `${failed} of ${total} items failed, more than the Map tolerates; the last: Dataflow.JobFailed: job x ended JOB_STATE_FAILED`,
    });

    const cases: [
      name: string,
      fields: Pick<Children, 'total' | 'failed'> & Partial<Children>,
      fails: boolean,
    ][] = [
      // ToleratedFailureCount: fails once the failures are more than the count.
      ['count 1, 1 failed: at the threshold', { total: 5, failed: 1, toleratedCount: 1 }, false],
      ['count 1, 2 failed: beyond it', { total: 5, failed: 2, toleratedCount: 1 }, true],
      ['count 0, 1 failed', { total: 5, failed: 1, toleratedCount: 0 }, true],
      ['count 5, all 5 failed', { total: 5, failed: 5, toleratedCount: 5 }, false],
      // ToleratedFailurePercentage: fails once the failed share is more than the percentage.
      [
        '25 %, 1 of 4 failed: at the threshold',
        { total: 4, failed: 1, toleratedPercentage: 25 },
        false,
      ],
      ['25 %, 2 of 4 failed: beyond it', { total: 4, failed: 2, toleratedPercentage: 25 }, true],
      ['0 %, 1 of 4 failed', { total: 4, failed: 1, toleratedPercentage: 0 }, true],
      ['100 %, 4 of 4 failed', { total: 4, failed: 4, toleratedPercentage: 100 }, false],
      [
        '33.3 %, 1 of 3 failed (33.33… %)',
        { total: 3, failed: 1, toleratedPercentage: 33.3 },
        true,
      ],
      ['33.34 %, 1 of 3 failed', { total: 3, failed: 1, toleratedPercentage: 33.34 }, false],
      // Both: the Map fails when either is exceeded.
      [
        'count 3 and 10 %, 2 of 10 failed: the share is over',
        { total: 10, failed: 2, toleratedCount: 3, toleratedPercentage: 10 },
        true,
      ],
      [
        'count 1 and 50 %, 2 of 10 failed: the count is over',
        { total: 10, failed: 2, toleratedCount: 1, toleratedPercentage: 50 },
        true,
      ],
      [
        'count 2 and 20 %, 2 of 10 failed: both at the threshold',
        { total: 10, failed: 2, toleratedCount: 2, toleratedPercentage: 20 },
        false,
      ],
    ];
    for (const [name, fields, fails] of cases) {
      it(`a Map with ${name}: ${fails ? 'fails' : 'tolerated'}`, () => {
        const got = failureOf(MAP, children({ started: fields.total, ...fields }), BOOM);
        assert.deepEqual(got, fails ? exceeded(fields.failed, fields.total) : undefined);
      });
    }
  });

  describe('allEnded', () => {
    const cases: [name: string, fields: Partial<Children>, ended: boolean][] = [
      ['every child started and none running', { started: 4, running: 0 }, true],
      ['one still running', { started: 4, running: 1 }, false],
      [
        'none running but items not yet started (MaxConcurrency)',
        { started: 2, running: 0 },
        false,
      ],
    ];
    for (const [name, fields, ended] of cases) {
      it(`${name}: ${ended}`, () => assert.equal(allEnded(children(fields)), ended));
    }
  });

  describe('joinedOutputs', () => {
    it('lists every output in index order, null where a child left none', () => {
      const done = children({
        total: 4,
        outputs: { 3: 'd', 0: 'a', 1: { Error: 'E', Cause: '' } },
      });
      assert.deepEqual(joinedOutputs(done), ['a', { Error: 'E', Cause: '' }, null, 'd']);
    });

    it('keeps an output that is null or false as it is', () => {
      assert.deepEqual(joinedOutputs(children({ total: 2, outputs: { 0: false, 1: null } })), [
        false,
        null,
      ]);
    });
  });
});
