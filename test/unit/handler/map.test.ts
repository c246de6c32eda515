import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { isTerminalJobState } from '../../../src/dataflow/job.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { jobEndedEvent, startEvent, storedRun, type FakeJob, type Kit } from './kit.js';
import { createScopesKit, jobNameIn } from './scopes-kit.js';

const ITEMS = [10, 20, 30, 40, 50];
const names = ITEMS.map((_, i) => jobNameIn('each', 'work', `Each[${i}]/Work`));

/** Picks which running jobs end before the next deliveries. */
type Pick = (running: FakeJob[]) => FakeJob[];

const orders: [name: string, pick: Pick][] = [
  ['oldest first', (running) => running.slice(0, 1)],
  ['newest first', (running) => running.slice(-1)],
  ['every running job at once', (running) => running],
];

describe('handler: a Map with MaxConcurrency 2 over 5 items, every job end delivered twice', () => {
  let kit: Kit;

  afterEach(() => sinon.restore());

  for (const [order, pick] of orders) {
    it(`launches exactly 5 jobs, never more than 2 active (${order})`, async () => {
      kit = createScopesKit();
      const active = () => kit.dataflow.jobs.filter((job) => !isTerminalJobState(job.currentState));
      let peak = 0;
      kit.dataflow.launch.callsFake((ref, request) =>
        Promise.resolve().then(() => {
          const job = kit.dataflow.create(ref, request);
          peak = Math.max(peak, active().length);
          return job;
        }),
      );

      await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));
      for (let round = 0; (await storedRun(kit.store, 'r1')).status === 'RUNNING'; round++) {
        assert.ok(round < 20, 'the Map finishes');
        const running = active();
        assert.ok(running.length > 0 && running.length <= 2, `${running.length} active`);
        const ending = pick(running);
        for (const job of ending) job.currentState = 'JOB_STATE_DONE';
        for (const job of ending) {
          await handleEvent(kit.deps, jobEndedEvent(job, `m-end-${job.name}`));
          await handleEvent(kit.deps, jobEndedEvent(job, `m-end-${job.name}`));
        }
      }

      sinon.assert.callCount(kit.dataflow.launch, 5);
      assert.ok(peak <= 2, `at most 2 active, saw ${peak}`);
      assert.equal(peak, 2, 'the cap is used');
      assert.deepEqual(kit.dataflow.jobs.map((job) => job.name).sort(), [...names].sort());
      const run = await storedRun(kit.store, 'r1');
      assert.equal(run.status, 'SUCCEEDED');
      assert.deepEqual(
        (run.output as { jobName: string }[]).map((result) => result.jobName),
        names,
        'outputs in item order',
      );
      assert.equal(kit.logger.named('run.succeeded').length, 1);
      assert.equal(kit.logger.named('job.confirmed').length, 5, 'each end counted once');
      assert.equal(kit.logger.named('message.ignored').length, 5, 'each duplicate ignored');
    });
  }

  it('runs items in lanes: item k + 2 starts when item k ends, in the same write', async () => {
    kit = createScopesKit();
    await handleEvent(kit.deps, startEvent({ chain: 'each', input: { items: ITEMS } }));
    assert.deepEqual(
      kit.dataflow.jobs.map((job) => job.name),
      names.slice(0, 2),
    );
    const second = kit.dataflow.job(names[1]!);
    second.currentState = 'JOB_STATE_DONE';
    const writes = kit.store.trips.writes;
    await handleEvent(kit.deps, jobEndedEvent(second));
    assert.deepEqual(
      kit.dataflow.jobs.map((job) => job.name),
      [names[0], names[1], names[3]],
      "item 1's lane goes on with item 3",
    );
    const root = await storedRun(kit.store, 'r1');
    assert.deepEqual(root.frames?.['']?.children?.started, 2, "the Map's document is not written");
    assert.ok(kit.store.trips.writes - writes <= 3, `${kit.store.trips.writes - writes} writes`);
  });
});
