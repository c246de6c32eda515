import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { Clock } from '../../../src/clock.js';
import { claimLaunch } from '../../../src/engine/lease.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { DataflowTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { rotated } from '../../../src/handler/tick.js';
import { TICK_LIMITS } from '../../../src/handler/tick-limits.js';
import {
  LEASE_MS,
  NOW,
  PROJECT,
  createKit,
  jobEndedEvent,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';

const EUROPE = { projectId: PROJECT, location: 'europe-west4' };
const OTHER_PROJECT = 'other-proj';

describe('handler: tick', () => {
  let kit: Kit;
  let now: number;

  beforeEach(() => {
    now = Date.parse(NOW);
    const clock: Clock = { now: () => new Date(now) };
    kit = createKit({ clock });
  });

  afterEach(() => sinon.restore());

  async function startAndForget(runId = 'r1'): Promise<void> {
    await handleEvent(kit.deps, startEvent({ runId }, `m-${runId}`));
    kit.dataflow.reset();
    kit.logger.clear();
  }

  function tickDone() {
    return kit.logger.named('tick.done')[0];
  }

  it('costs one jobs.list and nothing else when every launched job is still active', async () => {
    await startAndForget('r1');
    await startAndForget('r2');
    const before = await storedRun(kit.store, 'r1');

    await handleEvent(kit.deps, tickEvent());

    sinon.assert.calledOnceWithExactly(kit.dataflow.listActive, EUROPE);
    assert.equal(kit.dataflow.callCount, 1);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.equal(
      tickDone()?.message,
      'tick: 2 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 0 still waiting, 0 failed, 0 deferred to a later tick',
    );
  });

  it('advances a run whose job ended without an event, and launches the next step', async () => {
    await startAndForget();
    kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');

    await handleEvent(kit.deps, tickEvent());

    // Exactly a JobRef: the googleapis adapter sends every field of it as a query parameter.
    sinon.assert.calledOnceWithExactly(kit.dataflow.getJob, EUROPE, '2026-11-22_02_00_00-1001');
    sinon.assert.calledOnce(kit.dataflow.launch);
    const run = await storedRun(kit.store, 'r1');
    assert.equal(stepOf(run, 'Ingest').status, 'SUCCEEDED');
    assert.equal(stepOf(run, 'Transform').status, 'LAUNCHED');
    assert.deepEqual(kit.logger.events(), [
      'job.confirmed',
      'step.intended',
      'job.launched',
      'tick.done',
    ]);
    assert.equal(tickDone()?.['advanced'], 1);
  });

  it('completes an intent left by a delivery that died, once it is older than the grace period', async () => {
    kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died before the launch/);
    kit.dataflow.reset();
    kit.logger.clear();

    await handleEvent(kit.deps, tickEvent('m-early'));
    sinon.assert.notCalled(kit.dataflow.launch);

    now += LEASE_MS;
    await handleEvent(kit.deps, tickEvent('m-late'));

    sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, jobNameOf('r1', 'Ingest'));
    sinon.assert.calledOnce(kit.dataflow.launch);
    sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.equal(tickDone()?.['relaunched'], 0);
    assert.equal(kit.logger.named('tick.done')[1]?.['relaunched'], 1);
  });

  it('adopts, not relaunches, an intent whose job exists (died after launching)', async () => {
    kit.dataflow.launch.onCall(0).callsFake((ref, request) => {
      kit.dataflow.create(ref, request);
      return Promise.reject(new Error('instance died after the launch'));
    });
    await assert.rejects(handleEvent(kit.deps, startEvent()), /died after the launch/);
    kit.dataflow.reset();
    now += LEASE_MS;

    await handleEvent(kit.deps, tickEvent());

    sinon.assert.notCalled(kit.dataflow.launch);
    assert.equal(
      stepOf(await storedRun(kit.store, 'r1'), 'Ingest').jobId,
      '2026-11-22_02_00_00-1001',
    );
    assert.ok(kit.logger.events().includes('job.adopted'));
  });

  it('fails the run when a launched job never appears in the API', async () => {
    await startAndForget();
    kit.dataflow.jobs.length = 0;

    await handleEvent(kit.deps, tickEvent('m-1'));
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING', 'not yet: the API lags');

    now += TICK_LIMITS.launchVisibilityMs;
    await handleEvent(kit.deps, tickEvent('m-2'));
    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error?.Error, 'Dataflow.LaunchFailed');
    assert.match(
      run.error?.Cause ?? '',
      /^States\.Ingest: job ingest-[0-9a-f]{12} \(2026-11-22_02_00_00-1001\) was launched 15 min ago but the Dataflow API never showed it$/,
    );
  });

  it('checks at most maxChecks jobs per tick, oldest first, and defers the rest', async () => {
    kit = createKit({
      clock: { now: () => new Date(now) },
      tickLimits: { ...TICK_LIMITS, maxChecks: 2 },
    });
    for (const id of ['r1', 'r2', 'r3']) {
      await startAndForget(id);
      now += 1000;
      kit.dataflow.setState(jobNameOf(id, 'Ingest'), 'JOB_STATE_DONE');
    }

    await handleEvent(kit.deps, tickEvent());

    assert.deepEqual(
      kit.dataflow.getJob.getCalls().map((call) => call.args[1]),
      ['2026-11-22_02_00_00-1001', '2026-11-22_02_00_00-1002'],
    );
    assert.equal(tickDone()?.['deferred'], 1);
    assert.equal(stepOf(await storedRun(kit.store, 'r3'), 'Ingest').status, 'LAUNCHED');
  });

  it("leaves a run alone when the ended job it finds is not the step's own (its labels are gone)", async () => {
    await startAndForget();
    const ingest = kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');
    ingest.labels = {};
    const before = await storedRun(kit.store, 'r1');

    await handleEvent(kit.deps, tickEvent());

    sinon.assert.calledOnceWithExactly(kit.dataflow.getJob, EUROPE, ingest.id);
    sinon.assert.notCalled(kit.dataflow.launch);
    assert.deepEqual(await storedRun(kit.store, 'r1'), before);
    assert.equal(tickDone()?.['waiting'], 1);
    assert.equal(tickDone()?.['advanced'], 0);
  });

  it('does not look at runs that ended', async () => {
    await startAndForget();
    kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_CANCELLED');
    await handleEvent(kit.deps, tickEvent('m-1'));
    assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
    kit.dataflow.reset();
    kit.logger.clear();

    await handleEvent(kit.deps, tickEvent('m-2'));

    assert.equal(kit.dataflow.callCount, 0);
    assert.deepEqual(kit.logger.events(), ['tick.done']);
  });

  it('reconciles the other runs when one fails, then fails the delivery', async () => {
    await startAndForget('r1');
    await startAndForget('r2');
    kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');
    kit.dataflow.setState(jobNameOf('r2', 'Ingest'), 'JOB_STATE_DONE');
    const outage = new DataflowTransientError('Dataflow jobs.get failed: HTTP 503 UNAVAILABLE', {
      operation: 'jobs.get',
      httpStatus: 503,
    });
    kit.dataflow.getJob.withArgs(sinon.match.any, '2026-11-22_02_00_00-1001').rejects(outage);

    await assert.rejects(handleEvent(kit.deps, tickEvent('m-3')), (thrown) => thrown === outage);

    assert.equal(stepOf(await storedRun(kit.store, 'r2'), 'Transform').status, 'LAUNCHED');
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.deepEqual(kit.logger.named('tick.failed'), [
      {
        severity: 'WARNING',
        event: 'tick.failed',
        message: `tick: reconciling ${jobNameOf('r1', 'Ingest')} of run r1 failed: ${outage.message}`,
        runId: 'r1',
        chain: 'daily',
        state: 'Ingest',
      },
    ]);
    assert.deepEqual(kit.logger.events().slice(-2), ['tick.done', 'delivery.retry']);
  });

  it('rotates its window: items that stay stuck cannot starve the rest', async () => {
    kit = createKit({
      clock: { now: () => new Date(now) },
      tickLimits: { ...TICK_LIMITS, maxChecks: 2 },
    });
    for (const id of ['r1', 'r2', 'r3']) await startAndForget(id);
    // Every job is missing from the ACTIVE list yet still running: each check stays "waiting".
    kit.dataflow.listActive.resolves([]);
    const checked = new Set<string>();
    for (let minute = 0; minute < 2; minute++) {
      kit.logger.clear();
      kit.dataflow.getJob.resetHistory();
      await handleEvent(kit.deps, tickEvent(`m-${minute}`));
      for (const call of kit.dataflow.getJob.getCalls()) checked.add(call.args[1]);
      assert.equal(kit.dataflow.getJob.callCount, 2);
      assert.equal(tickDone()?.['deferred'], 1);
      now += TICK_LIMITS.rotationPeriodMs;
    }
    assert.equal(checked.size, 3);
  });

  describe('rotated', () => {
    const cases: [nowMs: number, expected: number[]][] = [
      [0, [1, 2, 3, 4, 5]],
      [60_000, [3, 4, 5, 1, 2]],
      [120_000, [5, 1, 2, 3, 4]],
      [179_999, [5, 1, 2, 3, 4]],
    ];
    for (const [nowMs, expected] of cases) {
      it(`window of 2 over 5 items at ${nowMs} ms starts at item ${expected[0]}`, () => {
        assert.deepEqual(rotated([1, 2, 3, 4, 5], 2, nowMs, 60_000), expected);
      });
    }

    it('leaves a list no longer than the window as it is', () => {
      assert.deepEqual(rotated([1, 2], 2, 60_000, 60_000), [1, 2]);
      // Shorter than the window: turning it by the window's size would move it.
      assert.deepEqual(rotated([1, 2, 3], 5, 60_000, 60_000), [1, 2, 3]);
    });
  });

  it('pins its documented limits: 50 checks, 15 min for a launch to appear, a window moving every minute', () => {
    assert.deepEqual(TICK_LIMITS, {
      maxChecks: 50,
      launchVisibilityMs: 900_000,
      rotationPeriodMs: 60_000,
    });
  });

  describe('one jobs.list per project and region', () => {
    const A = PROJECT;
    const B = OTHER_PROJECT;

    /**
     * Four running runs whose launched steps cover two projects × two regions: in each project
     * one run is at Ingest (europe-west4) and one at Transform (us-central1).
     */
    async function spreadRuns(): Promise<void> {
      for (const [projectId, ingestRun, transformRun] of [
        [A, 'a-ingest', 'a-transform'],
        [B, 'b-ingest', 'b-transform'],
      ] as const) {
        const deps = { ...kit.deps, projectId };
        await handleEvent(deps, startEvent({ runId: ingestRun }, `m-${ingestRun}`));
        await handleEvent(deps, startEvent({ runId: transformRun }, `m-${transformRun}`));
        const ingest = kit.dataflow.setState(jobNameOf(transformRun, 'Ingest'), 'JOB_STATE_DONE');
        await handleEvent(deps, jobEndedEvent(ingest, `m-end-${transformRun}`));
      }
      const steps = await Promise.all(
        [
          ['a-ingest', 'Ingest'],
          ['a-transform', 'Transform'],
          ['b-ingest', 'Ingest'],
          ['b-transform', 'Transform'],
        ].map(async ([runId, state]) => {
          const step = stepOf(await storedRun(kit.store, runId!), state!);
          return [runId, step.status, step.projectId, step.location];
        }),
      );
      assert.deepEqual(steps, [
        ['a-ingest', 'LAUNCHED', A, 'europe-west4'],
        ['a-transform', 'LAUNCHED', A, 'us-central1'],
        ['b-ingest', 'LAUNCHED', B, 'europe-west4'],
        ['b-transform', 'LAUNCHED', B, 'us-central1'],
      ]);
      kit.dataflow.reset();
      kit.logger.clear();
    }

    const listedRefs = () =>
      kit.dataflow.listActive
        .getCalls()
        .map((call) => call.args[0])
        .sort((x, y) =>
          `${x.projectId}/${x.location}`.localeCompare(`${y.projectId}/${y.location}`),
        );

    it('lists active jobs exactly once for each project/region pair with launched steps', async () => {
      await spreadRuns();

      await handleEvent(kit.deps, tickEvent());

      assert.deepEqual(listedRefs(), [
        { projectId: A, location: 'europe-west4' },
        { projectId: A, location: 'us-central1' },
        { projectId: B, location: 'europe-west4' },
        { projectId: B, location: 'us-central1' },
      ]);
      assert.equal(kit.dataflow.callCount, 4, 'every job is active: nothing else to ask');
    });

    it('advances ended jobs in every project and region, asking each job in its own region', async () => {
      await spreadRuns();
      for (const job of kit.dataflow.jobs) {
        if (job.currentState === 'JOB_STATE_RUNNING') job.currentState = 'JOB_STATE_DONE';
      }

      await handleEvent(kit.deps, tickEvent());

      assert.equal(kit.dataflow.listActive.callCount, 4);
      assert.deepEqual(
        kit.dataflow.getJob
          .getCalls()
          .map((call) => `${call.args[0].projectId}/${call.args[0].location} ${call.args[1]}`)
          .sort(),
        [
          `${A}/europe-west4 ${kit.dataflow.job(jobNameOf('a-ingest', 'Ingest')).id}`,
          `${A}/us-central1 ${kit.dataflow.job(jobNameOf('a-transform', 'Transform')).id}`,
          `${B}/europe-west4 ${kit.dataflow.job(jobNameOf('b-ingest', 'Ingest')).id}`,
          `${B}/us-central1 ${kit.dataflow.job(jobNameOf('b-transform', 'Transform')).id}`,
        ].sort(),
      );
      assert.equal(tickDone()?.['advanced'], 4);
      assert.equal(stepOf(await storedRun(kit.store, 'a-ingest'), 'Transform').status, 'LAUNCHED');
      assert.equal(stepOf(await storedRun(kit.store, 'b-ingest'), 'Transform').status, 'LAUNCHED');
      assert.equal(stepOf(await storedRun(kit.store, 'a-transform'), 'Publish').status, 'LAUNCHED');
      assert.equal(stepOf(await storedRun(kit.store, 'b-transform'), 'Publish').status, 'LAUNCHED');
    });
  });

  describe('what each check counts, and in what order it checks', () => {
    async function rewriteStep(runId: string, jobName: string, change: Partial<Step>) {
      await kit.store.update(runId, (run) => {
        const current = run as Run;
        const step = { ...current.steps[jobName]!, ...change };
        return { run: { ...current, steps: { ...current.steps, [jobName]: step } }, result: 0 };
      });
    }

    const getJobOrder = () => kit.dataflow.getJob.getCalls().map((call) => call.args[1]);

    it('checks ended jobs by launch time, oldest first, whatever the order of the runs', async () => {
      await startAndForget('r1');
      await startAndForget('r2');
      // Intended together; r1's job was launched a second later (its launch was retried).
      await rewriteStep('r1', jobNameOf('r1', 'Ingest'), {
        launchedAt: '2026-11-22T10:00:01.000Z',
      });
      kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');
      kit.dataflow.setState(jobNameOf('r2', 'Ingest'), 'JOB_STATE_DONE');

      await handleEvent(kit.deps, tickEvent());

      assert.deepEqual(getJobOrder(), ['2026-11-22_02_00_00-1002', '2026-11-22_02_00_00-1001']);
    });

    it('checks jobs launched at the same time in the order of their job names', async () => {
      // r2's job name (ingest-4974…) sorts after r1's (ingest-42e8…); r2 is started first.
      await startAndForget('r2');
      await startAndForget('r1');
      kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');
      kit.dataflow.setState(jobNameOf('r2', 'Ingest'), 'JOB_STATE_DONE');

      await handleEvent(kit.deps, tickEvent());

      assert.deepEqual(getJobOrder(), ['2026-11-22_02_00_00-1002', '2026-11-22_02_00_00-1001']);
    });

    it('counts a launch it cannot see yet as waiting, timing the visibility limit from the launch, not the intent', async () => {
      await startAndForget();
      await rewriteStep('r1', jobNameOf('r1', 'Ingest'), {
        launchedAt: '2026-11-22T10:14:00.000Z',
      });
      kit.dataflow.jobs.length = 0;
      now += TICK_LIMITS.launchVisibilityMs;

      await handleEvent(kit.deps, tickEvent());

      assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING');
      assert.deepEqual(tickDone(), {
        severity: 'INFO',
        event: 'tick.done',
        message:
          'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 1 still waiting, 0 failed, 0 deferred to a later tick',
        runs: 1,
        timersFired: 0,
        itemsReread: 0,
        partsRepaired: 0,
        admitted: 0,
        orphanSlots: 0,
        slotsAdopted: 0,
        advanced: 0,
        relaunched: 0,
        failed: 0,
        waiting: 1,
        failures: 0,
        deferred: 0,
      });
    });

    it('counts a launch that never appeared', async () => {
      await startAndForget();
      kit.dataflow.jobs.length = 0;
      now += TICK_LIMITS.launchVisibilityMs;

      await handleEvent(kit.deps, tickEvent());

      assert.equal(
        tickDone()?.message,
        'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 1 launch(es) never appeared, 0 still waiting, 0 failed, 0 deferred to a later tick',
      );
    });

    it('counts as waiting a job the ACTIVE list missed that still runs', async () => {
      await startAndForget();
      kit.dataflow.listActive.resolves([]);

      await handleEvent(kit.deps, tickEvent());

      sinon.assert.calledOnce(kit.dataflow.getJob);
      assert.equal(
        tickDone()?.message,
        'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 1 still waiting, 0 failed, 0 deferred to a later tick',
      );
    });

    it('counts as waiting, launching nothing, an ended job whose end another delivery recorded meanwhile', async () => {
      await startAndForget();
      const ingest = kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');
      kit.dataflow.getJob.onCall(0).callsFake(async () => {
        await handleEvent(kit.deps, jobEndedEvent(ingest));
        return { ...ingest };
      });

      await handleEvent(kit.deps, tickEvent());

      sinon.assert.calledOnce(kit.dataflow.launch); // Transform, by the job-ended delivery
      assert.equal(
        tickDone()?.message,
        'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 1 still waiting, 0 failed, 0 deferred to a later tick',
      );
    });

    describe('an intent another delivery dealt with after the tick read it', () => {
      let stale: Run[];

      beforeEach(async () => {
        kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
        await assert.rejects(handleEvent(kit.deps, startEvent()), /died before the launch/);
        kit.dataflow.reset();
        kit.logger.clear();
        now += LEASE_MS;
        stale = await kit.store.listRunning();
        sinon.stub(kit.store, 'listRunning').resolves(stale);
      });

      const waitingOnly =
        'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 0 intent(s) taken over, 0 launch(es) never appeared, 1 still waiting, 0 failed, 0 deferred to a later tick';

      it('counts as waiting one another delivery has claimed (held)', async () => {
        const INGEST = jobNameOf('r1', 'Ingest');
        await kit.store.update('r1', (run) => ({
          run: claimLaunch(run as Run, INGEST, {
            owner: 'token-other',
            now: new Date(now).toISOString(),
            leaseMs: LEASE_MS,
          }).run,
          result: 0,
        }));

        await handleEvent(kit.deps, tickEvent());

        sinon.assert.notCalled(kit.dataflow.launch);
        assert.equal(tickDone()?.message, waitingOnly);
      });

      it('counts as waiting one another delivery has launched (settled)', async () => {
        await handleEvent(kit.deps, startEvent()); // the redelivery takes it over and launches
        kit.dataflow.reset();
        kit.logger.clear();

        await handleEvent(kit.deps, tickEvent());

        sinon.assert.notCalled(kit.dataflow.launch);
        assert.equal(tickDone()?.message, waitingOnly);
      });

      it('counts one it launches as taken over', async () => {
        await handleEvent(kit.deps, tickEvent());

        sinon.assert.calledOnce(kit.dataflow.launch);
        assert.equal(
          tickDone()?.message,
          'tick: 1 running run(s); 0 overdue timer(s) fired, 0 Map item part(s) repaired, 0 waiter(s) admitted, 0 orphan slot(s) released, 0 abandoned job(s) cancelled again; 0 advanced, 1 intent(s) taken over, 0 launch(es) never appeared, 0 still waiting, 0 failed, 0 deferred to a later tick',
        );
      });
    });
  });
});
