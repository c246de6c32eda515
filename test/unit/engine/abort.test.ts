import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { abortBelow } from '../../../src/engine/abort.js';
import { Draft } from '../../../src/engine/draft.js';
import type { Frame, Run, Step, Timer } from '../../../src/engine/run.js';
import type { Effect, RunEvent } from '../../../src/engine/transition.js';
import { emptyRun } from '../../fixtures/runs.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:05:00.000Z';
const DEFINITION: ChainDefinition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

function step(jobName: string, scope: string, fields: Partial<Step> = {}): Step {
  return {
    state: jobName.toUpperCase(),
    ...(scope === '' ? {} : { scope }),
    attempt: 0,
    jobName,
    projectId: 'p',
    location: 'europe-west4',
    request: { launchParameter: { jobName } },
    status: 'LAUNCHED',
    jobId: `id-${jobName}`,
    intendedAt: T0,
    ...fields,
  };
}

function frame(state: string, fields: Partial<Frame> = {}): Frame {
  return { state, input: {}, enteredTime: T0, visit: 0, attempt: 0, wait: 'job', ...fields };
}

function timer(scope: string): Timer {
  return { kind: 'timeout', scope, state: 'S', attempt: 0, dueAt: T1 };
}

/**
 * The root waits on Fan; branch 0 runs job a, branch 1 a Map whose item 0 runs job w0 and item
 * 1 has only an intent (w1); branch 10 (a prefix look-alike of branch 1) runs job k.
 */
function run(): Run {
  const steps = [
    step('a', 'Fan[0]'),
    step('w0', 'Fan[1]/Each[0]'),
    step('w1', 'Fan[1]/Each[1]', { status: 'INTENDED', jobId: undefined }),
    step('k', 'Fan[10]'),
  ];
  return {
    ...emptyRun(),
    steps: Object.fromEntries(steps.map((s) => [s.jobName, s])),
    frames: {
      '': frame('Fan', { wait: 'children' }),
      'Fan[0]': frame('A', { parent: '', index: 0, jobName: 'a' }),
      'Fan[1]': frame('Each', { parent: '', index: 1, wait: 'children' }),
      'Fan[1]/Each[0]': frame('W', { parent: 'Fan[1]', index: 0, jobName: 'w0' }),
      'Fan[1]/Each[1]': frame('W', { parent: 'Fan[1]', index: 1, jobName: 'w1' }),
      'Fan[10]': frame('K', { parent: '', index: 10, jobName: 'k' }),
    },
    timers: {
      root: timer(''),
      a: timer('Fan[0]'),
      each: timer('Fan[1]'),
      w0: timer('Fan[1]/Each[0]'),
      k: timer('Fan[10]'),
    },
  };
}

const cancel = (s: Step): Effect => ({ kind: 'cancel', step: { ...s, abandoned: true } });

function cancelling(s: Step): RunEvent {
  return {
    event: 'job.cancelling',
    state: s.state,
    ...(s.scope === undefined ? {} : { scope: s.scope }),
    jobName: s.jobName,
    jobId: s.jobId!,
    runId: 'r1',
    chain: 'daily',
  };
}

const abandonedOf = (d: Draft) =>
  d
    .allSteps()
    .filter((s) => s.abandoned)
    .map((s) => s.jobName)
    .sort();

describe('engine: abortBelow', () => {
  const steps = run().steps;

  const cases: [
    name: string,
    scope: string,
    self: boolean,
    frames: string[],
    timers: string[],
    abandoned: string[],
    cancelled: Step[],
  ][] = [
    [
      "a Map's items, not the Map itself",
      'Fan[1]',
      false,
      ['', 'Fan[0]', 'Fan[10]', 'Fan[1]'],
      ['a', 'each', 'k', 'root'],
      ['w0', 'w1'],
      [steps['w0']!],
    ],
    [
      'the Map scope itself too, with self',
      'Fan[1]',
      true,
      ['', 'Fan[0]', 'Fan[10]'],
      ['a', 'k', 'root'],
      ['w0', 'w1'],
      [steps['w0']!],
    ],
    [
      'everything below the root, by parent links (Fan[10] is no child of Fan[1])',
      '',
      false,
      [''],
      ['root'],
      ['a', 'k', 'w0', 'w1'],
      [steps['a']!, steps['w0']!, steps['k']!],
    ],
    [
      'the whole run, with self on the root',
      '',
      true,
      [],
      [],
      ['a', 'k', 'w0', 'w1'],
      [steps['a']!, steps['w0']!, steps['k']!],
    ],
    [
      'nothing below a leaf scope',
      'Fan[0]',
      false,
      ['', 'Fan[0]', 'Fan[10]', 'Fan[1]', 'Fan[1]/Each[0]', 'Fan[1]/Each[1]'],
      ['a', 'each', 'k', 'root', 'w0'],
      [],
      [],
    ],
    [
      'a leaf scope itself, with self',
      'Fan[0]',
      true,
      ['', 'Fan[10]', 'Fan[1]', 'Fan[1]/Each[0]', 'Fan[1]/Each[1]'],
      ['each', 'k', 'root', 'w0'],
      ['a'],
      [steps['a']!],
    ],
  ];

  for (const [name, scope, self, frames, timers, abandoned, cancelled] of cases) {
    it(`stops ${name}`, () => {
      const d = new Draft(DEFINITION, run(), T1);
      abortBelow(d, scope, self);
      assert.deepEqual(Object.keys(d.allFrames()).sort(), frames, 'frames left');
      assert.deepEqual(Object.keys(d.allTimers()).sort(), timers, 'timers left');
      assert.deepEqual(abandonedOf(d), abandoned, 'steps abandoned');
      // Every step stays in flight: an abandoned job's end is still recorded when it comes.
      assert.deepEqual(
        d
          .allSteps()
          .map((s) => s.jobName)
          .sort(),
        ['a', 'k', 'w0', 'w1'],
      );
      assert.deepEqual(d.effects, cancelled.map(cancel), 'cancel effects: LAUNCHED steps only');
      assert.deepEqual(d.events, cancelled.map(cancelling));
    });
  }

  it('cancels a step once: a step already abandoned is left as it is', () => {
    const d = new Draft(DEFINITION, run(), T1);
    abortBelow(d, 'Fan[1]');
    abortBelow(d, '', true);
    assert.deepEqual(d.effects, [steps['w0']!, steps['a']!, steps['k']!].map(cancel));
  });

  it('never cancels an intent (no job yet): its launch, if in flight, is cancelled when recorded', () => {
    const d = new Draft(DEFINITION, run(), T1);
    abortBelow(d, 'Fan[1]');
    assert.deepEqual(d.step('w1'), { ...steps['w1']!, abandoned: true });
    assert.ok(!d.effects.some((e) => e.kind === 'cancel' && e.step.jobName === 'w1'));
  });

  it('leaves the steps and timers of the aborted scope itself without self', () => {
    const base = run();
    const mine = step('m', 'Fan[1]');
    const d = new Draft(DEFINITION, { ...base, steps: { ...base.steps, m: mine } }, T1);
    abortBelow(d, 'Fan[1]');
    assert.deepEqual(d.step('m'), mine);
    assert.ok('each' in d.allTimers());
  });

  it('treats a step without a scope as a top-level step', () => {
    const legacy = step('old', '');
    const d = new Draft(DEFINITION, { ...run(), steps: { old: legacy } }, T1);
    abortBelow(d, '');
    assert.deepEqual(d.step('old'), legacy, 'the root is not below itself');
    abortBelow(d, '', true);
    assert.deepEqual(d.effects, [cancel(legacy)]);
    assert.deepEqual(d.events, [cancelling(legacy)]);
  });

  it('leaves the run alone when the scope has no descendants and self is not set', () => {
    const d = new Draft(DEFINITION, run(), T1);
    abortBelow(d, 'Fan[1]/Each[0]');
    abortBelow(d, 'no-such-scope');
    assert.deepEqual(d.result().run, run());
  });
});
