import { strict as assert } from 'node:assert';
import type { ChainDefinition, MapState } from '../../../src/chain/types.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import { onJobEnded, withItemsUsage, type JobUsage } from '../../../src/engine/job-ended.js';
import { onMapJoined, startPart } from '../../../src/engine/part.js';
import type { Run } from '../../../src/engine/run.js';
import { at, endedJob, spawnsOf, start, stepFor, task } from './drive.js';

const TWO: ChainDefinition = {
  StartAt: 'A',
  States: {
    A: task('a', { Next: 'B' }),
    B: task('b', {
      Parameters: {
        jobName: 'b',
        containerSpecGcsPath: 'gs://b/b.json',
        environment: { flexrsGoal: 'FLEXRS_COST_OPTIMIZED' },
      },
    }),
  },
};

const USED: JobUsage = {
  ...NO_USAGE,
  vcpuSeconds: 3600,
  memoryMbSeconds: 3840 * 3600,
  pdGbSeconds: 25 * 3600,
  metricTime: '2026-11-22T10:06:00.000Z',
};
const { metricTime: _at, ...FIGURES } = USED;

describe('engine: a job end records the job usage', () => {
  it('stores the usage on the ended step and adds it to the run total, by region and FlexRS', () => {
    const first = start(TWO).run;
    const a = stepFor(first, 'A');
    const afterA = onJobEnded(TWO, first, endedJob(first, a, 'JOB_STATE_DONE'), at(60), USED);
    assert.deepEqual(afterA.archived[0]!.usage, USED);
    assert.deepEqual(afterA.run.usage, { 'europe-west4': FIGURES });

    const b = stepFor(afterA.run, 'B');
    const ended = endedJob(afterA.run, b, 'JOB_STATE_DONE');
    const afterB = onJobEnded(TWO, afterA.run, ended, at(120), USED);
    assert.equal(afterB.run.status, 'SUCCEEDED');
    assert.deepEqual(afterB.run.usage, {
      'europe-west4': FIGURES,
      'europe-west4/flexrs': FIGURES,
    });
    assert.deepEqual(
      afterB.events.map((e) => e.event),
      ['job.confirmed', 'run.succeeded'],
    );
  });

  it('a job end without usage is recorded all the same, with none', () => {
    const first = start(TWO).run;
    const t = onJobEnded(
      TWO,
      first,
      endedJob(first, stepFor(first, 'A'), 'JOB_STATE_DONE'),
      at(60),
    );
    assert.equal(t.archived[0]!.status, 'SUCCEEDED');
    assert.equal('usage' in t.archived[0]!, false);
    assert.equal(t.run.usage, undefined);
  });

  it('a duplicate end adds nothing', () => {
    const first = start(TWO).run;
    const job = endedJob(first, stepFor(first, 'A'), 'JOB_STATE_DONE');
    const once = onJobEnded(TWO, first, job, at(60), USED).run;
    const again = onJobEnded(TWO, once, job, at(61), USED);
    assert.equal(again.changed, false);
    assert.deepEqual(again.run.usage, { 'europe-west4': FIGURES });
  });
});

describe('engine: a Map join adds its items usage', () => {
  const MAP: ChainDefinition = {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'W', States: { W: task('w') } },
        End: true,
      } as MapState,
    },
  };

  it('the run total counts each item part once, when the Map joins', () => {
    const root = start(MAP, { items: [1, 2] });
    const parts = spawnsOf(root).map((spawn) => {
      const running = startPart(MAP, root.run, spawn, at(1)).run;
      const w = stepFor(running, 'W');
      return onJobEnded(MAP, running, endedJob(running, w, 'JOB_STATE_DONE'), at(5), USED).run;
    });
    for (const p of parts) assert.deepEqual(p.usage, { 'europe-west4': FIGURES });
    const joined = onMapJoined(MAP, root.run, parts[1]!.part!, parts, at(6));
    assert.equal(joined.run.status, 'SUCCEEDED');
    assert.deepEqual(joined.run.usage, {
      'europe-west4': {
        ...FIGURES,
        vcpuSeconds: 7200,
        memoryMbSeconds: 2 * 3840 * 3600,
        pdGbSeconds: 50 * 3600,
      },
    });
  });

  it('withItemsUsage leaves an unchanged transition and items without usage alone', () => {
    const root = start(MAP, { items: [1] });
    const unchanged = { run: root.run, changed: false, effects: [], events: [], archived: [] };
    const item: Run = { ...root.run, usage: { 'europe-west4': FIGURES } };
    assert.equal(withItemsUsage(unchanged, [item]), unchanged);
    const changed = { ...unchanged, changed: true };
    assert.equal(withItemsUsage(changed, [root.run]), changed);
  });
});
