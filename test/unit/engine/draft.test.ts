import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { Draft } from '../../../src/engine/draft.js';
import type { Frame, Run, Step, Timer } from '../../../src/engine/run.js';
import { emptyRun } from '../../fixtures/runs.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:05:00.000Z';
const DEFINITION: ChainDefinition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

function step(jobName: string, fields: Partial<Step> = {}): Step {
  return {
    state: 'A',
    attempt: 0,
    jobName,
    projectId: 'p',
    location: 'europe-west4',
    request: { launchParameter: { jobName } },
    status: 'INTENDED',
    intendedAt: T0,
    ...fields,
  };
}

function frame(state: string, fields: Partial<Frame> = {}): Frame {
  return { state, input: {}, enteredTime: T0, visit: 0, attempt: 0, wait: 'job', ...fields };
}

const TIMER: Timer = { kind: 'wait', scope: '', state: 'P', attempt: 0, dueAt: T1 };

/** Freezes `value` and everything in it, so any mutation throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function baseRun(): Run {
  return deepFreeze({
    ...emptyRun(),
    steps: { a: step('a', { status: 'LAUNCHED', jobId: 'j-a' }) },
    frames: {
      '': frame('Fan', { wait: 'children' }),
      'Fan[0]': frame('A', { parent: '', index: 0, jobName: 'a' }),
      'Fan[1]': frame('B', { parent: '', index: 1 }),
      'Fan[1]/Each[0]': frame('W', { parent: 'Fan[1]', index: 0 }),
    },
    timers: { t1: TIMER },
  });
}

describe('engine: Draft', () => {
  describe('result()', () => {
    it('drops a launch intended and abandoned in the same transition, and forgets its intent', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      const b = step('b', { scope: 'Fan[1]' });
      d.setStep(b);
      d.effects.push({ kind: 'launch', step: b });
      d.addTimer('t2', { ...TIMER, scope: 'Fan[1]' });
      // A sibling failed later in the transition: the step is abandoned before anything ran.
      d.setStep({ ...b, abandoned: true });

      const t = d.result();
      assert.deepEqual(t.effects, [{ kind: 'timer', name: 't2', dueAt: T1 }]);
      assert.equal(t.run.steps['b'], undefined, 'the intent is forgotten');
      assert.deepEqual(Object.keys(t.run.steps), ['a']);
      assert.deepEqual(t.archived, [], 'never sent, so no history entry');
    });

    it('sends the latest version of a launch still wanted, in effect order', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      const b = step('b', { scope: 'Fan[1]' });
      d.setStep(b);
      d.effects.push({ kind: 'launch', step: b });
      d.effects.push({ kind: 'cancel', step: d.step('a')! });
      const leased = { ...b, intendedAt: T1 };
      d.setStep(leased);

      const t = d.result();
      assert.deepEqual(t.effects, [
        { kind: 'launch', step: leased },
        { kind: 'cancel', step: d.step('a') },
      ]);
      assert.equal(t.changed, true);
      assert.deepEqual(t.run.steps['b'], leased);
    });

    it('drops a launch whose step left flight in the same transition', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      const b = step('b');
      d.setStep(b);
      d.effects.push({ kind: 'launch', step: b });
      d.forgetStep('b');
      assert.deepEqual(d.result().effects, []);
    });

    it('keeps an abandoned step that had no launch in this transition (its launch is in flight)', () => {
      const run = { ...baseRun(), steps: { ...baseRun().steps, b: step('b') } };
      const d = new Draft(DEFINITION, run, T1);
      d.setStep({ ...step('b'), abandoned: true });
      const t = d.result();
      assert.deepEqual(t.effects, []);
      assert.deepEqual(t.run.steps['b'], { ...step('b'), abandoned: true });
    });

    it('collects events with the run id and chain, archived steps, and the end', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      d.event({ event: 'state.waiting', state: 'P', dueAt: T1 });
      d.archiveStep({ ...step('a'), status: 'SUCCEEDED', endedAt: T1 });
      d.end('SUCCEEDED', { output: { ok: true } });
      const t = d.result();
      assert.deepEqual(t.events, [
        { event: 'state.waiting', state: 'P', dueAt: T1, runId: 'r1', chain: 'daily' },
      ]);
      assert.deepEqual(t.archived, [{ ...step('a'), status: 'SUCCEEDED', endedAt: T1 }]);
      assert.equal(t.run.steps['a'], undefined);
      assert.equal(t.run.status, 'SUCCEEDED');
      assert.equal(t.run.endTime, T1);
      assert.deepEqual(t.run.output, { ok: true });
    });
  });

  describe('run snapshots', () => {
    it('a snapshot does not see later changes, and the stored run is never mutated', () => {
      const base = baseRun();
      const d = new Draft(DEFINITION, base, T1);
      const snapshot = d.run;
      const copy = structuredClone(snapshot);

      d.setStep(step('b'));
      d.archiveStep(d.step('a')!);
      d.setFrame('Fan[0]', frame('A2', { parent: '', index: 0 }));
      d.dropFrame('Fan[1]');
      d.setFrame('Fan[2]', frame('C', { parent: '', index: 2 }));
      d.addTimer('t2', TIMER);
      d.dropTimer('t1');
      d.end('FAILED', { error: { Error: 'E', Cause: 'c' } });

      assert.deepEqual(snapshot, copy);
      assert.notDeepEqual(d.run, copy);
      // baseRun() is deeply frozen: any mutation above would have thrown.
      assert.equal(base.status, 'RUNNING');
    });

    it('dropAllTimers empties the timers without touching an earlier snapshot', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      const snapshot = d.run;
      d.dropAllTimers();
      assert.deepEqual(d.run.timers, {});
      assert.deepEqual(snapshot.timers, { t1: TIMER });
      d.addTimer('t3', TIMER);
      assert.deepEqual(Object.keys(d.allTimers()), ['t3']);
    });

    it('a run stored before scopes gets frames only once one is set', () => {
      const legacy = deepFreeze({ ...emptyRun(), steps: { a: step('a') } });
      const d = new Draft(DEFINITION, legacy, T1);
      assert.equal(d.legacy, true);
      assert.equal('frames' in d.run, false);
      d.setFrame('', frame('A'));
      assert.equal(d.legacy, false);
      assert.deepEqual(d.run.frames, { '': frame('A') });
    });

    it('fixed fields and status come from the run', () => {
      const d = new Draft(DEFINITION, { ...baseRun(), nonce: 'n0nce' }, T1);
      assert.equal(d.fixed.id, 'r1');
      assert.equal(d.fixed.nonce, 'n0nce');
      assert.equal(d.status, 'RUNNING');
      assert.equal(d.now, T1);
      assert.equal(d.definition, DEFINITION);
    });
  });

  describe('childScopes', () => {
    const sorted = (scopes: readonly string[]) => [...scopes].sort();

    it('lists the running scopes whose parent is the scope', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      assert.deepEqual(sorted(d.childScopes('')), ['Fan[0]', 'Fan[1]']);
      assert.deepEqual(d.childScopes('Fan[1]'), ['Fan[1]/Each[0]']);
      assert.deepEqual(d.childScopes('Fan[0]'), []);
      assert.deepEqual(d.childScopes('nowhere'), []);
    });

    it('is kept up to date through setFrame and dropFrame once built', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      assert.deepEqual(sorted(d.childScopes('')), ['Fan[0]', 'Fan[1]']); // builds the index

      d.setFrame('Fan[2]', frame('C', { parent: '', index: 2 }));
      d.dropFrame('Fan[0]');
      // A parent with no children yet.
      d.setFrame('Fan[2]/Each[0]', frame('W', { parent: 'Fan[2]', index: 0 }));
      d.setFrame('Fan[2]/Each[1]', frame('W', { parent: 'Fan[2]', index: 1 }));
      // A frame that changes state keeps its place.
      d.setFrame('Fan[1]/Each[0]', frame('X', { parent: 'Fan[1]', index: 0 }));
      // Dropping a scope that is not running changes nothing.
      d.dropFrame('Fan[9]');

      assert.deepEqual(sorted(d.childScopes('')), ['Fan[1]', 'Fan[2]']);
      assert.deepEqual(sorted(d.childScopes('Fan[2]')), ['Fan[2]/Each[0]', 'Fan[2]/Each[1]']);
      assert.deepEqual(d.childScopes('Fan[1]'), ['Fan[1]/Each[0]']);

      d.dropFrame('Fan[1]/Each[0]');
      assert.deepEqual(d.childScopes('Fan[1]'), []);
    });

    it('built after changes, it sees them too', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      d.dropFrame('Fan[1]');
      d.setFrame('Fan[3]', frame('C', { parent: '', index: 3 }));
      assert.deepEqual(sorted(d.childScopes('')), ['Fan[0]', 'Fan[3]']);
    });

    it('agrees with a fresh scan of the frames after any sequence of changes', () => {
      const d = new Draft(DEFINITION, baseRun(), T1);
      d.childScopes('');
      for (let i = 0; i < 20; i++) {
        const parent = i % 3 === 0 ? '' : `Fan[${i % 4}]`;
        d.setFrame(`${parent}/x${i}`, frame('W', { parent, index: i }));
        if (i % 4 === 1) d.dropFrame(`${parent}/x${i - 1}`);
        if (i % 5 === 2) d.dropFrame(`Fan[${i % 2}]`);
      }
      const scan = (scope: string) =>
        Object.entries(d.allFrames())
          .filter(([, f]) => f.parent === scope)
          .map(([path]) => path)
          .sort();
      for (const scope of ['', 'Fan[0]', 'Fan[1]', 'Fan[2]', 'Fan[3]'])
        assert.deepEqual(sorted(d.childScopes(scope)), scan(scope), `children of "${scope}"`);
    });
  });
});
