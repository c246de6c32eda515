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
import { startPart } from '../../../src/engine/part.js';
import type { Run, RunError } from '../../../src/engine/run.js';
import { onTimer } from '../../../src/engine/timer.js';
import { unchanged } from '../../../src/engine/transition.js';
import {
  NONCE,
  T0,
  at,
  carryOut,
  effectsIn,
  endJob,
  idOf,
  partAt,
  rootOf,
  spawnsOf,
  start,
  stepFor,
  task,
  withEffects,
  type Forest,
} from './drive.js';

// launched.test.ts covers steps the run does not have; this file, abandoned steps, the
// failure path of a failed launch, and failRunNow. Fan's branches run in parts (documents of
// their own): a failed branch reports to the run's document, whose Parallel stops the other
// branch's part (abortItems), abandoning its step there.

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

/** The run started, and both branches' parts, each with its step intended under a lease. */
function leasedFan(definition: ChainDefinition): Forest {
  const t = start(definition);
  const forest = carryOut(definition, withEffects(t, []), T0);
  for (const spawn of spawnsOf(t)) {
    const leased = leaseNewIntents(startPart(definition, t.run, spawn, T0), LEASE);
    carryOut(definition, leased, T0, forest);
  }
  return forest;
}

/**
 * Both branches intended with a lease; A launched and failed: the run's document as its
 * Parallel took the failure (`run`), and branch 1's part, stopped with B abandoned, still
 * INTENDED (`part`).
 */
function abandonedB(definition: ChainDefinition): { run: Run; part: Run } {
  const forest = leasedFan(definition);
  const a = stepFor(partAt(forest, 'Fan[0]'), 'A');
  const record = onLaunched(partAt(forest, 'Fan[0]'), a.jobName, idOf(a.jobName), at(1), false);
  carryOut(definition, record, at(1), forest);
  const launched = partAt(forest, 'Fan[0]');
  const from = forest.transitions.length;
  const ended = endJob(definition, launched, stepFor(launched, 'A'), 'JOB_STATE_FAILED', at(2));
  carryOut(definition, ended, at(2), forest);
  assert.ok(
    forest.transitions.slice(from).every((t) => t.effects.every((e) => e.kind !== 'cancel')),
    'nothing to cancel yet: B has no job',
  );
  return { run: rootOf(forest), part: partAt(forest, 'Fan[1]') };
}

describe('engine: launches of abandoned steps', () => {
  describe('onLaunched', () => {
    for (const adopted of [false, true]) {
      it(`a step abandoned while its launch was in flight is recorded and cancelled (${adopted ? 'adopted' : 'launched'})`, () => {
        const { run, part } = abandonedB(FAN);
        assert.equal(run.status, 'FAILED');
        assert.equal(part.status, 'CANCELLED');
        const b = stepFor(part, 'B');
        assert.deepEqual([b.status, b.abandoned], ['INTENDED', true]);

        const t = onLaunched(part, b.jobName, 'job-b', at(3), adopted);
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
        assert.equal(t.run.status, 'CANCELLED');
        assert.deepEqual(t.archived, []);

        assert.deepEqual(onLaunched(t.run, b.jobName, 'job-b', at(4), true), unchanged(t.run));
      });
    }

    it('a step still wanted is recorded with no effect', () => {
      const run = partAt(leasedFan(FAN), 'Fan[0]');
      const a = stepFor(run, 'A');
      assert.ok(a.lease !== undefined);
      const t = onLaunched(run, a.jobName, 'job-a', at(1), false);
      assert.deepEqual(t.effects, []);
      assert.equal(t.run.steps[a.jobName]?.lease, undefined);
    });
  });

  describe('dropAbandonedIntent', () => {
    it("forgets an abandoned intent whose job was never created, into the part's ended steps", () => {
      const { run: caught, part: run } = abandonedB(CAUGHT);
      assert.equal(caught.status, 'RUNNING');
      assert.equal(caught.frames?.['']?.state, 'Hold');
      assert.equal(run.status, 'CANCELLED');
      const b = stepFor(run, 'B');
      const t = dropAbandonedIntent(run, b.jobName, at(5));
      const { lease: _lease, ...settled } = b;
      assert.equal(t.changed, true);
      assert.equal(t.run.steps[b.jobName], undefined);
      const ended = { ...settled, status: 'FAILED', endedAt: at(5) };
      // A part keeps its ended steps itself (Run.ended): no history document.
      assert.deepEqual(t.run, { ...run, steps: {}, ended: [ended] });
      assert.deepEqual(t.archived, [ended]);
      assert.deepEqual([t.effects, t.events], [[], []]);
    });

    it('leaves a step alone unless it is an abandoned intent', () => {
      const run = abandonedB(CAUGHT).part;
      const b = stepFor(run, 'B');
      const launched = onLaunched(run, b.jobName, 'job-b', at(3), false).run;
      const wanted = partAt(leasedFan(FAN), 'Fan[0]');
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
      const forest = leasedFan(FAN);
      const a = stepFor(partAt(forest, 'Fan[0]'), 'A');
      const b = stepFor(partAt(forest, 'Fan[1]'), 'B');
      const t = onLaunchFailed(FAN, partAt(forest, 'Fan[0]'), a.jobName, LAUNCH_FAILED, at(1));
      // Branch 0 fails with it, and reports to the Parallel: the run fails with the launch error.
      assert.deepEqual([t.run.status, t.run.error], ['FAILED', LAUNCH_FAILED]);
      assert.deepEqual(t.effects, []);
      const from = forest.transitions.length;
      carryOut(FAN, t, at(1), forest);
      const run = rootOf(forest);
      assert.equal(run.status, 'FAILED');
      assert.deepEqual(run.error, LAUNCH_FAILED);
      // B has no job yet: abandoned, nothing to cancel.
      const stopped = partAt(forest, 'Fan[1]');
      assert.equal(stopped.status, 'CANCELLED');
      assert.equal(stopped.steps[b.jobName]?.abandoned, true);
      assert.deepEqual(
        forest.transitions.slice(from).flatMap((x) => x.effects),
        [{ kind: 'abortItems', group: 'r1|Fan@0' }],
      );
    });

    it('of an abandoned step: recorded in the history, nothing else', () => {
      // T timed out before its launch was recorded: its intent is abandoned and the Catch took
      // the run on to Hold, where it waits.
      const leased = leaseNewIntents(start(RETRY), LEASE).run;
      const run = onTimer(RETRY, leased, timerName(NONCE, 'timeout', 'T', 0), at(600)).run;
      assert.deepEqual([run.status, run.frames?.['']?.state], ['RUNNING', 'Hold']);
      const b = stepFor(run, 'T');
      assert.deepEqual([b.status, b.abandoned, b.lease?.owner], ['INTENDED', true, LEASE.owner]);
      const t = onLaunchFailed(RETRY, run, b.jobName, LAUNCH_FAILED, at(601));
      const { lease: _lease, ...settled } = b;
      assert.deepEqual(t.run, { ...run, steps: {} });
      assert.deepEqual(t.archived, [
        { ...settled, status: 'FAILED', endedAt: at(601), error: LAUNCH_FAILED },
      ]);
      assert.deepEqual([t.effects, t.events], [[], []]);
    });
  });

  describe('failRunNow', () => {
    it('fails a running run, cancelling launched jobs and abandoning intents', () => {
      const forest = leasedFan(FAN);
      const a = stepFor(partAt(forest, 'Fan[0]'), 'A');
      const b = stepFor(partAt(forest, 'Fan[1]'), 'B');
      carryOut(
        FAN,
        onLaunched(partAt(forest, 'Fan[0]'), a.jobName, 'job-a', at(1), false),
        at(1),
        forest,
      );
      const launchedA = partAt(forest, 'Fan[0]').steps[a.jobName]!;
      assert.equal(launchedA.status, 'LAUNCHED');
      const error: RunError = { Error: 'States.Runtime', Cause: 'the run could not be stored' };

      const t = failRunNow(FAN, rootOf(forest), error, at(2));
      assert.equal(t.run.status, 'FAILED');
      assert.deepEqual(t.run.error, error);
      assert.equal(t.run.endTime, at(2));
      // The branches run in parts: the run stops them, each cancelling or abandoning its step.
      assert.deepEqual(t.effects, [{ kind: 'abortItems', group: 'r1|Fan@0' }]);
      assert.deepEqual(t.run.frames, {});
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['run.failed'],
      );
      const from = forest.transitions.length;
      carryOut(FAN, t, at(2), forest);
      const done = forest.transitions.slice(from);
      assert.deepEqual(
        done.flatMap((x) => x.effects).filter((e) => e.kind !== 'abortItems'),
        [{ kind: 'cancel', step: { ...launchedA, abandoned: true } }],
      );
      assert.deepEqual(
        done.flatMap((x) => x.events).map((e) => e.event),
        ['run.failed', 'job.cancelling'],
      );
      assert.equal(partAt(forest, 'Fan[1]').steps[b.jobName]?.abandoned, true);
      for (const scope of ['Fan[0]', 'Fan[1]'])
        assert.deepEqual(
          [partAt(forest, scope).status, partAt(forest, scope).frames],
          ['CANCELLED', {}],
          scope,
        );
      assert.equal(effectsIn(forest).filter((e) => e.kind === 'cancel').length, 1);
    });

    it('leaves an ended run unchanged', () => {
      const { run, part } = abandonedB(FAN);
      assert.equal(run.status, 'FAILED');
      assert.deepEqual(
        failRunNow(FAN, run, { Error: 'States.Runtime', Cause: 'x' }, at(9)),
        unchanged(run),
      );
      assert.deepEqual(
        failRunNow(FAN, part, { Error: 'States.Runtime', Cause: 'x' }, at(9)),
        unchanged(part),
        'nor a stopped part',
      );
    });
  });
});
