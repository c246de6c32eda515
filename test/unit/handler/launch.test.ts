import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { LEASE_MARGIN_MS } from '../../../src/config.js';
import {
  DataflowPermanentError,
  DataflowTransientError,
  JobAlreadyExistsError,
} from '../../../src/errors.js';
import { claimLaunch } from '../../../src/engine/lease.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { invocation } from '../../../src/handler/invocation.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { takeOverLaunch } from '../../../src/handler/launch.js';
import {
  CALL_MS,
  LEASE_MS,
  PROJECT,
  createKit,
  jobNameOf,
  jobEndedEvent,
  startEvent,
  stepOf,
  storedRun,
  tickEvent,
  type Kit,
} from './kit.js';

const INGEST = jobNameOf('r1', 'Ingest');
const EUROPE = { projectId: PROJECT, location: 'europe-west4' };
const launchDetails = { operation: 'flexTemplates.launch' };
const OWN_LABELS = { 'dfchain-run': 'r1', 'dfchain-chain': 'daily', 'dfchain-state': 'ingest' };

describe('handler: launches', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  /** Lets p-retry's backoff between launch attempts pass on fake timers, without sleeping. */
  async function withBackoffElapsed(delivery: Promise<void>): Promise<void> {
    const timers = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const settled = delivery.then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      await timers.tickAsync(10_000);
      const error = await settled;
      if (error !== undefined) throw error;
    } finally {
      timers.restore();
    }
  }

  it('adopts the job of the same name when the launch answers 409', async () => {
    kit.dataflow.add({ name: INGEST, labels: OWN_LABELS });

    await handleEvent(kit.deps, startEvent());

    sinon.assert.calledOnce(kit.dataflow.launch);
    sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, INGEST);
    // The list is a summary without labels: the job is read again with them before adoption.
    sinon.assert.calledOnceWithExactly(kit.dataflow.getJob, EUROPE, '2026-11-22_02_00_00-1001');
    assert.equal(kit.dataflow.jobs.length, 1);
    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'LAUNCHED');
    assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
    assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'job.adopted']);
    assert.equal(
      kit.logger.named('job.adopted')[0]?.message,
      `run r1 state Ingest: ${INGEST} was already launched (2026-11-22_02_00_00-1001); adopted it`,
    );
  });

  it("never adopts a job of the step's name whose labels name another run (409 adoption checks identity)", async () => {
    kit.dataflow.add({ name: INGEST, labels: { ...OWN_LABELS, 'dfchain-run': 'r0' } });

    await assert.rejects(
      withBackoffElapsed(handleEvent(kit.deps, startEvent())),
      DataflowTransientError,
    );

    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'INTENDED');
    assert.equal(ingest.jobId, undefined);
    assert.deepEqual(kit.logger.named('job.foreign')[0], {
      severity: 'WARNING',
      event: 'job.foreign',
      message: `run r1 state Ingest: job 2026-11-22_02_00_00-1001 is named ${INGEST} but is not this step's job (its label dfchain-run is "r0", not "r1"); it is left alone`,
      runId: 'r1',
      chain: 'daily',
      state: 'Ingest',
      jobName: INGEST,
      jobId: '2026-11-22_02_00_00-1001',
    });
  });

  it('retries the delivery when a 409 names a job that is not listed yet', async () => {
    kit.dataflow.add({ name: INGEST });
    kit.dataflow.listByName.resolves([]);

    await assert.rejects(
      withBackoffElapsed(handleEvent(kit.deps, startEvent())),
      DataflowTransientError,
    );

    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'INTENDED');
    const retry = kit.logger.named('delivery.retry');
    assert.deepEqual(retry, [
      {
        severity: 'WARNING',
        event: 'delivery.retry',
        message: `launch of ${INGEST} answered 409 ALREADY_EXISTS but no job of this run's step Ingest is listed under that name yet; retrying (message m-start will be redelivered)`,
        code: 'DATAFLOW_TRANSIENT',
      },
    ]);
  });

  it('fails the run with Dataflow.LaunchFailed on a permanent launch error, and acknowledges', async () => {
    const refusal = 'Dataflow flexTemplates.launch failed: HTTP 403 PERMISSION_DENIED';
    kit.dataflow.launch.rejects(new DataflowPermanentError(refusal, launchDetails));

    await handleEvent(kit.deps, startEvent());

    sinon.assert.calledOnce(kit.dataflow.launch);
    const run = await storedRun(kit.store, 'r1');
    const error = { Error: 'Dataflow.LaunchFailed', Cause: `States.Ingest: ${refusal}` };
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, error);
    assert.deepEqual(stepOf(run, 'Ingest').error, error);
    assert.equal(stepOf(run, 'Ingest').status, 'FAILED');
    assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'run.failed']);
  });

  describe('transient launch errors', () => {
    let timers: sinon.SinonFakeTimers;

    beforeEach(() => {
      timers = sinon.useFakeTimers();
    });

    afterEach(() => timers.restore());

    it('fail the delivery, and the redelivery looks the job up before launching once', async () => {
      const unavailable = 'Dataflow flexTemplates.launch failed: HTTP 503 UNAVAILABLE';
      for (let call = 0; call < 4; call++) {
        kit.dataflow.launch
          .onCall(call)
          .rejects(new DataflowTransientError(unavailable, { ...launchDetails, httpStatus: 503 }));
      }

      const first = assert.rejects(handleEvent(kit.deps, startEvent()), DataflowTransientError);
      await timers.tickAsync(10_000);
      await first;

      sinon.assert.callCount(kit.dataflow.launch, 4);
      assert.equal(kit.dataflow.jobs.length, 0);
      assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'INTENDED');
      assert.deepEqual(kit.logger.events(), ['run.started', 'step.intended', 'delivery.retry']);
      assert.deepEqual(kit.logger.named('delivery.retry')[0], {
        severity: 'WARNING',
        event: 'delivery.retry',
        message: `${unavailable} (message m-start will be redelivered)`,
        code: 'DATAFLOW_TRANSIENT',
      });

      kit.dataflow.reset();
      kit.logger.clear();
      await handleEvent(kit.deps, startEvent());

      // Exactly a JobRef: the googleapis adapter sends every field of it as a query parameter.
      sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, INGEST);
      sinon.assert.calledOnce(kit.dataflow.launch);
      sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
      const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
      assert.equal(ingest.status, 'LAUNCHED');
      assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
      assert.deepEqual(kit.logger.events(), ['message.duplicate', 'job.launched']);
    });
  });

  it('adopts at once, without a second launch, a job launched by an invocation that died before recording it', async () => {
    kit.dataflow.launch.onCall(0).callsFake((ref, request) => {
      kit.dataflow.create(ref, request);
      return Promise.reject(new Error('instance died after the launch'));
    });
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died after the launch/);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'INTENDED');
    assert.equal(kit.dataflow.job(INGEST).id, '2026-11-22_02_00_00-1001');

    // The dead holder's lease still runs, but adopting an existing job needs no lease.
    kit.dataflow.reset();
    kit.logger.clear();
    await handleEvent(kit.deps, startEvent());

    sinon.assert.notCalled(kit.dataflow.launch);
    sinon.assert.calledOnceWithExactly(kit.dataflow.listByName, EUROPE, INGEST);
    assert.equal(kit.dataflow.jobs.length, 1);
    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'LAUNCHED');
    assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
    assert.deepEqual(kit.logger.events(), ['message.duplicate', 'job.adopted']);
  });

  it('launches an intent whose holder died before launching only once its lease ran out, looking first', async () => {
    kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died before the launch/);

    // Until the dead holder's lease runs out, nobody else may launch: its call may be in flight.
    kit.dataflow.reset();
    kit.logger.clear();
    kit.clock.advance(LEASE_MS - 1);
    // Acknowledged, not failed: a failing push delivery would slow the whole subscription down,
    // and the tick takes the intent over once the lease has run out.
    await handleEvent(kit.deps, startEvent());
    sinon.assert.notCalled(kit.dataflow.launch);
    assert.deepEqual(kit.logger.events(), ['message.duplicate', 'launch.held']);
    assert.equal(
      kit.logger.named('launch.held')[0]?.message,
      `run r1 state Ingest: the launch of ${INGEST} is held by another delivery until 2026-11-22T10:02:30.000Z and Dataflow has no job of that name yet; left to it (a tick takes it over if that delivery died)`,
    );

    kit.dataflow.reset();
    kit.clock.advance(1);
    kit.logger.clear();
    await handleEvent(kit.deps, startEvent());

    sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.equal(kit.dataflow.jobs.length, 1);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
    assert.deepEqual(kit.logger.events(), ['message.duplicate', 'job.launched']);
  });
});

describe('handler: launch leases and look-ups', () => {
  let kit: Kit;
  let timers: sinon.SinonFakeTimers;

  beforeEach(() => {
    kit = createKit();
    timers = sinon.useFakeTimers();
  });

  afterEach(() => {
    timers.restore();
    sinon.restore();
  });

  const unavailable = () =>
    new DataflowTransientError('Dataflow flexTemplates.launch failed: HTTP 503 UNAVAILABLE', {
      ...launchDetails,
      httpStatus: 503,
    });
  // No HTTP status: the call got no answer and may still create the job.
  const noAnswer = () =>
    new DataflowTransientError('Dataflow flexTemplates.launch failed: timed out', launchDetails);

  /** Runs a start delivery to its end, p-retry's backoff included; resolves to its error. */
  async function deliverStart(): Promise<unknown> {
    const delivery = handleEvent(kit.deps, startEvent()).then(
      () => undefined,
      (error: unknown) => error,
    );
    await timers.tickAsync(10_000);
    return delivery;
  }

  async function storedLease() {
    return (await kit.store.get('r1'))?.steps[INGEST]?.lease;
  }

  it('launches again without renewing the lease while it has room for a whole call and both clock margins', async () => {
    const room = CALL_MS + 2 * LEASE_MARGIN_MS;
    let leaseAtCall: unknown;
    kit.dataflow.launch.onCall(0).callsFake(() => {
      kit.clock.advance(LEASE_MS - room);
      return Promise.reject(unavailable());
    });
    kit.dataflow.launch.onCall(1).callsFake(async (ref, request) => {
      leaseAtCall = await storedLease();
      return kit.dataflow.create(ref, request);
    });
    const update = sinon.spy(kit.store, 'update');

    assert.equal(await deliverStart(), undefined);

    assert.deepEqual(leaseAtCall, {
      owner: 'token-1',
      until: '2026-11-22T10:02:30.000Z',
      holders: 1,
    });
    sinon.assert.calledOnce(update); // the launch recorded, nothing else
    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.status, 'LAUNCHED');
    // Recorded at the clock's time of the recording, not of the intent.
    assert.equal(ingest.launchedAt, '2026-11-22T10:01:20.000Z');
  });

  it('renews the lease for a whole lease from now, once, when less room is left before a launch call', async () => {
    const room = CALL_MS + 2 * LEASE_MARGIN_MS;
    const leases: unknown[] = [];
    kit.dataflow.launch.onCall(0).callsFake(() => {
      kit.clock.advance(LEASE_MS - room + 1);
      return Promise.reject(unavailable());
    });
    kit.dataflow.launch.onCall(1).callsFake(async () => {
      leases.push(await storedLease());
      throw unavailable();
    });
    kit.dataflow.launch.onCall(2).callsFake(async (ref, request) => {
      leases.push(await storedLease());
      return kit.dataflow.create(ref, request);
    });
    const update = sinon.spy(kit.store, 'update');

    assert.equal(await deliverStart(), undefined);

    // 10:01:20.001 plus the lease of 150 s; the third call needed no second renewal.
    const renewed = { owner: 'token-1', until: '2026-11-22T10:03:50.001Z', holders: 1 };
    assert.deepEqual(leases, [renewed, renewed]);
    sinon.assert.calledTwice(update); // the renewal, then the launch recorded
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
  });

  it('gives the lease back when every launch call was answered, so the redelivery launches at once', async () => {
    for (let call = 0; call < 4; call++) kit.dataflow.launch.onCall(call).rejects(unavailable());

    assert.ok((await deliverStart()) instanceof DataflowTransientError);

    assert.deepEqual(await storedLease(), {
      owner: 'token-1',
      until: '2026-11-22T10:00:00.000Z',
      holders: 1,
    });
  });

  const unanswered: ReadonlyArray<readonly [string, ReadonlyArray<() => DataflowTransientError>]> =
    [
      [
        'the first call went unanswered, the later ones answered',
        [noAnswer, unavailable, unavailable, unavailable],
      ],
      ['only the last call went unanswered', [unavailable, unavailable, unavailable, noAnswer]],
    ];
  for (const [name, failures] of unanswered) {
    it(`keeps the lease, and writes nothing, when ${name}: the redelivery leaves the launch to it`, async () => {
      failures.forEach((failure, call) => kit.dataflow.launch.onCall(call).rejects(failure()));
      const update = sinon.spy(kit.store, 'update');

      assert.ok((await deliverStart()) instanceof DataflowTransientError);

      sinon.assert.callCount(kit.dataflow.launch, 4);
      sinon.assert.notCalled(update);
      assert.deepEqual(await storedLease(), {
        owner: 'token-1',
        until: '2026-11-22T10:02:30.000Z',
        holders: 1,
      });
      kit.dataflow.reset();
      kit.logger.clear();
      await handleEvent(kit.deps, startEvent());
      sinon.assert.notCalled(kit.dataflow.launch);
      assert.deepEqual(kit.logger.events(), ['message.duplicate', 'launch.held']);
    });
  }

  it('retries a 409 whose job is not listed yet as a jobs.list failure caused by the 409', async () => {
    kit.dataflow.add({ name: INGEST });
    kit.dataflow.listByName.resolves([]);

    const error = await deliverStart();

    assert.ok(error instanceof DataflowTransientError);
    assert.deepEqual(error.details, { operation: 'jobs.list' });
    assert.ok(error.cause instanceof JobAlreadyExistsError);
    assert.equal(
      error.cause.message,
      `Dataflow flexTemplates.launch failed: HTTP 409 ALREADY_EXISTS (job ${INGEST})`,
    );
  });
});

describe('handler: a launch that outlives its lease', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  /**
   * The first launch call of the start delivery is held past the lease; meanwhile a tick takes
   * the intent over and launches it. `meanwhile` runs after the tick, before the held call.
   */
  function holdFirstLaunch(meanwhile: () => Promise<void> | void): void {
    kit.dataflow.launch.onCall(0).callsFake(async (ref, request) => {
      kit.clock.advance(LEASE_MS + 1);
      await handleEvent(kit.deps, tickEvent());
      await meanwhile();
      return kit.dataflow.create(ref, request);
    });
  }

  it('adopts the job the taker-over launched when its own call answers 409, and logs no error', async () => {
    holdFirstLaunch(() => undefined);

    await handleEvent(kit.deps, startEvent());

    assert.equal(kit.dataflow.jobs.length, 1);
    const ingest = stepOf(await storedRun(kit.store, 'r1'), 'Ingest');
    assert.equal(ingest.jobId, '2026-11-22_02_00_00-1001');
    assert.deepEqual(kit.logger.named('job.unrecorded'), []);
  });

  it('logs an ERROR when its call created a second job while the step records the first', async () => {
    holdFirstLaunch(() => {
      kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
    });

    await handleEvent(kit.deps, startEvent());

    assert.equal(
      stepOf(await storedRun(kit.store, 'r1'), 'Ingest').jobId,
      '2026-11-22_02_00_00-1001',
    );
    assert.deepEqual(kit.logger.named('job.unrecorded'), [
      {
        severity: 'ERROR',
        event: 'job.unrecorded',
        message: `run r1 state Ingest: job 2026-11-22_02_00_00-1002 (${INGEST}) was launched but the step is LAUNCHED with job 2026-11-22_02_00_00-1001`,
        runId: 'r1',
        chain: 'daily',
        state: 'Ingest',
        jobName: INGEST,
        jobId: '2026-11-22_02_00_00-1002',
      },
    ]);
  });

  it('logs an ERROR when its call created a job for a step that has ended meanwhile', async () => {
    holdFirstLaunch(async () => {
      const first = kit.dataflow.setState(INGEST, 'JOB_STATE_DONE');
      await handleEvent(kit.deps, jobEndedEvent(first));
    });

    await handleEvent(kit.deps, startEvent());

    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'SUCCEEDED');
    assert.deepEqual(
      kit.logger.named('job.unrecorded').map((line) => line.message),
      [
        `run r1 state Ingest: job 2026-11-22_02_00_00-1003 (${INGEST}) was launched but the step is no longer in flight`,
      ],
    );
  });
});

describe('takeOverLaunch: what becomes of an intent another delivery recorded', () => {
  let kit: Kit;

  beforeEach(async () => {
    kit = createKit();
    // The first delivery leases the intent and dies before its launch call.
    kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died before the launch/);
    kit.dataflow.reset();
    kit.logger.clear();
  });

  afterEach(() => sinon.restore());

  async function snapshot(): Promise<{ run: Run; step: Step }> {
    const run = await storedRun(kit.store, 'r1');
    return { run, step: stepOf(run, 'Ingest') };
  }

  it("is 'held', without a store write or a launch, while the holder's lease runs and Dataflow has no job", async () => {
    const { run, step } = await snapshot();
    const update = sinon.spy(kit.store, 'update');

    assert.equal(await takeOverLaunch(invocation(kit.deps), run, step), 'held');

    sinon.assert.notCalled(update);
    sinon.assert.notCalled(kit.dataflow.launch);
    assert.deepEqual(kit.logger.named('launch.held'), [
      {
        severity: 'INFO',
        event: 'launch.held',
        message: `run r1 state Ingest: the launch of ${INGEST} is held by another delivery until 2026-11-22T10:02:30.000Z and Dataflow has no job of that name yet; left to it (a tick takes it over if that delivery died)`,
        runId: 'r1',
        chain: 'daily',
        state: 'Ingest',
        jobName: INGEST,
      },
    ]);
  });

  it("is 'adopted' while the lease runs if Dataflow has the step's job", async () => {
    kit.dataflow.add({ name: INGEST, labels: OWN_LABELS });
    const { run, step } = await snapshot();

    assert.equal(await takeOverLaunch(invocation(kit.deps), run, step), 'adopted');

    sinon.assert.notCalled(kit.dataflow.launch);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
  });

  it("is 'launched' once the lease ran out: claimed, looked up, launched", async () => {
    kit.clock.advance(LEASE_MS);
    const { run, step } = await snapshot();

    assert.equal(await takeOverLaunch(invocation(kit.deps), run, step), 'launched');

    sinon.assert.callOrder(kit.dataflow.listByName, kit.dataflow.launch);
    sinon.assert.calledOnce(kit.dataflow.launch);
    assert.equal(stepOf(await storedRun(kit.store, 'r1'), 'Ingest').status, 'LAUNCHED');
  });

  it("is 'settled', adopting nothing, when the step was launched since the caller read it", async () => {
    kit.clock.advance(LEASE_MS);
    const { run, step } = await snapshot();
    kit.dataflow.add({ name: INGEST, labels: OWN_LABELS });
    await handleEvent(kit.deps, startEvent()); // a redelivery adopts the job
    kit.dataflow.reset();

    assert.equal(await takeOverLaunch(invocation(kit.deps), run, step), 'settled');

    assert.equal(kit.dataflow.callCount, 0);
  });

  it("is 'settled' when the step has ended since the caller read it", async () => {
    kit.clock.advance(LEASE_MS);
    const { run, step } = await snapshot();
    await handleEvent(kit.deps, startEvent()); // a redelivery launches the job
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.setState(INGEST, 'JOB_STATE_DONE')));
    kit.dataflow.reset();

    assert.equal(await takeOverLaunch(invocation(kit.deps), run, step), 'settled');

    assert.equal(kit.dataflow.callCount, 0);
  });

  it("is 'held', never launching, when another delivery claimed the intent since the caller read it", async () => {
    kit.clock.advance(LEASE_MS);
    const { run, step } = await snapshot();
    const now = kit.clock.now().toISOString();
    await kit.store.update('r1', (current) => {
      const claimed = claimLaunch(current as Run, INGEST, {
        owner: 'token-other',
        now,
        leaseMs: LEASE_MS,
      });
      return { run: claimed.run, result: undefined };
    });

    assert.equal(await takeOverLaunch(invocation(kit.deps), run, step), 'held');

    sinon.assert.notCalled(kit.dataflow.launch);
    assert.equal(
      kit.logger.named('launch.held')[0]?.message,
      `run r1 state Ingest: the launch of ${INGEST} is held by another delivery until 2026-11-22T10:05:00.000Z and Dataflow has no job of that name yet; left to it (a tick takes it over if that delivery died)`,
    );
  });
});

describe('handler: intents without a lease, and runs that ended', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  async function rewrite(change: (run: Run) => Run): Promise<void> {
    await kit.store.update('r1', (run) => ({ run: change(run as Run), result: undefined }));
  }

  async function intentLeftBehind(): Promise<void> {
    kit.dataflow.launch.onCall(0).rejects(new Error('instance died before the launch'));
    await assert.rejects(handleEvent(kit.deps, startEvent()), /instance died before the launch/);
    kit.dataflow.reset();
    kit.logger.clear();
  }

  it('leaves an intent stored before leases existed to its writer for a lease after it was intended', async () => {
    await intentLeftBehind();
    await rewrite((run) => {
      const { lease: _lease, ...legacy } = stepOf(run, 'Ingest');
      return { ...run, steps: { [INGEST]: legacy } };
    });

    await handleEvent(kit.deps, startEvent());

    sinon.assert.notCalled(kit.dataflow.launch);
    assert.deepEqual(
      kit.logger.named('launch.held').map((line) => line.message),
      [
        `run r1 state Ingest: the launch of ${INGEST} is held by another delivery until its lease ends and Dataflow has no job of that name yet; left to it (a tick takes it over if that delivery died)`,
      ],
    );
  });

  it('launches nothing for a run that is no longer RUNNING, even with an intent left in it', async () => {
    await intentLeftBehind();
    kit.clock.advance(LEASE_MS);
    await rewrite((run) => ({ ...run, status: 'FAILED' }));

    await handleEvent(kit.deps, startEvent());

    assert.equal(kit.dataflow.callCount, 0);
    assert.deepEqual(kit.logger.events(), ['message.duplicate']);
  });

  it('touches neither Dataflow nor the store again on a duplicate start of a launched run', async () => {
    await handleEvent(kit.deps, startEvent());
    kit.dataflow.reset();
    const update = sinon.spy(kit.store, 'update');

    await handleEvent(kit.deps, startEvent());

    assert.equal(kit.dataflow.callCount, 0);
    sinon.assert.notCalled(update);
  });
});
