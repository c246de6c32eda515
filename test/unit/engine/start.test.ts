import { launchesOf } from '../../../src/engine/transition.js';
import { strict as assert } from 'node:assert';
import { startRun } from '../../../src/engine/start.js';
import { threeSteps } from '../../fixtures/chains.js';
import { T0, startDaily } from '../../fixtures/runs.js';

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
      launchesOf(t)[0]?.step.request.launchParameter.environment?.['serviceAccountEmail'],
      'worker@p.iam.gserviceaccount.com',
    );
  });

  it('keeps no worker account with a run started without one', () => {
    assert.equal('workerServiceAccount' in startDaily().run, false);
  });
});
