import { strict as assert } from 'node:assert';
import { jobNameFor } from '../../../src/chain/job-name.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { Draft } from '../../../src/engine/draft.js';
import { drain } from '../../../src/engine/interpreter.js';
import type { Transition } from '../../../src/engine/transition.js';
import type { Run } from '../../../src/engine/run.js';
import { threeSteps } from '../../fixtures/chains.js';
import { T0, emptyRun, startDaily } from '../../fixtures/runs.js';

const STARTED = { event: 'run.started', runId: 'r1', chain: 'daily' } as const;

/** Enters `state` of a stored run at the top level, as a transition would. */
function enterState(definition: ChainDefinition, run: Run, state: string, input = {}): Transition {
  const d = new Draft(definition, run, T0);
  d.agenda.push({ scope: '', state, input });
  drain(d);
  return d.result();
}

describe('engine: the interpreter', () => {
  it('a Succeed state ends the run with its input as output, logging run.succeeded', () => {
    const t = startDaily({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    const { steps: _steps, frames, timers: _timers, ...run } = t.run;
    assert.deepEqual(frames, {}, 'the ended scope leaves no frame');
    assert.deepEqual(
      { ...t, run },
      {
        run: {
          id: 'r1',
          chain: 'daily',
          definitionHash: 'h',
          nonce: 'n0nce',
          projectId: 'p',
          input: { date: '2026-11-21' },
          status: 'SUCCEEDED',
          startTime: T0,
          endTime: T0,
          output: { date: '2026-11-21' },
        },
        changed: true,
        effects: [],
        events: [
          STARTED,
          { event: 'run.succeeded', runId: 'r1', chain: 'daily', output: { date: '2026-11-21' } },
        ],
        archived: [],
      },
    );
  });

  it('a Fail state ends the run with its Error and Cause, logging run.failed with the state', () => {
    const t = startDaily({
      StartAt: 'No',
      States: { No: { Type: 'Fail', Error: 'Bad.Day', Cause: 'why' } },
    });
    const error = { Error: 'Bad.Day', Cause: 'why' };
    assert.equal(t.run.status, 'FAILED');
    assert.deepEqual(t.run.error, error);
    assert.deepEqual(t.effects, []);
    assert.deepEqual(t.events, [
      STARTED,
      { event: 'run.failed', runId: 'r1', chain: 'daily', error, state: 'No' },
    ]);
  });

  it('a Fail state without Error or Cause fails the run with States.Fail and an empty cause', () => {
    const t = startDaily({ StartAt: 'No', States: { No: { Type: 'Fail' } } });
    assert.deepEqual(t.run.error, { Error: 'States.Fail', Cause: '' });
  });

  it('a state the chain does not have fails the run with States.Runtime instead of throwing', () => {
    const run = emptyRun();
    const t = enterState(threeSteps, run, 'Missing');
    const error = {
      Error: 'States.Runtime',
      Cause: 'States.Missing: no such state in chain "daily"',
    };
    // The frame it failed in is kept: a redrive resumes from it.
    const stopped = {
      state: 'Missing',
      input: {},
      enteredTime: T0,
      visit: 0,
      visits: { Missing: 1 },
      attempt: 0,
      wait: 'job',
    };
    assert.deepEqual(t, {
      run: { ...run, status: 'FAILED', endTime: T0, error, frames: {}, timers: {}, stopped },
      changed: true,
      effects: [],
      events: [{ event: 'run.failed', runId: 'r1', chain: 'daily', error }],
      archived: [],
    });
  });

  it('a failure of Parameters other than a path error still fails the run, naming the state', () => {
    const parameters = { jobName: 'ingest' };
    Object.defineProperty(parameters, 'broken', {
      enumerable: true,
      get() {
        throw new TypeError('boom');
      },
    });
    const definition = {
      StartAt: 'Ingest',
      Defaults: { Region: 'europe-west4' },
      States: {
        Ingest: {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Parameters: parameters,
          End: true,
        },
      },
    } as unknown as ChainDefinition;
    const t = enterState(definition, emptyRun(), 'Ingest');
    assert.deepEqual(t.run.error, {
      Error: 'States.Runtime',
      Cause: 'States.Ingest.Parameters: TypeError: boom',
    });
  });

  it('names the job of a run stored before nonces existed as with an empty nonce', () => {
    const run: Run = emptyRun();
    const t = enterState(threeSteps, run, 'Ingest');
    const expected = jobNameFor('ingest', {
      chain: 'daily',
      runId: 'r1',
      state: 'Ingest',
      attempt: 0,
      nonce: '',
    });
    assert.deepEqual(Object.keys(t.run.steps), [expected]);
  });
});

describe('engine: the size of a run state', () => {
  it('a run whose state outgrows one document fails with States.DataLimitExceeded, which States.ALL does not catch', () => {
    const big = 'x'.repeat(1000);
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Wait',
            States: { Wait: { Type: 'Wait', Seconds: 60, End: true } },
          },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      },
    } as unknown as ChainDefinition;
    const t = startDaily(definition, { items: Array.from({ length: 1000 }, () => big) } as never);
    assert.equal(t.run.status, 'FAILED');
    assert.equal(t.run.error?.Error, 'States.DataLimitExceeded');
    assert.match(t.run.error?.Cause ?? '', /^the run's state is \d+ bytes, more than the 921600/);
    assert.deepEqual(t.run.frames, {});
    assert.deepEqual(t.run.timers, {});
  });

  it('a run state under the limit is kept as it is', () => {
    const t = startDaily({
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 5, End: true } },
    } as unknown as ChainDefinition);
    assert.equal(t.run.status, 'RUNNING');
  });
});
