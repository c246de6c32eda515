import { strict as assert } from 'node:assert';
import {
  admissionOps,
  lineKey,
  freeIndices,
  heldSlots,
  isParked,
  isQueued,
  jobsPool,
  noOps,
  runsPool,
  waitingEntries,
} from '../../../src/engine/admission.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { T0, launchAll, start, stepFor, task } from './drive.js';

const ONE = { StartAt: 'T', States: { T: task('t') } };

function intended(): { run: Run; step: Step } {
  const run = start(ONE).run;
  return { run, step: stepFor(run, 'T') };
}

function withStep(run: Run, step: Step): Run {
  return { ...run, steps: { ...run.steps, [step.jobName]: step } };
}

describe('engine: admission (slots and places in line, derived from the run)', () => {
  it('names pools by project and by chain', () => {
    assert.equal(jobsPool('p'), 'jobs.p');
    assert.equal(runsPool('daily'), 'runs.daily');
  });

  it("claims a step's slot with the write that gives it one, and releases it with the write that ends it", () => {
    const { run, step } = intended();
    const slot = { pool: 'jobs.p', index: 3 };
    const holding = withStep(run, { ...step, slot });
    assert.deepEqual(admissionOps(run, holding), {
      claim: [{ ...slot, doc: 'r1', jobName: step.jobName }],
      release: [],
      enqueue: [],
      dequeue: [],
    });
    // Launched: still the same hold, nothing to write.
    const launched = launchAll(holding, T0);
    assert.equal(stepFor(launched, 'T').slot?.index, 3);
    assert.ok(noOps(admissionOps(holding, launched)));
    const ended = { ...launched, steps: {} };
    assert.deepEqual(admissionOps(launched, ended).release, [
      { ...slot, doc: 'r1', jobName: step.jobName },
    ]);
  });

  it('enqueues a waiting intent and dequeues it when it is admitted or abandoned', () => {
    const { run, step } = intended();
    const queued = { pool: 'jobs.p', at: T0 };
    const waiting = withStep(run, { ...step, queued });
    const entry = { ...queued, doc: 'r1', jobName: step.jobName };
    assert.deepEqual(admissionOps(run, waiting).enqueue, [entry]);
    assert.deepEqual(waitingEntries(waiting), [entry]);
    const { queued: _q, ...admitted } = { ...step, queued };
    const slotted = withStep(run, { ...admitted, slot: { pool: 'jobs.p', index: 0 } });
    const ops = admissionOps(waiting, slotted);
    assert.deepEqual(ops.dequeue, [entry]);
    assert.equal(ops.claim.length, 1);
    const abandoned = withStep(run, { ...step, queued, abandoned: true });
    assert.deepEqual(admissionOps(waiting, abandoned).dequeue, [entry]);
  });

  it("holds a run's own slot while it runs, and waits in line while it is queued", () => {
    const run = start(ONE).run;
    const slot = { pool: 'runs.c', index: 0 };
    const holding: Run = { ...run, slot };
    assert.deepEqual(heldSlots(holding), [{ ...slot, doc: 'r1' }]);
    assert.deepEqual(heldSlots({ ...holding, status: 'SUCCEEDED' }), []);
    const queued: Run = { ...run, queued: { pool: 'runs.c', at: T0 } };
    assert.deepEqual(waitingEntries(queued), [{ pool: 'runs.c', at: T0, doc: 'r1' }]);
    assert.deepEqual(admissionOps(undefined, queued).enqueue, [
      { pool: 'runs.c', at: T0, doc: 'r1' },
    ]);
  });

  it('a step of an ended run keeps its slot until its own end is recorded', () => {
    const launched = launchAll(
      withStep(start(ONE).run, { ...intended().step, slot: { pool: 'jobs.p', index: 1 } }),
      T0,
    );
    const failed: Run = { ...launched, status: 'FAILED' };
    assert.equal(heldSlots(failed).length, 1);
  });

  it('orders line entries by time, then document and job', () => {
    const a = lineKey({ pool: 'x', at: '2026-01-01T00:00:00.000Z', doc: 'b', jobName: 'j' });
    const b = lineKey({ pool: 'x', at: '2026-01-01T00:00:00.001Z', doc: 'a' });
    assert.ok(a < b);
    assert.equal(b, '2026-01-01T00:00:00.001Z~a~-');
  });

  it('finds the lowest free indices below the capacity', () => {
    const held = [0, 2, 5].map((index) => ({ pool: 'p', index }));
    assert.deepEqual(freeIndices(held, 6, 10), [1, 3, 4]);
    assert.deepEqual(freeIndices(held, 6, 2), [1, 3]);
    assert.deepEqual(freeIndices(held, 3, 10), [1]);
    assert.deepEqual(freeIndices([], 0, 10), []);
  });

  it('a parked intent is one in line or waiting out a quota refusal', () => {
    const { step } = intended();
    assert.equal(isParked(step), false);
    assert.equal(isParked({ ...step, queued: { pool: 'p', at: T0 } }), true);
    assert.equal(isParked({ ...step, quotaWait: { dueAt: T0, waits: 1 } }), true);
    assert.equal(isQueued({ ...step, queued: { pool: 'p', at: T0 }, abandoned: true }), false);
  });
});
