import { strict as assert } from 'node:assert';
import { jobNameFor } from '../../../src/chain/job-name.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { timerName } from '../../../src/engine/names.js';
import type { Run } from '../../../src/engine/run.js';
import { dueTimers, onTimer } from '../../../src/engine/timer.js';
import { launchesOf, unchanged } from '../../../src/engine/transition.js';
import {
  NONCE,
  T0,
  at,
  carryOut,
  endJob,
  idOf,
  launchAll,
  partAt,
  rootOf,
  start,
  stepFor,
  task,
} from './drive.js';

/** Pause waits 60 s, then Go passes `{went: true}` on and the run succeeds. */
const WAIT: ChainDefinition = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 60, Next: 'Go' },
    Go: { Type: 'Pass', Result: { went: true }, End: true },
  },
};
const WAIT_TIMER = timerName(NONCE, 'wait', 'Pause', 0);

/** The run waiting on Pause, as stored after its start. */
function waiting(): Run {
  return start(WAIT, { n: 1 }).run;
}

describe('engine: timers (onTimer)', () => {
  describe('deliveries that change nothing', () => {
    it('a timer not yet due', () => {
      const run = waiting();
      const t = onTimer(WAIT, run, WAIT_TIMER, at(59.999));
      assert.deepEqual(t, unchanged(run));
      assert.equal(t.run, run);
    });

    it('a timer the run does not have', () => {
      const run = waiting();
      const unknown = timerName(NONCE, 'wait', 'Other', 0);
      assert.deepEqual(onTimer(WAIT, run, unknown, at(3600)), unchanged(run));
    });

    it('a timer of a run that has ended', () => {
      const run: Run = { ...waiting(), status: 'CANCELLED' };
      assert.deepEqual(onTimer(WAIT, run, WAIT_TIMER, at(60)), unchanged(run));
    });

    it('a second delivery of a timer that fired', () => {
      const fired = onTimer(WAIT, waiting(), WAIT_TIMER, at(60)).run;
      assert.deepEqual(onTimer(WAIT, fired, WAIT_TIMER, at(61)), unchanged(fired));
    });
  });

  describe('a stale timer: its state moved on', () => {
    /** T's timeout is caught; its heartbeat timer outlives it while Hold waits. */
    const CAUGHT: ChainDefinition = {
      StartAt: 'T',
      States: {
        T: task('t', {
          TimeoutSeconds: 10,
          HeartbeatSeconds: 20,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }],
        }),
        Hold: { Type: 'Wait', Seconds: 3600, End: true },
      },
    };

    it('is dropped and nothing else happens', () => {
      const launched = launchAll(start(CAUGHT).run, T0);
      const caught = onTimer(CAUGHT, launched, timerName(NONCE, 'timeout', 'T', 0), at(10)).run;
      assert.equal(caught.frames?.['']?.state, 'Hold');
      const heartbeat = timerName(NONCE, 'heartbeat', 'T', 0);
      assert.ok(caught.timers?.[heartbeat], 'the heartbeat timer is still pending');

      const t = onTimer(CAUGHT, caught, heartbeat, at(20));
      const { [heartbeat]: _dropped, ...others } = caught.timers ?? {};
      assert.deepEqual(t.run, { ...caught, timers: others });
      assert.deepEqual(t.effects, []);
      assert.deepEqual(t.events, []);
      assert.deepEqual(t.archived, []);
    });

    it('of a scope that no longer runs, or of an earlier attempt', () => {
      const run = waiting();
      const timer = run.timers![WAIT_TIMER]!;
      const stale: Run = {
        ...run,
        timers: {
          gone: { ...timer, scope: 'Fan[0]' },
          before: { ...timer, attempt: 1 },
          other: { ...timer, kind: 'retry' },
        },
      };
      for (const name of ['gone', 'before', 'other']) {
        const t = onTimer(WAIT, stale, name, at(60));
        assert.deepEqual(
          Object.keys(t.run.timers ?? {}).sort(),
          ['before', 'gone', 'other'].filter((n) => n !== name),
        );
        assert.deepEqual({ ...t.run, timers: stale.timers }, stale, `${name}: only the timer went`);
        assert.deepEqual([t.effects, t.events, t.archived], [[], [], []]);
      }
    });
  });

  describe('wait', () => {
    it("hands the Wait's output to Next when due", () => {
      const run = waiting();
      assert.deepEqual(run.timers, {
        [WAIT_TIMER]: {
          kind: 'wait',
          scope: '',
          state: 'Pause',
          attempt: 0,
          dueAt: at(60),
          output: { n: 1 },
        },
      });
      const t = onTimer(WAIT, run, WAIT_TIMER, at(60));
      assert.equal(t.changed, true);
      assert.equal(t.run.status, 'SUCCEEDED');
      assert.deepEqual(t.run.output, { went: true });
      assert.equal(t.run.endTime, at(60));
      assert.deepEqual(t.run.timers, {});
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['run.succeeded'],
      );
    });

    it('fires late just the same', () => {
      assert.equal(onTimer(WAIT, waiting(), WAIT_TIMER, at(86_400)).run.status, 'SUCCEEDED');
    });
  });

  describe('retry', () => {
    const RETRY: ChainDefinition = {
      StartAt: 'T',
      States: {
        T: task('t', { Retry: [{ ErrorEquals: ['Dataflow.JobFailed'], IntervalSeconds: 5 }] }),
      },
    };
    const name = (attempt: number) =>
      jobNameFor('t', { chain: 'c', runId: 'r1', state: 'T', attempt, nonce: NONCE });

    function failedOnce() {
      const launched = launchAll(start(RETRY).run, T0);
      return endJob(RETRY, launched, stepFor(launched, 'T'), 'JOB_STATE_FAILED', at(60));
    }

    it('the failed job arms a retry timer', () => {
      const t = failedOnce();
      const retry = timerName(NONCE, 'retry', 'T', 0);
      assert.deepEqual(t.effects, [{ kind: 'timer', name: retry, dueAt: at(65) }]);
      assert.deepEqual(t.run.timers, {
        [retry]: { kind: 'retry', scope: '', state: 'T', attempt: 0, dueAt: at(65) },
      });
      assert.equal(t.run.frames?.['']?.wait, 'retry');
      assert.deepEqual(t.run.steps, {});
    });

    it('firing it intends attempt 1 under a new job name', () => {
      const waitingRun = failedOnce().run;
      const retry = timerName(NONCE, 'retry', 'T', 0);
      assert.deepEqual(onTimer(RETRY, waitingRun, retry, at(64)), unchanged(waitingRun));

      const t = onTimer(RETRY, waitingRun, retry, at(65));
      const [launch, ...others] = launchesOf(t);
      assert.equal(others.length, 0);
      assert.equal(launch?.step.jobName, name(1));
      assert.notEqual(name(1), name(0));
      assert.equal(launch?.step.attempt, 1);
      assert.equal(launch?.step.status, 'INTENDED');
      assert.deepEqual(t.run.timers, {});
      const frame = t.run.frames?.[''];
      assert.deepEqual(
        [frame?.attempt, frame?.wait, frame?.jobName, frame?.retries],
        [1, 'job', name(1), { 0: 1 }],
      );
      assert.deepEqual(
        t.events.map((e) => [e.event, e.attempt]),
        [['step.intended', 1]],
      );
    });
  });

  describe('timeout and heartbeat', () => {
    const cases = [
      {
        kind: 'timeout' as const,
        field: { TimeoutSeconds: 10 },
        error: 'States.Timeout',
        cause: 'the Task ran longer than its timeout',
      },
      {
        kind: 'heartbeat' as const,
        field: { HeartbeatSeconds: 10 },
        error: 'States.HeartbeatTimeout',
        cause: 'no heartbeat within HeartbeatSeconds',
      },
    ];
    for (const { kind, field, error, cause } of cases) {
      const CHAIN: ChainDefinition = { StartAt: 'T', States: { T: task('t', field) } };
      const timer = timerName(NONCE, kind, 'T', 0);

      it(`${kind}: cancels the launched job once and raises ${error}`, () => {
        const launched = launchAll(start(CHAIN).run, T0);
        const step = stepFor(launched, 'T');
        const t = onTimer(CHAIN, launched, timer, at(10));
        assert.equal(t.run.status, 'FAILED');
        assert.deepEqual(t.run.error, {
          Error: error,
          Cause: `States.T: ${cause} (due ${at(10)}); its job ${step.jobName} is being cancelled`,
        });
        const abandoned = { ...step, abandoned: true };
        assert.deepEqual(t.effects, [{ kind: 'cancel', step: abandoned }]);
        assert.deepEqual(t.run.steps, { [step.jobName]: abandoned }, 'its end is still awaited');
        assert.deepEqual(
          t.events.map((e) => e.event),
          ['job.cancelling', 'run.failed'],
        );
        assert.equal(t.events[0]?.jobId, idOf(step.jobName));
        assert.deepEqual(t.run.timers, {});
      });

      it(`${kind}: an intent not launched yet is abandoned, with nothing to cancel`, () => {
        const intended = start(CHAIN).run;
        const step = stepFor(intended, 'T');
        const t = onTimer(CHAIN, intended, timer, at(10));
        assert.equal(t.run.error?.Error, error);
        assert.deepEqual(t.effects, []);
        assert.deepEqual(t.run.steps, { [step.jobName]: { ...step, abandoned: true } });
      });
    }

    it('a timeout in a branch names the branch and is retried like any error', () => {
      const CHAIN: ChainDefinition = {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'T',
                States: {
                  T: task('t', {
                    TimeoutSeconds: 10,
                    Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 3 }],
                  }),
                },
              },
            ],
            End: true,
          },
        },
      };
      // The branch runs in a part of its own: its step and timers live in the part's document.
      const forest = carryOut(CHAIN, start(CHAIN), T0);
      const timeout = timerName(NONCE, 'timeout', 'Fan[0]/T', 0);
      assert.deepEqual(rootOf(forest).timers, {}, "none in the run's document");
      const branch = partAt(forest, 'Fan[0]');
      assert.deepEqual(Object.keys(branch.timers ?? {}), [timeout]);
      const launched = launchAll(branch, T0);
      const step = stepFor(launched, 'T', 'Fan[0]');
      const t = onTimer(CHAIN, launched, timeout, at(10));
      assert.equal(t.run.status, 'RUNNING');
      assert.equal(t.run.frames?.['Fan[0]']?.wait, 'retry');
      const retry = timerName(NONCE, 'retry', 'Fan[0]/T', 0);
      assert.deepEqual(t.effects, [
        { kind: 'cancel', step: { ...step, abandoned: true } },
        { kind: 'timer', name: retry, dueAt: at(13) },
      ]);
      const retrying = t.events.find((e) => e.event === 'state.retrying');
      assert.deepEqual(retrying?.error, {
        Error: 'States.Timeout',
        Cause: `States.Fan[0]/T: the Task ran longer than its timeout (due ${at(10)}); its job ${step.jobName} is being cancelled`,
      });
      assert.equal(retrying?.scope, 'Fan[0]');
    });
  });

  describe('run', () => {
    const CHAIN: ChainDefinition = {
      StartAt: 'T',
      TimeoutSeconds: 100,
      States: { T: task('t', { TimeoutSeconds: 500 }) },
    };

    it("fails the run with States.Timeout past the chain's TimeoutSeconds, cancelling its jobs", () => {
      const started = start(CHAIN);
      const runTimer = timerName(NONCE, 'run', '', 0);
      assert.deepEqual(started.run.timers?.[runTimer], {
        kind: 'run',
        scope: '',
        state: 'T',
        attempt: 0,
        dueAt: at(100),
      });
      const launched = launchAll(started.run, T0);
      const step = stepFor(launched, 'T');
      assert.deepEqual(onTimer(CHAIN, launched, runTimer, at(99)), unchanged(launched));

      const t = onTimer(CHAIN, launched, runTimer, at(100));
      assert.equal(t.run.status, 'FAILED');
      assert.deepEqual(t.run.error, {
        Error: 'States.Timeout',
        Cause: `the run lasted longer than the chain's TimeoutSeconds (due ${at(100)})`,
      });
      assert.deepEqual(t.effects, [{ kind: 'cancel', step: { ...step, abandoned: true } }]);
      assert.deepEqual(t.run.timers, {}, "the Task's own timeout goes too");
      assert.deepEqual(t.run.frames, {});
    });

    it('still fires after the state the run began in has ended (the timer names that state)', () => {
      const TWO: ChainDefinition = {
        StartAt: 'T',
        TimeoutSeconds: 100,
        States: { T: task('t', { Next: 'U' }), U: task('u') },
      };
      const runTimer = timerName(NONCE, 'run', '', 0);
      const first = launchAll(start(TWO).run, T0);
      const second = launchAll(
        endJob(TWO, first, stepFor(first, 'T'), 'JOB_STATE_DONE', at(10)).run,
        at(10),
      );
      assert.equal(second.timers?.[runTimer]?.dueAt, at(100));
      const t = onTimer(TWO, second, runTimer, at(100));
      assert.equal(t.run.status, 'FAILED');
      assert.equal(t.run.error?.Error, 'States.Timeout');
    });
  });

  describe('deadline', () => {
    const CHAIN: ChainDefinition = {
      StartAt: 'T',
      Deadline: { AfterSeconds: 2 },
      States: { T: task('t', { Next: 'U' }), U: task('u') },
    };
    const deadline = timerName(NONCE, 'deadline', '', 0);

    /** The run with T's job launched, 1 s in. */
    function launched(): Run {
      return launchAll(start(CHAIN).run, at(1));
    }

    it('logs run.deadline_missed once, with its due time and state, and changes nothing else', () => {
      const run = launched();
      assert.deepEqual(onTimer(CHAIN, run, deadline, at(1.999)), unchanged(run));

      const t = onTimer(CHAIN, run, deadline, at(2.001));
      assert.equal(t.changed, true);
      const { [deadline]: _fired, ...others } = run.timers ?? {};
      assert.deepEqual(t.run, { ...run, timers: others }, 'the run goes on: only the timer went');
      assert.deepEqual(t.events, [
        { event: 'run.deadline_missed', dueAt: at(2), state: 'T', runId: 'r1', chain: 'c' },
      ]);
      assert.deepEqual([t.effects, t.archived], [[], []]);

      assert.deepEqual(onTimer(CHAIN, t.run, deadline, at(3)), unchanged(t.run), 'redelivered');
    });

    it('the run then ends as it would have, with no second line', () => {
      const missed = onTimer(CHAIN, launched(), deadline, at(2)).run;
      const afterT = endJob(CHAIN, missed, stepFor(missed, 'T'), 'JOB_STATE_DONE', at(4));
      const running = launchAll(afterT.run, at(4));
      const done = endJob(CHAIN, running, stepFor(running, 'U'), 'JOB_STATE_DONE', at(5));
      assert.equal(done.run.status, 'SUCCEEDED');
      assert.deepEqual(
        [...afterT.events, ...done.events].map((e) => e.event),
        ['job.confirmed', 'step.intended', 'job.confirmed', 'run.succeeded'],
      );
    });

    it("outlives the end of the StartAt state's job, and names the state the run is late in", () => {
      const afterT = endJob(CHAIN, launched(), stepFor(launched(), 'T'), 'JOB_STATE_DONE', at(1.5));
      const t = onTimer(CHAIN, afterT.run, deadline, at(2));
      assert.equal(t.events[0]?.state, 'U');
    });

    it('a run that ended before its deadline logs nothing, and the tick does not list it', () => {
      const run = launched();
      const first = endJob(CHAIN, run, stepFor(run, 'T'), 'JOB_STATE_DONE', at(1.5)).run;
      const second = launchAll(first, at(1.5));
      const done = endJob(CHAIN, second, stepFor(second, 'U'), 'JOB_STATE_DONE', at(1.9)).run;
      assert.equal(done.status, 'SUCCEEDED');
      assert.ok(done.timers?.[deadline], 'the timer is still stored with the ended run');
      assert.deepEqual(onTimer(CHAIN, done, deadline, at(2)), unchanged(done));
      assert.deepEqual(dueTimers(done, at(2)), []);
      const failed = endJob(CHAIN, run, stepFor(run, 'T'), 'JOB_STATE_FAILED', at(1.5)).run;
      assert.deepEqual(onTimer(CHAIN, failed, deadline, at(2)), unchanged(failed));
      assert.deepEqual(dueTimers(failed, at(2)), []);
    });
  });

  describe('dueTimers', () => {
    it('lists the timers due at or before now', () => {
      const CHAIN: ChainDefinition = {
        StartAt: 'T',
        TimeoutSeconds: 100,
        States: { T: task('t', { TimeoutSeconds: 50, HeartbeatSeconds: 200 }) },
      };
      const run = start(CHAIN).run;
      assert.deepEqual(dueTimers(run, at(49)), []);
      assert.deepEqual(dueTimers(run, at(50)), [timerName(NONCE, 'timeout', 'T', 0)]);
      assert.deepEqual(
        dueTimers(run, at(150)).sort(),
        [timerName(NONCE, 'run', '', 0), timerName(NONCE, 'timeout', 'T', 0)].sort(),
      );
      assert.deepEqual(dueTimers({ ...run, timers: undefined }, at(1000)), []);
    });
  });
});
