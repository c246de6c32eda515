import { strict as assert } from 'node:assert';
import { timerName } from '../../../src/engine/names.js';
import { onQuotaRefused, quotaWaitsOf } from '../../../src/engine/quota.js';
import type { Run } from '../../../src/engine/run.js';
import { onTimer } from '../../../src/engine/timer.js';
import { unchanged } from '../../../src/engine/transition.js';
import { NONCE, T0, at, start, stepFor, task } from './drive.js';

const ONE = { StartAt: 'T', States: { T: task('t') } };

function leased(owner: string): Run {
  const run = start(ONE).run;
  const step = stepFor(run, 'T');
  const lease = { owner, until: at(150), holders: 1 };
  return { ...run, steps: { [step.jobName]: { ...step, lease } } };
}

describe('engine: quota refusals', () => {
  it('parks the intent behind a launch timer, keeping its lease holders', () => {
    const run = leased('me');
    const step = stepFor(run, 'T');
    const t = onQuotaRefused(run, step.jobName, { owner: 'me', now: at(1), delayMs: 30_000 });
    const parked = stepFor(t.run, 'T');
    assert.deepEqual(parked.quotaWait, { dueAt: at(31), waits: 1 });
    assert.deepEqual(parked.lease, { owner: 'me', until: at(1), holders: 1 });
    const name = timerName(NONCE, 'launch', step.jobName, 1);
    assert.deepEqual(t.run.timers?.[name], {
      kind: 'launch',
      scope: '',
      state: 'T',
      attempt: 0,
      dueAt: at(31),
      jobName: step.jobName,
    });
    assert.deepEqual(t.effects, [{ kind: 'timer', name, dueAt: at(31) }]);
    assert.equal(quotaWaitsOf(t.run, step.jobName), 1);
  });

  it('ignores a refusal reported by someone who no longer holds the lease', () => {
    const run = leased('other');
    const step = stepFor(run, 'T');
    assert.deepEqual(
      onQuotaRefused(run, step.jobName, { owner: 'me', now: at(1), delayMs: 1 }),
      unchanged(run),
    );
  });

  it('hands the intent back to the launch executor when its timer fires, once', () => {
    const run = leased('me');
    const step = stepFor(run, 'T');
    const parked = onQuotaRefused(run, step.jobName, { owner: 'me', now: T0, delayMs: 5000 }).run;
    const name = timerName(NONCE, 'launch', step.jobName, 1);
    assert.deepEqual(onTimer(ONE, parked, name, at(4)), unchanged(parked));
    const fired = onTimer(ONE, parked, name, at(5));
    const ready = stepFor(fired.run, 'T');
    assert.equal(ready.quotaWait, undefined);
    assert.deepEqual(fired.effects, [{ kind: 'launch', step: ready }]);
    assert.equal(fired.run.timers?.[name], undefined);
    assert.deepEqual(onTimer(ONE, fired.run, name, at(6)), unchanged(fired.run));
    assert.equal(ready.quotaWaits, 1, 'the count outlives the wait');
  });

  it('numbers each wait after the last, so its timer has a name no port has seen', () => {
    const run = leased('me');
    const step = stepFor(run, 'T');
    const first = onQuotaRefused(run, step.jobName, { owner: 'me', now: T0, delayMs: 1000 }).run;
    const resumed = onTimer(ONE, first, timerName(NONCE, 'launch', step.jobName, 1), at(1)).run;
    const lease = { owner: 'me2', until: at(100), holders: 2 };
    const relaunching = {
      ...resumed,
      steps: { [step.jobName]: { ...resumed.steps[step.jobName]!, lease } },
    };
    const second = onQuotaRefused(relaunching, step.jobName, {
      owner: 'me2',
      now: at(2),
      delayMs: 2000,
    });
    assert.equal(stepFor(second.run, 'T').quotaWait?.waits, 2);
    assert.deepEqual(second.effects, [
      { kind: 'timer', name: timerName(NONCE, 'launch', step.jobName, 2), dueAt: at(4) },
    ]);
  });

  it('a second refusal waits again, counted', () => {
    const run = leased('me');
    const step = stepFor(run, 'T');
    const first = onQuotaRefused(run, step.jobName, { owner: 'me', now: T0, delayMs: 1000 }).run;
    const again = {
      ...first.steps[step.jobName]!,
      lease: { owner: 'me2', until: at(100), holders: 2 },
    };
    const second = onQuotaRefused({ ...first, steps: { [step.jobName]: again } }, step.jobName, {
      owner: 'me2',
      now: at(2),
      delayMs: 2000,
    }).run;
    assert.equal(stepFor(second, 'T').quotaWait?.waits, 2);
  });
});
