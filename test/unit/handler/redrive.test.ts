import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { abortPart } from '../../../src/engine/part.js';
import { StoreTransientError } from '../../../src/errors.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { jobEndedEvent, pubsubEvent, startEvent, storedRun, tickEvent, type Kit } from './kit.js';
import { createScopesKit, FAN, jobNameIn } from './scopes-kit.js';

const A = jobNameIn('fan', 'fan-a', 'Fan[0]/A');
const B = jobNameIn('fan', 'fan-b', 'Fan[1]/B');

const redriveEvent = (runId = 'r1', id = 'm-redrive') =>
  pubsubEvent({ dfchain: 'redrive', runId }, id);

describe('handler: the redrive command', () => {
  let kit: Kit;

  afterEach(() => sinon.restore());

  /** Branch A fails while B runs: B is cancelled and the run fails. */
  async function failedFan(): Promise<void> {
    kit = createScopesKit();
    await handleEvent(kit.deps, startEvent({ chain: 'fan' }));
    kit.dataflow.setState(A, 'JOB_STATE_FAILED');
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(A), 'm-end-a'));
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(B), 'm-end-b'));
    assert.equal((await storedRun(kit.store, 'r1')).status, 'FAILED');
    kit.dataflow.reset();
    kit.logger.clear();
  }

  it('relaunches both unsuccessful branches of a Parallel under new names and runs to the end', async () => {
    await failedFan();
    await handleEvent(kit.deps, redriveEvent());

    const run = await storedRun(kit.store, 'r1');
    assert.equal(run.status, 'RUNNING');
    assert.equal(run.redriveCount, 1);
    const relaunched = kit.dataflow.launch
      .getCalls()
      .map((call) => call.args[1].launchParameter.jobName);
    assert.equal(relaunched.length, 2);
    assert.ok(!relaunched.includes(A) && !relaunched.includes(B), 'new job names');
    assert.deepEqual(kit.logger.named('run.redriven').length, 1);

    for (const [i, name] of relaunched.entries()) {
      kit.dataflow.setState(name, 'JOB_STATE_DONE');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(name), `m-done-${i}`));
    }
    assert.equal((await storedRun(kit.store, 'r1')).status, 'SUCCEEDED');
  });

  it('a redelivered command (same message id) launches nothing more', async () => {
    await failedFan();
    await handleEvent(kit.deps, redriveEvent());
    await handleEvent(kit.deps, redriveEvent());
    sinon.assert.calledTwice(kit.dataflow.launch);
    assert.equal(kit.logger.named('run.redriven').length, 1);
  });

  it('a redrive of a running or unknown run is logged and acknowledged', async () => {
    await failedFan();
    await handleEvent(kit.deps, redriveEvent());
    await handleEvent(kit.deps, redriveEvent('r1', 'm-redrive-2'));
    await handleEvent(kit.deps, redriveEvent('nobody', 'm-redrive-3'));
    const reasons = kit.logger.named('message.ignored').map((line) => line['reason']);
    assert.deepEqual(reasons, [
      'run r1 is RUNNING: only a FAILED or CANCELLED run can be redriven',
      'no run nobody is stored',
    ]);
    sinon.assert.calledTwice(kit.dataflow.launch);
  });

  it('a branch runs again only after its run does, so a tick never takes it for an orphan', async () => {
    await failedFan();
    const update = kit.store.update.bind(kit.store);
    const running: string[] = [];
    sinon.stub(kit.store, 'update').callsFake(async (runId, change) => {
      const result = await update(runId, change);
      if ((await kit.store.get(runId))?.status === 'RUNNING' && !running.includes(runId))
        running.push(runId);
      return result;
    });
    await handleEvent(kit.deps, redriveEvent());
    assert.equal(running[0], 'r1', 'the run runs again first');
    assert.equal(running.length, 3, 'then both branches');
    // The failed branch was marked CANCELLED before the run ran: its failure was counted.
    sinon.assert.calledTwice(kit.dataflow.launch);
  });

  it('a tick the moment a branch runs again stops nothing: each branch launched once, none cancelled', async () => {
    await failedFan();
    const update = kit.store.update.bind(kit.store);
    let ticked = false;
    sinon.stub(kit.store, 'update').callsFake(async (runId, change) => {
      const result = await update(runId, change);
      if (!ticked && runId !== 'r1' && (await kit.store.get(runId))?.status === 'RUNNING') {
        // The interleaving of the bug: a tick between a branch's redrive and the carrying out
        // of its launch (it took the branch for an orphan when the run had not run yet).
        ticked = true;
        await handleEvent(kit.deps, tickEvent('m-tick-mid'));
      }
      return result;
    });
    await handleEvent(kit.deps, redriveEvent());
    assert.ok(ticked, 'the tick came');
    sinon.assert.notCalled(kit.dataflow.cancel);
    const relaunched = kit.dataflow.launch
      .getCalls()
      .map((call) => call.args[1].launchParameter.jobName);
    assert.equal(relaunched.length, 2);
    for (const [i, name] of relaunched.entries()) {
      kit.dataflow.setState(name, 'JOB_STATE_DONE');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(name), `m-done-${i}`));
    }
    assert.equal((await storedRun(kit.store, 'r1')).status, 'SUCCEEDED');
    sinon.assert.calledTwice(kit.dataflow.launch);
  });

  it('a crash after the run was redriven, before its branches: the tick resumes each branch once', async () => {
    await failedFan();
    const update = kit.store.update.bind(kit.store);
    const stub = sinon.stub(kit.store, 'update').callsFake(async (runId, change) => {
      if (runId !== 'r1' && (await kit.store.get('r1'))?.status === 'RUNNING')
        throw new StoreTransientError('local fault: the process died');
      return update(runId, change);
    });
    await assert.rejects(handleEvent(kit.deps, redriveEvent()));
    stub.restore();
    assert.equal((await storedRun(kit.store, 'r1')).status, 'RUNNING');
    const parts = await kit.store.parts('r1');
    assert.deepEqual(
      parts.map((part) => part.status),
      ['CANCELLED', 'CANCELLED'],
      'the failed branch is marked CANCELLED, so the tick resumes it rather than failing the run',
    );
    sinon.assert.notCalled(kit.dataflow.launch);

    await handleEvent(kit.deps, redriveEvent()).catch(() => undefined);
    await handleEvent(kit.deps, tickEvent());
    await handleEvent(kit.deps, tickEvent('m-tick-2'));
    const relaunched = kit.dataflow.launch
      .getCalls()
      .map((call) => call.args[1].launchParameter.jobName);
    assert.equal(relaunched.length, 2, 'each branch launched once');
    assert.ok(!relaunched.includes(A) && !relaunched.includes(B), 'new job names');
    for (const [i, name] of relaunched.entries()) {
      kit.dataflow.setState(name, 'JOB_STATE_DONE');
      await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(name), `m-done-${i}`));
    }
    assert.equal((await storedRun(kit.store, 'r1')).status, 'SUCCEEDED');
  });

  it('the tick resumes a branch a stop cancelled after the redrive (the stop had read the failed run)', async () => {
    await failedFan();
    await handleEvent(kit.deps, redriveEvent());
    const parts = await kit.store.parts('r1');
    const branch = parts.find((part) => part.part?.scope === 'Fan[1]');
    assert.ok(branch !== undefined);
    // A late stop: the branch ends CANCELLED although its Parallel waits for it again.
    await kit.store.update(branch.id, (stored) => ({
      run: abortPart(FAN, stored!, kit.clock.now().toISOString()).run,
      result: undefined,
    }));
    assert.equal((await storedRun(kit.store, branch.id)).status, 'CANCELLED');
    // The redriven job of A ends, so no branch of the group runs and the tick repairs it.
    const a = kit.dataflow.launch.getCalls()[0]!.args[1].launchParameter.jobName;
    kit.dataflow.setState(a, 'JOB_STATE_DONE');
    await handleEvent(kit.deps, jobEndedEvent(kit.dataflow.job(a), 'm-done-a'));
    kit.dataflow.launch.resetHistory();

    await handleEvent(kit.deps, tickEvent());
    const resumed = await storedRun(kit.store, branch.id);
    assert.equal(resumed.status, 'RUNNING');
    sinon.assert.calledOnce(kit.dataflow.launch);
  });
});
