import { launchesOf } from '../../../src/engine/transition.js';
import { strict as assert } from 'node:assert';
import { beginQueuedRun, startRun } from '../../../src/engine/start.js';
import { threeSteps } from '../../fixtures/chains.js';
import { T0, startDaily } from '../../fixtures/runs.js';
import { launchOf } from '../launch-of.js';

describe('engine: starting a run', () => {
  it('logs run.started, then the first intent, and archives nothing', () => {
    const t = startDaily();
    assert.deepEqual(t.archived, []);
    assert.deepEqual(
      t.events.map((e) => e.event),
      ['run.started', 'step.intended'],
    );
  });

  it("keeps the deployment's worker account with the run, and launches the first job as it", () => {
    const t = startRun({
      runId: 'r1',
      chain: 'daily',
      definition: threeSteps,
      definitionHash: 'h',
      projectId: 'p',
      input: { date: '2026-11-21' },
      now: T0,
      nonce: 'n0nce',
      workerServiceAccount: 'worker@p.iam.gserviceaccount.com',
    });
    assert.equal(t.run.workerServiceAccount, 'worker@p.iam.gserviceaccount.com');
    assert.equal(
      launchOf(launchesOf(t)[0]?.step.request)?.environment?.['serviceAccountEmail'],
      'worker@p.iam.gserviceaccount.com',
    );
  });

  it('keeps no worker account with a run started without one', () => {
    assert.equal('workerServiceAccount' in startDaily().run, false);
  });
});

describe('engine: a start beyond MaxConcurrentRuns', () => {
  const CHAIN = { ...threeSteps, TimeoutSeconds: 600, Deadline: { AfterSeconds: 300 } };
  const request = {
    runId: 'r2',
    chain: 'daily',
    definition: CHAIN,
    definitionHash: 'h',
    projectId: 'p',
    input: { date: '2026-11-21' },
    now: T0,
    nonce: 'n0nce',
  };
  const later = '2026-11-22T10:05:00.000Z';

  it('is stored in line: no state entered, no job, only its Deadline armed (waiting counts)', () => {
    const t = startRun({ ...request, admission: { queued: { pool: 'runs.daily', at: T0 } } });
    assert.deepEqual(t.run.queued, { pool: 'runs.daily', at: T0 });
    assert.deepEqual(t.run.steps, {});
    assert.deepEqual(t.run.frames, {});
    assert.deepEqual(
      t.events.map((e) => e.event),
      ['run.queued'],
    );
    assert.deepEqual(
      Object.values(t.run.timers ?? {}).map((timer) => timer.kind),
      ['deadline'],
    );
  });

  it('begins when admitted: the slot held, StartAt entered, TimeoutSeconds counted from now', () => {
    const queued = startRun({
      ...request,
      admission: { queued: { pool: 'runs.daily', at: T0 } },
    }).run;
    const slot = { pool: 'runs.daily', index: 0 };
    const t = beginQueuedRun(CHAIN, queued, slot, later);
    assert.equal(t.run.queued, undefined);
    assert.deepEqual(t.run.slot, slot);
    assert.equal(t.run.startTime, T0, 'the run started when it was asked to');
    assert.deepEqual(
      t.events.map((e) => e.event),
      ['run.started', 'step.intended'],
    );
    assert.equal(launchesOf(t).length, 1);
    const timeout = Object.values(t.run.timers ?? {}).find((timer) => timer.kind === 'run');
    assert.equal(timeout?.dueAt, '2026-11-22T10:15:00.000Z');
    assert.deepEqual(beginQueuedRun(CHAIN, t.run, slot, later).changed, false);
  });

  it('with a free slot begins at once, holding it', () => {
    const slot = { pool: 'runs.daily', index: 1 };
    const t = startRun({ ...request, admission: { slot } });
    assert.deepEqual(t.run.slot, slot);
    assert.equal(launchesOf(t).length, 1);
  });
});
