import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { Chain } from '../../../src/chain/types.js';
import { isTerminalJobState } from '../../../src/dataflow/job.js';
import { DataflowQuotaError, StoreTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { QUOTA_RETRY_CAP_MS, quotaDelayMs } from '../../../src/handler/quota-wait.js';
import { threeSteps } from '../../fixtures/chains.js';
import {
  PROJECT,
  createKit,
  daily,
  jobEndedEvent,
  jobNameOf,
  startEvent,
  storedRun,
  stepOf,
  tickEvent,
  type Kit,
} from './kit.js';
import { timerEvent } from './scopes-kit.js';

const POOL = `jobs.${PROJECT}`;
const serial: Chain = {
  name: 'serial',
  file: 'serial.json',
  definition: { ...threeSteps, MaxConcurrentRuns: 1 },
};

async function start(kit: Kit, runId: string, chain = 'daily'): Promise<void> {
  await handleEvent(kit.deps, startEvent({ runId, chain }, `m-start-${runId}`));
  // Start order is time order: each start a millisecond after the one before.
  kit.clock.advance(1);
}

let ends = 0;
async function endJob(kit: Kit, name: string): Promise<void> {
  kit.dataflow.setState(name, 'JOB_STATE_DONE');
  await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(name), `m-end-${++ends}`));
  kit.clock.advance(1);
}

function active(kit: Kit): string[] {
  return kit.dataflow.jobs
    .filter((job) => !isTerminalJobState(job.currentState))
    .map((job) => job.name);
}

/** The slots the store holds are exactly the slots the runs' steps record. */
async function assertSlotsMatch(kit: Kit, runIds: readonly string[]): Promise<void> {
  const held = (await kit.store.slots(POOL)).map((hold) => hold.jobName).sort();
  const recorded: string[] = [];
  for (const id of runIds) {
    const run = await kit.store.get(id);
    for (const step of Object.values(run?.steps ?? {})) if (step.slot) recorded.push(step.jobName);
  }
  assert.deepEqual(held, recorded.sort());
}

describe('handler: admission (the active-job budget, MaxConcurrentRuns, quota waits)', () => {
  describe('a budget of 2 active jobs', () => {
    it('launches two of four starts and queues the others in start order', async () => {
      const kit = createKit({ maxActiveJobs: 2 });
      for (const id of ['r1', 'r2', 'r3', 'r4']) await start(kit, id);
      assert.deepEqual(active(kit), [jobNameOf('r1', 'Ingest'), jobNameOf('r2', 'Ingest')]);
      const r3 = stepOf(await storedRun(kit.store, 'r3'), 'Ingest');
      assert.equal(r3.status, 'INTENDED');
      assert.equal(r3.queued?.pool, POOL);
      assert.equal(r3.lease, undefined, 'a waiter holds no lease: nothing was called for it');
      const line = await kit.store.waiters(POOL, 10);
      assert.deepEqual(
        line.map((entry) => entry.doc),
        ['r3', 'r4'],
      );
      assert.equal(await kit.store.placeInLine(line[1]!), 1);
      await assertSlotsMatch(kit, ['r1', 'r2', 'r3', 'r4']);
    });

    it("gives a job's slot to the oldest waiter when its end is recorded, not to the ended run's next step", async () => {
      const kit = createKit({ maxActiveJobs: 2 });
      for (const id of ['r1', 'r2', 'r3', 'r4']) await start(kit, id);
      await endJob(kit, jobNameOf('r1', 'Ingest'));
      assert.deepEqual(active(kit), [jobNameOf('r2', 'Ingest'), jobNameOf('r3', 'Ingest')]);
      const line = await kit.store.waiters(POOL, 10);
      assert.deepEqual(
        line.map((entry) => `${entry.doc}/${entry.jobName}`),
        [`r4/${jobNameOf('r4', 'Ingest')}`, `r1/${jobNameOf('r1', 'Transform')}`],
      );
      assert.equal(kit.logger.named('admission.admitted').length, 1);
      await assertSlotsMatch(kit, ['r1', 'r2', 'r3', 'r4']);
    });

    it('runs every chain to the end, each job launched once and never more than 2 active, under duplicate end events', async () => {
      const kit = createKit({ maxActiveJobs: 2 });
      const runs = ['r1', 'r2', 'r3', 'r4', 'r5'];
      for (const id of runs) await start(kit, id);
      let peak = 0;
      for (let guard = 0; guard < 100 && active(kit).length > 0; guard++) {
        peak = Math.max(peak, active(kit).length);
        const name = active(kit)[0]!;
        await endJob(kit, name);
        // The same end, delivered again: nothing more launches, nothing is released twice.
        await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(name), `m-dup-${guard}`));
        await assertSlotsMatch(kit, runs);
      }
      assert.equal(peak, 2);
      for (const id of runs) assert.equal((await kit.store.get(id))?.status, 'SUCCEEDED', id);
      const names = kit.dataflow.jobs.map((job) => job.name);
      assert.equal(names.length, 15);
      assert.equal(new Set(names).size, 15, 'no job launched twice');
      assert.deepEqual(await kit.store.slots(POOL), []);
      assert.deepEqual(await kit.store.waiters(POOL, 10), []);
    });

    it('leaves a waiter whose admission failed to the tick, which admits it', async () => {
      const kit = createKit({ maxActiveJobs: 1 });
      await start(kit, 'r1');
      await start(kit, 'r2');
      // The first read is the job end's own (its next intent queues); admission's reads fail.
      const read = kit.store.waiters.bind(kit.store);
      let reads = 0;
      const waiters = sinon.stub(kit.store, 'waiters').callsFake(async (pool, limit) => {
        if (reads++ === 0) return read(pool, limit);
        throw new StoreTransientError('Firestore read the queue of a pool failed');
      });
      await endJob(kit, jobNameOf('r1', 'Ingest'));
      assert.ok(kit.logger.named('admission.failed').length >= 1);
      assert.equal(stepOf(await storedRun(kit.store, 'r2'), 'Ingest').status, 'INTENDED');
      waiters.restore();
      await handleEvent(kit.deps, tickEvent());
      assert.equal(stepOf(await storedRun(kit.store, 'r2'), 'Ingest').status, 'LAUNCHED');
      const done = kit.logger.named('tick.done')[0];
      assert.equal(done?.['admitted'], 1);
    });

    it('lets the whole line go at the tick once the budget is turned off', async () => {
      const kit = createKit({ maxActiveJobs: 1 });
      await start(kit, 'r1');
      await start(kit, 'r2');
      await start(kit, 'r3');
      assert.equal(kit.dataflow.launch.callCount, 1);
      const off = { ...kit, deps: { ...kit.deps, maxActiveJobs: 0 } };
      await handleEvent(off.deps, tickEvent());
      assert.equal(kit.dataflow.launch.callCount, 3);
      assert.deepEqual(await kit.store.waiters(POOL, 10), []);
    });

    it('drops, at the tick, a slot document no run records', async () => {
      const kit = createKit({ maxActiveJobs: 2 });
      await start(kit, 'r1');
      const orphan = { pool: POOL, index: 1, doc: 'gone', jobName: 'ingest-000000000000' };
      const slots = sinon.stub(kit.store, 'slots').callsFake(async (pool) => {
        slots.restore();
        return [...(await kit.store.slots(pool)), orphan];
      });
      const drop = sinon.stub(kit.store, 'dropOrphanSlot').resolves(true);
      await handleEvent(kit.deps, tickEvent());
      assert.deepEqual(drop.firstCall.args, [orphan]);
      assert.equal(kit.logger.named('admission.orphan_slot').length, 1);
      assert.equal(drop.callCount, 1, "the run's own slot is kept");
    });
  });

  describe('a launch refused for quota (429 RESOURCE_EXHAUSTED)', () => {
    const refusal = () =>
      new DataflowQuotaError('Dataflow flexTemplates.launch failed: HTTP 429 RESOURCE_EXHAUSTED', {
        operation: 'flexTemplates.launch',
        httpStatus: 429,
        status: 'RESOURCE_EXHAUSTED',
      });

    it('waits for a timer instead of failing, logs the wait once, and launches when it fires', async () => {
      const kit = createKit({ maxActiveJobs: 2, quotaRetryMs: 10_000 });
      kit.dataflow.launch.onCall(0).rejects(refusal());
      await start(kit, 'r1');
      const run = await storedRun(kit.store, 'r1');
      const step = stepOf(run, 'Ingest');
      assert.equal(step.status, 'INTENDED');
      assert.equal(step.quotaWait?.waits, 1);
      assert.equal(step.slot?.pool, POOL, 'the slot is kept while it waits');
      assert.equal(kit.dataflow.launch.callCount, 1, 'no retry in the same delivery');
      const [timer] = Object.entries(run.timers ?? {}).filter(([, t]) => t.kind === 'launch');
      assert.ok(timer);
      assert.equal(timer[1].dueAt, step.quotaWait?.dueAt);
      assert.deepEqual(
        kit.timers.scheduled.map((t) => t.name),
        [timer[0]],
      );
      assert.equal(kit.logger.named('launch.quota_wait').length, 1);
      assert.equal(kit.logger.named('run.failed').length, 0);
      // The tick leaves it alone while it waits.
      await handleEvent(kit.deps, tickEvent());
      assert.equal(kit.dataflow.launch.callCount, 1);
      kit.clock.advance(Date.parse(timer[1].dueAt) - kit.clock.now().getTime());
      await handleEvent(kit.deps, timerEvent(timer[0], 'm-timer', 'r1'));
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
      assert.equal(kit.dataflow.launch.callCount, 2);
      assert.equal(kit.dataflow.listByName.callCount, 1, 'the relaunch looks the job up first');
      assert.equal(kit.logger.named('launch.quota_wait').length, 1);
    });

    it('doubles the wait up to the cap, with a jitter that a replay computes again', () => {
      assert.equal(quotaDelayMs(1000, 'j', 0), quotaDelayMs(1000, 'j', 0));
      for (const waits of [0, 1, 2, 3]) {
        const delay = quotaDelayMs(1000, 'j', waits);
        assert.ok(delay >= 500 * 2 ** waits && delay <= 1000 * 2 ** waits, `${waits}: ${delay}`);
      }
      assert.ok(quotaDelayMs(1000, 'j', 40) <= QUOTA_RETRY_CAP_MS);
      assert.ok(quotaDelayMs(1000, 'j', 40) >= QUOTA_RETRY_CAP_MS / 2);
    });
  });

  describe('MaxConcurrentRuns', () => {
    it('queues a start beyond it and begins it when the running run ends', async () => {
      const kit = createKit({ chains: new ChainCatalog([daily, serial]) });
      await start(kit, 's1', 'serial');
      await start(kit, 's2', 'serial');
      const waiting = await kit.store.get('s2');
      assert.equal(waiting?.status, 'RUNNING');
      assert.equal(waiting?.queued?.pool, 'runs.serial');
      assert.deepEqual(waiting?.steps, {});
      assert.equal(kit.logger.named('run.queued').length, 1);
      for (const state of ['Ingest', 'Transform', 'Publish']) {
        const name = stepOf(await storedRun(kit.store, 's1'), state).jobName;
        await endJob(kit, name);
      }
      assert.equal((await kit.store.get('s1'))?.status, 'SUCCEEDED');
      const begun = await kit.store.get('s2');
      assert.equal(begun?.queued, undefined);
      assert.equal(begun?.slot?.pool, 'runs.serial');
      assert.equal(stepOf(await storedRun(kit.store, 's2'), 'Ingest').status, 'LAUNCHED');
      assert.deepEqual(
        (await kit.store.slots('runs.serial')).map((hold) => hold.doc),
        ['s2'],
      );
    });

    it('a repeated start of a queued run changes nothing', async () => {
      const kit = createKit({ chains: new ChainCatalog([daily, serial]) });
      await start(kit, 's1', 'serial');
      await start(kit, 's2', 'serial');
      await handleEvent(kit.deps, startEvent({ runId: 's2', chain: 'serial' }, 'm-again'));
      assert.equal((await kit.store.waiters('runs.serial', 10)).length, 1);
      assert.equal(kit.dataflow.launch.callCount, 1);
    });
  });
});
