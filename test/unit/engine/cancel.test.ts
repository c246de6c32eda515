import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { waitingEntries } from '../../../src/engine/admission.js';
import { cancelRun, DEFAULT_CANCEL_CAUSE } from '../../../src/engine/cancel.js';
import { startRun } from '../../../src/engine/start.js';
import type { CancelEffect } from '../../../src/engine/transition.js';
import {
  at,
  carryOut,
  launchAll,
  NONCE,
  partAt,
  rootOf,
  start,
  stepFor,
  T0,
  task,
} from './drive.js';

const ERROR = { Error: 'States.Cancelled', Cause: 'stop it' };

/** Ingest runs a job, then waits an hour. */
const JOB: ChainDefinition = {
  StartAt: 'Ingest',
  TimeoutSeconds: 7200,
  States: {
    Ingest: task('ingest', { Next: 'Hold' }),
    Hold: { Type: 'Wait', Seconds: 3600, End: true },
  },
};

/** Fan runs branches A and B, each a job, in parts of their own. */
const FAN: ChainDefinition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: task('a') } },
        { StartAt: 'B', States: { B: task('b') } },
      ],
      End: true,
    },
  },
};

describe('cancelRun', () => {
  it('ends a running run CANCELLED with its error, cancelling its launched job and dropping its timers', () => {
    const run = launchAll(start(JOB).run, at(1));
    const step = stepFor(run, 'Ingest');
    assert.equal(step.status, 'LAUNCHED');
    const t = cancelRun(JOB, run, 'stop it', at(5));
    assert.equal(t.changed, true);
    assert.equal(t.run.status, 'CANCELLED');
    assert.deepEqual(t.run.error, ERROR);
    assert.equal(t.run.endTime, at(5));
    assert.deepEqual(t.run.timers, {});
    assert.deepEqual(t.run.frames, {});
    const cancels = t.effects.filter((e): e is CancelEffect => e.kind === 'cancel');
    assert.deepEqual(
      cancels.map((e) => [e.step.jobName, e.step.jobId, e.step.abandoned]),
      [[step.jobName, step.jobId, true]],
    );
    assert.equal(
      t.effects.some((e) => e.kind === 'launch' || e.kind === 'timer'),
      false,
    );
    // The job stays in flight, abandoned, until its end is recorded (the tick sees to it).
    assert.equal(t.run.steps[step.jobName]?.abandoned, true);
    const ended = t.events.find((e) => e.event === 'run.cancelled');
    assert.deepEqual(ended, { event: 'run.cancelled', error: ERROR, runId: 'r1', chain: 'c' });
  });

  it('drops an intent never sent: nothing is launched after the cancel', () => {
    const run = start(JOB).run;
    assert.equal(stepFor(run, 'Ingest').status, 'INTENDED');
    const t = cancelRun(JOB, run, 'stop it', at(1));
    assert.equal(t.run.status, 'CANCELLED');
    assert.deepEqual(t.effects, []);
  });

  it('stops every branch of a Parallel in flight (their parts end CANCELLED, their jobs are cancelled)', () => {
    let forest = carryOut(FAN, start(FAN), T0);
    // Each branch's job is launched in its part.
    for (const scope of ['Fan[0]', 'Fan[1]']) {
      const part = partAt(forest, scope);
      forest.docs.set(part.id, launchAll(part, at(1)));
    }
    const root = rootOf(forest);
    assert.equal(root.frames?.['']?.wait, 'children');
    const before = forest.transitions.length;
    forest = carryOut(FAN, cancelRun(FAN, root, 'stop it', at(5)), at(5), forest);
    const cancelled = forest.transitions[before]!;
    assert.equal(cancelled.run.status, 'CANCELLED');
    assert.deepEqual(cancelled.run.error, ERROR);
    assert.deepEqual(
      cancelled.effects.map((e) => e.kind),
      ['abortItems'],
    );
    for (const scope of ['Fan[0]', 'Fan[1]']) {
      const part = partAt(forest, scope);
      assert.equal(part.status, 'CANCELLED', scope);
      assert.equal(Object.values(part.steps)[0]?.abandoned, true, scope);
    }
    const jobs = forest.transitions
      .slice(before)
      .flatMap((t) => t.effects)
      .filter((e): e is CancelEffect => e.kind === 'cancel')
      .map((e) => e.step.state)
      .sort();
    assert.deepEqual(jobs, ['A', 'B']);
    assert.equal(
      forest.transitions.slice(before).some((t) => t.effects.some((e) => e.kind === 'launch')),
      false,
    );
  });

  it('is idempotent: a run that already ended, or a repeated cancel, is unchanged', () => {
    const once = cancelRun(JOB, launchAll(start(JOB).run, at(1)), 'stop it', at(5));
    const twice = cancelRun(JOB, once.run, 'another cause', at(9));
    assert.equal(twice.changed, false);
    assert.equal(twice.run, once.run);
    assert.deepEqual(twice.effects, []);
    assert.deepEqual(twice.events, []);
  });

  it('leaves a part alone: only the root cancels, and stops its parts', () => {
    const forest = carryOut(FAN, start(FAN), T0);
    const part = partAt(forest, 'Fan[0]');
    const t = cancelRun(FAN, part, 'stop it', at(5));
    assert.equal(t.changed, false);
  });

  it('cancels a run queued for MaxConcurrentRuns: it leaves the line', () => {
    const queued = startRun({
      runId: 'r1',
      chain: 'c',
      definition: JOB,
      definitionHash: 'h',
      projectId: 'p',
      input: {},
      now: T0,
      nonce: NONCE,
      admission: { queued: { pool: 'runs.c', at: T0 } },
    }).run;
    assert.equal(waitingEntries(queued).length, 1);
    const t = cancelRun(JOB, queued, DEFAULT_CANCEL_CAUSE, at(5));
    assert.equal(t.run.status, 'CANCELLED');
    assert.deepEqual(t.run.error, { Error: 'States.Cancelled', Cause: DEFAULT_CANCEL_CAUSE });
    assert.deepEqual(waitingEntries(t.run), []);
    assert.deepEqual(t.effects, []);
  });
});
