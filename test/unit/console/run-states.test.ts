import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { runPayload } from '../../../src/console/run-data.js';
import type { Frame, Run } from '../../../src/engine/run.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';
import { consoleContext } from './kit.js';

const T1 = '2026-11-22T10:01:00.000Z';

/** A Map of one Task per item, then Report. */
const SPLIT: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ToleratedFailurePercentage: 100,
      ItemProcessor: {
        StartAt: 'Convert',
        States: {
          Convert: {
            Type: 'Task',
            Resource: 'dataflow:flexTemplate',
            Parameters: { jobName: 'convert', containerSpecGcsPath: 'gs://b/convert.json' },
            End: true,
          },
        },
      },
      Next: 'Report',
    },
    Report: { Type: 'Pass', End: true },
  },
};

function frame(state: string, input: Frame['input'], extra: Partial<Frame> = {}): Frame {
  return { state, input, enteredTime: T1, visit: 0, attempt: 0, wait: 'job', ...extra };
}

/** Item `index` of r1's Map Each in its own document. */
function item(index: number, status: Run['status']): Run {
  return {
    ...emptyRun(`r1.i${index}`),
    status,
    ...(status === 'FAILED'
      ? { error: { Error: 'Dataflow.JobFailed', Cause: `item ${index} failed` } }
      : {}),
    ...(status === 'RUNNING' ? { frames: { [`Each[${index}]`]: frame('Convert', index) } } : {}),
    part: {
      root: 'r1',
      key: `i${index}`,
      scope: `Each[${index}]`,
      parent: '',
      parentDoc: 'r1',
      index,
      group: 'r1|Each@0',
      route: [{ state: 'Each', index }],
    },
  };
}

async function stored(run: Run, parts: readonly Run[]): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  await store.putDefinition('h1', SPLIT);
  await store.create(run, [...parts]);
  return store;
}

describe('console run-states: states and Map items of a stored run', () => {
  it('a Map of 100 items, 60 started: counts by status, at most 50 problems in index order', async () => {
    const children = {
      total: 100,
      started: 60,
      running: 2,
      failed: 55,
      outputs: {},
      parts: true as const,
    };
    const run: Run = {
      ...emptyRun('r1'),
      frames: { '': frame('Each', { n: 100 }, { wait: 'children', children }) },
    };
    const statuses = (i: number): Run['status'] =>
      i < 2 ? 'RUNNING' : i < 5 ? 'CANCELLED' : 'FAILED';
    // Stored out of order: the problems come back by index.
    const parts = Array.from({ length: 60 }, (_, i) => item(59 - i, statuses(59 - i)));
    const payload = await runPayload(consoleContext({ store: await stored(run, parts) }), 'r1');
    assert.ok(payload);
    assert.equal(payload.maps.length, 1);
    const [each] = payload.maps;
    assert.deepEqual(
      { ...each, problems: undefined },
      {
        nodeId: 's_Each',
        scope: '',
        state: 'Each',
        total: 100,
        succeeded: 0,
        failed: 55,
        running: 2,
        cancelled: 3,
        problems: undefined,
      },
    );
    assert.equal(each!.problems.length, 50);
    assert.deepEqual(
      each!.problems.map((p) => p.index),
      Array.from({ length: 50 }, (_, i) => i + 2),
    );
    assert.deepEqual(each!.problems[0], { index: 2, status: 'CANCELLED' });
    assert.deepEqual(each!.problems[3], {
      index: 5,
      status: 'FAILED',
      error: { Error: 'Dataflow.JobFailed', Cause: 'item 5 failed' },
    });
    const convert = payload.states.find((s) => s.name === 'Convert');
    assert.equal(convert?.nodeId, 's_Each_z_items_z_Convert');
    assert.equal(convert?.now, 2, 'two items are in Convert');
    assert.equal(payload.states.find((s) => s.name === 'Each')?.now, 1);
    assert.deepEqual(payload.states.find((s) => s.name === 'Each')?.input, { n: 100 });
  });

  it('a run that stopped: the state it stopped in has its input', async () => {
    const run: Run = {
      ...emptyRun('r1'),
      status: 'FAILED',
      endTime: T1,
      error: { Error: 'States.TaskFailed', Cause: 'x' },
      stopped: frame('Report', { report: 'input' }),
    };
    const payload = await runPayload(consoleContext({ store: await stored(run, []) }), 'r1');
    assert.ok(payload);
    const report = payload.states.find((s) => s.name === 'Report');
    assert.deepEqual(report?.input, { report: 'input' });
    assert.equal(report?.now, 0);
    assert.deepEqual(payload.maps, []);
    assert.equal(payload.actions.cancel, 'run r1 is FAILED: only a RUNNING run can be cancelled');
    assert.equal(payload.actions.redrive, undefined, 'a stopped FAILED run can be redriven');
  });
});
