import { strict as assert } from 'node:assert';
import { jobNameFor } from '../../../src/chain/job-name.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { MAX_ENTRIES_PER_TRANSITION } from '../../../src/engine/interpreter.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { jobLabels } from '../../../src/engine/labels.js';
import { onLaunched } from '../../../src/engine/launched.js';
import { onMapJoined } from '../../../src/engine/part.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { startRun } from '../../../src/engine/start.js';
import { onTimer } from '../../../src/engine/timer.js';
import { launchesOf, type Transition } from '../../../src/engine/transition.js';
import type { JsonObject } from '../../../src/json.js';
import { T0 } from '../../fixtures/runs.js';
import { carryOut, eventsIn, partAt, rootOf, spawnsOf, withEffects } from './drive.js';
import { launchOf } from '../launch-of.js';

const task = (name: string, extra: JsonObject = {}): JsonObject => ({
  Type: 'Task',
  Resource: 'dataflow:flexTemplate',
  Region: 'europe-west4',
  Parameters: {
    jobName: name,
    containerSpecGcsPath: 'gs://b/t.json',
    parameters: { 'retry.$': '$$.State.RetryCount' },
  },
  End: true,
  ...extra,
});

function definition(states: JsonObject): ChainDefinition {
  return { StartAt: Object.keys(states)[0], States: states } as unknown as ChainDefinition;
}

function start(def: ChainDefinition, input: JsonObject = {}): Transition {
  return startRun({
    runId: 'r1',
    chain: 'c',
    definition: def,
    definitionHash: 'h',
    projectId: 'p',
    input,
    now: T0,
    nonce: 'n0nce',
  });
}

/** Records the launch of the one intended step and ends its job in `state`. */
function endOnly(def: ChainDefinition, run: Run, state: 'JOB_STATE_DONE' | 'JOB_STATE_FAILED') {
  const step = Object.values(run.steps).find((s) => s.status === 'INTENDED') as Step;
  const launched = onLaunched(run, step.jobName, `job-${step.attempt}`, T0, false).run;
  return onJobEnded(
    def,
    launched,
    {
      id: `job-${step.attempt}`,
      name: step.jobName,
      projectId: 'p',
      location: 'europe-west4',
      currentState: state,
      labels: jobLabels('r1', 'c', step.state),
    },
    T0,
  );
}

describe('engine: the interpreter’s paths', () => {
  it('a retry re-enters the same entry with the next attempt: its own job name, RetryCount, and the retrier’s count kept', () => {
    const def = definition({
      L: task('load', {
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
      }),
    });
    let t = start(def);
    const names: string[] = [];
    const retries: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const step = launchesOf(t)[0]!.step;
      names.push(step.jobName);
      retries.push(launchOf(step.request)?.parameters?.['retry']);
      t = endOnly(def, t.run, 'JOB_STATE_FAILED');
      const retrying = t.events.find((e) => e.event === 'state.retrying');
      if (attempt === 2) break;
      assert.equal(retrying?.attempt, attempt + 1);
      assert.deepEqual(t.run.frames?.['']?.retries, { 0: attempt + 1 });
      const [name, timer] = Object.entries(t.run.timers ?? {})[0]!;
      t = onTimer(def, t.run, name, timer.dueAt);
    }
    assert.deepEqual(
      names,
      [0, 1, 2].map((attempt) =>
        jobNameFor('load', { chain: 'c', runId: 'r1', state: 'L', attempt, nonce: 'n0nce' }),
      ),
    );
    assert.deepEqual(retries, ['0', '1', '2']);
    assert.equal(t.run.status, 'FAILED');
    assert.equal(t.run.error?.Error, 'Dataflow.JobFailed');
  });

  it('a state entered again by a loop gets the next visit in its key: another job name', () => {
    const { End: _end, ...looping } = task('load');
    const def = definition({
      L: { ...looping, Next: 'Again' },
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.jobName', IsPresent: true, Next: 'Mark' }],
        Default: 'Done',
      },
      Mark: { Type: 'Pass', Result: {}, Next: 'L' },
      Done: { Type: 'Succeed' },
    });
    const first = start(def);
    const second = endOnly(def, first.run, 'JOB_STATE_DONE');
    const [a, b] = [launchesOf(first)[0]!.step, launchesOf(second)[0]!.step];
    assert.equal(
      b.jobName,
      jobNameFor('load', { chain: 'c', runId: 'r1', state: 'L#1', attempt: 0, nonce: 'n0nce' }),
    );
    assert.notEqual(a.jobName, b.jobName);
    assert.deepEqual(second.run.frames?.['']?.visits, { L: 2, Again: 1, Mark: 1 });
  });

  it(`a loop of instant states is stopped after ${MAX_ENTRIES_PER_TRANSITION} entries with States.Runtime`, () => {
    const def = definition({
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Pass', Next: 'A' },
    });
    const t = start(def);
    assert.equal(t.run.status, 'FAILED');
    assert.deepEqual(t.run.error, {
      Error: 'States.Runtime',
      Cause: `States.A: more than ${MAX_ENTRIES_PER_TRANSITION} states were entered without waiting for a job or a timer; a Choice loop needs a Task or a Wait in it`,
    });
  });

  it('a fatal error inside a branch fails the whole run, naming the branch, even past a Catch', () => {
    const def = definition({
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Bad', States: { Bad: { Type: 'Pass', InputPath: '$.nope', End: true } } },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    });
    // The branch runs in a part of its own, which fails on its own (fatal: no Catch may take
    // it) and reports to the run's document.
    const t = start(def);
    assert.equal(t.run.status, 'RUNNING');
    const forest = carryOut(def, t, T0);
    const run = rootOf(forest);
    assert.equal(run.status, 'FAILED');
    assert.equal(run.error?.Error, 'States.Runtime');
    assert.match(run.error?.Cause ?? '', /^States\.Fan\[0\]\/Bad\.InputPath: /);
    const branch = partAt(forest, 'Fan[0]');
    assert.deepEqual([branch.status, branch.fatal, branch.error], ['FAILED', true, run.error]);
    const failed = eventsIn(forest).filter((e) => e.event === 'run.failed');
    assert.equal(failed.length, 1);
    assert.deepEqual([failed[0]?.state, failed[0]?.scope], ['Bad', 'Fan[0]']);
    assert.deepEqual(failed[0]?.error, run.error);
    assert.equal(
      eventsIn(forest).some((e) => e.event === 'state.caught'),
      false,
      'not caught',
    );
  });

  it('a Fail in a branch fails the Parallel with its error, which the Parallel’s Catch catches (state.caught)', () => {
    const def = definition({
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'No', States: { No: { Type: 'Fail', Error: 'My.Error', Cause: 'c' } } },
        ],
        Catch: [{ ErrorEquals: ['My.Error'], ResultPath: '$.err', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    });
    const forest = carryOut(def, start(def, { keep: 1 }), T0);
    const run = rootOf(forest);
    assert.equal(run.status, 'SUCCEEDED');
    assert.deepEqual(run.output, { keep: 1, err: { Error: 'My.Error', Cause: 'c' } });
    assert.deepEqual(partAt(forest, 'Fan[0]').error, { Error: 'My.Error', Cause: 'c' });
    const caught = eventsIn(forest).find((e) => e.event === 'state.caught');
    assert.deepEqual(
      [caught?.state, caught?.scope, caught?.error?.Error],
      ['Fan', undefined, 'My.Error'],
    );
  });

  it('a ResultPath that cannot apply raises States.ResultPathMatchFailure, which a Task’s Catch catches', () => {
    const def = definition({
      L: task('load', {
        ResultPath: '$.a.b',
        Catch: [{ ErrorEquals: ['States.ResultPathMatchFailure'], Next: 'Caught' }],
      }),
      Caught: { Type: 'Succeed' },
    });
    const t = endOnly(def, start(def, { a: 'text' }).run, 'JOB_STATE_DONE');
    assert.equal(t.run.status, 'SUCCEEDED');
    assert.equal((t.run.output as { Error: string }).Error, 'States.ResultPathMatchFailure');
  });

  it('a branch’s next state queued before its sibling failed is never entered once the Parallel is caught', () => {
    const def = definition({
      Fan: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'P1',
            States: { P1: { Type: 'Pass', Next: 'P2' }, P2: { Type: 'Pass', End: true } },
          },
          { StartAt: 'No', States: { No: { Type: 'Fail', Error: 'E', Cause: 'c' } } },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', Result: 'caught', End: true },
    });
    // Branch 0 passes P1 then P2 in its own part. Started before its sibling failed, its part
    // ends, and its join check finds the Parallel waiting for branch 1; once the Parallel is
    // caught, a join check changes nothing. Started after, it never starts: P1 and P2 are
    // never entered.
    const t = start(def);
    assert.equal(t.run.status, 'RUNNING');
    const [first, failing] = spawnsOf(t);
    const inOrder = carryOut(def, t, T0);
    const branch0 = partAt(inOrder, 'Fan[0]');
    assert.deepEqual([branch0.status, branch0.output], ['SUCCEEDED', {}]);
    const run = rootOf(inOrder);
    assert.deepEqual([run.status, run.output], ['SUCCEEDED', 'caught']);
    assert.deepEqual(run.frames, {});
    const parts = [branch0, partAt(inOrder, 'Fan[1]')];
    const late = onMapJoined(def, run, branch0.part!, parts, T0);
    assert.deepEqual([late.changed, late.run, late.effects], [false, run, []]);

    const failedFirst = carryOut(def, withEffects(t, [failing!, first!]), T0);
    const caught = rootOf(failedFirst);
    assert.deepEqual([caught.status, caught.output], ['SUCCEEDED', 'caught']);
    assert.deepEqual(caught.frames, {});
    assert.deepEqual(
      [...failedFirst.docs.values()].filter((doc) => doc.part?.scope === 'Fan[0]'),
      [],
      'branch 0 never starts once the Parallel is caught',
    );
  });
});
