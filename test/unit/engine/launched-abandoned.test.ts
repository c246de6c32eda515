import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { leaseNewIntents } from '../../../src/engine/lease.js';
import {
  dropAbandonedIntent,
  failRunNow,
  onLaunched,
  onLaunchFailed,
} from '../../../src/engine/launched.js';
import { timerName } from '../../../src/engine/names.js';
import type { Run, RunError } from '../../../src/engine/run.js';
import { onTimer } from '../../../src/engine/timer.js';
import { unchanged } from '../../../src/engine/transition.js';
import { NONCE, T0, at, endJob, idOf, start, stepFor, task } from './drive.js';

// launched.test.ts covers steps the run does not have; this file, abandoned steps, the
// failure path of a failed launch, and failRunNow.

const LEASE = { owner: 'token-1', now: T0, leaseMs: 150_000 };
const LAUNCH_FAILED: RunError = { Error: 'Dataflow.LaunchFailed', Cause: 'States.T: bad template' };

function fan(extra: Record<string, unknown> = {}): ChainDefinition {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: task('a') } },
          { StartAt: 'B', States: { B: task('b') } },
        ],
        End: true,
        ...extra,
      },
      Hold: { Type: 'Wait', Seconds: 3600, End: true },
    },
  };
}
/** Fan fails the run when a branch fails. */
const FAN = fan();
/** Fan's failure is caught: the run waits on Hold. */
const CAUGHT = fan({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }] });

/** Both branches intended with a lease; A launched and failed: B is abandoned, still INTENDED. */
function abandonedB(definition: ChainDefinition): Run {
  const leased = leaseNewIntents(start(definition), LEASE).run;
  const a = stepFor(leased, 'A');
  const launched = onLaunched(leased, a.jobName, idOf(a.jobName), at(1), false).run;
  const t = endJob(definition, launched, stepFor(launched, 'A'), 'JOB_STATE_FAILED', at(2));
  assert.ok(
    t.effects.every((e) => e.kind === 'timer'),
    'nothing to cancel yet: B has no job',
  );
  return t.run;
}

describe('engine: launches of abandoned steps', () => {
  describe('onLaunched', () => {
    for (const adopted of [false, true]) {
      it(`a step abandoned while its launch was in flight is recorded and cancelled (${adopted ? 'adopted' : 'launched'})`, () => {
        const run = abandonedB(FAN);
        assert.equal(run.status, 'FAILED');
        const b = stepFor(run, 'B');
        assert.deepEqual([b.status, b.abandoned], ['INTENDED', true]);

        const t = onLaunched(run, b.jobName, 'job-b', at(3), adopted);
        const { lease: _lease, ...settled } = b;
        const launched = { ...settled, status: 'LAUNCHED', jobId: 'job-b', launchedAt: at(3) };
        assert.deepEqual(t.run.steps[b.jobName], launched);
        assert.deepEqual(t.effects, [{ kind: 'cancel', step: launched }]);
        assert.deepEqual(t.events, [
          {
            event: adopted ? 'job.adopted' : 'job.launched',
            runId: 'r1',
            chain: 'c',
            state: 'B',
            scope: 'Fan[1]',
            jobName: b.jobName,
            jobId: 'job-b',
          },
        ]);
        assert.equal(t.run.status, 'FAILED');
        assert.deepEqual(t.archived, []);

        assert.deepEqual(onLaunched(t.run, b.jobName, 'job-b', at(4), true), unchanged(t.run));
      });
    }

    it('a step still wanted is recorded with no effect', () => {
      const run = leaseNewIntents(start(FAN), LEASE).run;
      const a = stepFor(run, 'A');
      const t = onLaunched(run, a.jobName, 'job-a', at(1), false);
      assert.deepEqual(t.effects, []);
      assert.equal(t.run.steps[a.jobName]?.lease, undefined);
    });
  });

  describe('dropAbandonedIntent', () => {
    it('forgets an abandoned intent whose job was never created, into the history', () => {
      const run = abandonedB(CAUGHT);
      assert.equal(run.status, 'RUNNING');
      const b = stepFor(run, 'B');
      const t = dropAbandonedIntent(run, b.jobName, at(5));
      const { lease: _lease, ...settled } = b;
      assert.equal(t.changed, true);
      assert.equal(t.run.steps[b.jobName], undefined);
      assert.deepEqual(t.run, { ...run, steps: {} });
      assert.deepEqual(t.archived, [{ ...settled, status: 'FAILED', endedAt: at(5) }]);
      assert.deepEqual([t.effects, t.events], [[], []]);
    });

    it('leaves a step alone unless it is an abandoned intent', () => {
      const run = abandonedB(CAUGHT);
      const b = stepFor(run, 'B');
      const launched = onLaunched(run, b.jobName, 'job-b', at(3), false).run;
      const wanted = leaseNewIntents(start(FAN), LEASE).run;
      const cases: [name: string, run: Run, jobName: string][] = [
        ['a LAUNCHED abandoned step', launched, b.jobName],
        ['an intent still wanted', wanted, stepFor(wanted, 'A').jobName],
        ['a step the run does not have', run, 'b-ffffffffffff'],
      ];
      for (const [name, r, jobName] of cases) {
        assert.deepEqual(dropAbandonedIntent(r, jobName, at(5)), unchanged(r), name);
      }
    });
  });

  describe('onLaunchFailed', () => {
    const RETRY: ChainDefinition = {
      StartAt: 'T',
      States: {
        T: task('t', {
          TimeoutSeconds: 600,
          Retry: [{ ErrorEquals: ['Dataflow.LaunchFailed'], IntervalSeconds: 2, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }],
        }),
        Hold: { Type: 'Wait', Seconds: 3600, End: true },
      },
    };

    it('with a Retry: the step ends FAILED and a retry timer is armed', () => {
      const run = leaseNewIntents(start(RETRY), LEASE).run;
      const step = stepFor(run, 'T');
      const t = onLaunchFailed(RETRY, run, step.jobName, LAUNCH_FAILED, at(1));
      const { lease: _lease, ...settled } = step;
      assert.deepEqual(t.archived, [
        { ...settled, status: 'FAILED', endedAt: at(1), error: LAUNCH_FAILED },
      ]);
      assert.deepEqual(t.run.steps, {});
      const retry = timerName(NONCE, 'retry', 'T', 0);
      assert.deepEqual(t.effects, [{ kind: 'timer', name: retry, dueAt: at(3) }]);
      assert.deepEqual(Object.keys(t.run.timers ?? {}), [retry], "the Task's timeout is dropped");
      assert.equal(t.run.frames?.['']?.wait, 'retry');
      assert.deepEqual(t.events, [
        {
          event: 'state.retrying',
          runId: 'r1',
          chain: 'c',
          state: 'T',
          error: LAUNCH_FAILED,
          dueAt: at(3),
          attempt: 1,
        },
      ]);
    });

    it('with its retries used up: Catch', () => {
      const run = leaseNewIntents(start(RETRY), LEASE).run;
      const first = onLaunchFailed(RETRY, run, stepFor(run, 'T').jobName, LAUNCH_FAILED, at(1));
      assert.deepEqual(first.run.frames?.['']?.retries, { 0: 1 });
      // The retry timer fires (attempt 1), and that launch fails too.
      const retried = onTimer(RETRY, first.run, timerName(NONCE, 'retry', 'T', 0), at(3)).run;
      const t = onLaunchFailed(RETRY, retried, stepFor(retried, 'T').jobName, LAUNCH_FAILED, at(4));
      assert.equal(t.run.frames?.['']?.state, 'Hold');
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['state.caught', 'state.waiting'],
      );
    });

    it('without Retry or Catch: the run fails with the launch error', () => {
      const run = leaseNewIntents(start(FAN), LEASE).run;
      const a = stepFor(run, 'A');
      const b = stepFor(run, 'B');
      const t = onLaunchFailed(FAN, run, a.jobName, LAUNCH_FAILED, at(1));
      assert.equal(t.run.status, 'FAILED');
      assert.deepEqual(t.run.error, LAUNCH_FAILED);
      // B has no job yet: abandoned, nothing to cancel.
      assert.equal(t.run.steps[b.jobName]?.abandoned, true);
      assert.deepEqual(t.effects, []);
    });

    it('of an abandoned step: recorded in the history, nothing else', () => {
      const run = abandonedB(CAUGHT);
      const b = stepFor(run, 'B');
      const t = onLaunchFailed(CAUGHT, run, b.jobName, LAUNCH_FAILED, at(5));
      const { lease: _lease, ...settled } = b;
      assert.deepEqual(t.run, { ...run, steps: {} });
      assert.deepEqual(t.archived, [
        { ...settled, status: 'FAILED', endedAt: at(5), error: LAUNCH_FAILED },
      ]);
      assert.deepEqual([t.effects, t.events], [[], []]);
    });
  });

  describe('failRunNow', () => {
    it('fails a running run, cancelling launched jobs and abandoning intents', () => {
      const leased = leaseNewIntents(start(FAN), LEASE).run;
      const a = stepFor(leased, 'A');
      const b = stepFor(leased, 'B');
      const run = onLaunched(leased, a.jobName, 'job-a', at(1), false).run;
      const error: RunError = { Error: 'States.Runtime', Cause: 'the run could not be stored' };

      const t = failRunNow(FAN, run, error, at(2));
      assert.equal(t.run.status, 'FAILED');
      assert.deepEqual(t.run.error, error);
      assert.equal(t.run.endTime, at(2));
      assert.deepEqual(t.effects, [
        { kind: 'cancel', step: { ...run.steps[a.jobName]!, abandoned: true } },
      ]);
      assert.equal(t.run.steps[b.jobName]?.abandoned, true);
      assert.deepEqual(t.run.frames, {});
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['job.cancelling', 'run.failed'],
      );
    });

    it('leaves an ended run unchanged', () => {
      const run = abandonedB(FAN);
      assert.deepEqual(
        failRunNow(FAN, run, { Error: 'States.Runtime', Cause: 'x' }, at(9)),
        unchanged(run),
      );
    });
  });
});
