import { strict as assert } from 'node:assert';
import { Firestore } from '@google-cloud/firestore';
import type { FunctionLine } from '../../src/local/function-process.js';
import type { LocalStack } from '../../src/local/stack.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import { behaviours, endTime, jobsOfRun, startE2eStack } from './harness.js';

/** The `late` chain's Deadline: 2 s after the run's start. */
const DEADLINE_MS = 2000;

const start = (runId: string) => ({ dfchain: 'start', chain: 'late', runId, input: {} });

const isMissed =
  (runId: string) =>
  (line: FunctionLine): boolean =>
    line.json?.['runId'] === runId && line.json['event'] === 'run.deadline_missed';

describe('e2e: a chain Deadline on the local stack (timer → run.deadline_missed at ALERT)', function () {
  this.timeout(180_000);
  let stack: LocalStack;
  let store: FirestoreRunStore;

  before(async () => {
    stack = await startE2eStack();
    store = new FirestoreRunStore(
      new Firestore({
        projectId: stack.projectId,
        host: stack.firestoreHost,
        ssl: false,
        credentials: {},
      }),
    );
  });

  after(async () => {
    await store?.close();
    await stack?.stop();
  });

  it('a 5 s job past a 2 s deadline: one ALERT line within 1 s of the deadline, and the run goes on to succeed', async () => {
    behaviours.set('dl-late', () => ({ runMs: 5000 }));
    // Listening before the start: the time the line reaches us is the time it was logged.
    const missed = stack.waitForLine(isMissed('dl-late'), 30_000).then(() => Date.now());
    await stack.publish(start('dl-late'));
    const loggedAt = await missed;
    const run = await store.get('dl-late');
    assert.ok(run, 'the run is stored');
    const due = Date.parse(run.startTime) + DEADLINE_MS;
    const delay = loggedAt - due;
    console.log(`      run.deadline_missed logged ${delay} ms after the deadline`);
    assert.ok(delay >= 0 && delay <= 1000, `logged ${delay} ms after the deadline`);
    assert.equal(run.status, 'RUNNING', 'still running when its deadline passed');

    assert.equal(await stack.waitForRunEnd('dl-late'), 'run.succeeded');
    const lines = stack.runLines('dl-late').filter((l) => l['event'] === 'run.deadline_missed');
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line?.['severity'], 'ALERT');
    assert.equal(line?.['dueAt'], new Date(due).toISOString());
    assert.equal(
      line?.['message'],
      `run dl-late of chain late missed its deadline (due ${new Date(due).toISOString()}): it is still running, in state Long`,
    );
    const events = stack
      .runLines('dl-late')
      .map((l) => l['event'])
      .filter((e) => e !== 'message.ignored' && e !== 'message.duplicate');
    assert.deepEqual(events, [
      'run.started',
      'step.intended',
      'job.launched',
      'run.deadline_missed',
      'job.confirmed',
      'run.succeeded',
    ]);
    const [job, ...others] = jobsOfRun(stack, 'dl-late');
    assert.equal(others.length, 0);
    assert.equal(job?.history.at(-1)?.state, 'JOB_STATE_DONE', 'the job was not stopped');
    assert.ok(endTime(job) > due, 'the job ended after the deadline');
    const ended = await store.get('dl-late');
    assert.equal(ended?.status, 'SUCCEEDED');
  });

  it('a run that ends before its deadline logs no line, even once the deadline has passed', async () => {
    behaviours.set('dl-early', () => ({ runMs: 300 }));
    await stack.publish(start('dl-early'));
    assert.equal(await stack.waitForRunEnd('dl-early'), 'run.succeeded');
    const run = await store.get('dl-early');
    assert.ok(run, 'the run is stored');
    const due = Date.parse(run.startTime) + DEADLINE_MS;
    assert.ok(Date.parse(run.endTime ?? '') < due, 'ended before its deadline');
    // The timer is delivered at the deadline: wait past it, with room for the delivery.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 2000));
    assert.deepEqual(
      stack.runLines('dl-early').filter((l) => l['event'] === 'run.deadline_missed'),
      [],
    );
    assert.equal((await store.get('dl-early'))?.status, 'SUCCEEDED');
  });
});
