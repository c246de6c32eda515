import { launchesOf } from '../../../src/engine/transition.js';
import { threeSteps } from '../../fixtures/chains.js';
import { strict as assert } from 'node:assert';
import { onLaunched, onLaunchFailed } from '../../../src/engine/launched.js';
import type { Run } from '../../../src/engine/run.js';
import { startDaily } from '../../fixtures/runs.js';

const T1 = '2026-11-22T10:05:00.000Z';
const ERROR = { Error: 'Dataflow.LaunchFailed', Cause: 'bad template' };

function intended(): { run: Run; jobName: string } {
  const started = startDaily();
  return { run: started.run, jobName: launchesOf(started)[0]!.step.jobName };
}

const unchanged = (run: Run) => ({ run, changed: false, effects: [], events: [], archived: [] });

describe('engine: a launch reported for a step the run does not have', () => {
  it('onLaunched leaves the run unchanged', () => {
    const { run } = intended();
    assert.deepEqual(onLaunched(run, 'ingest-ffffffffffff', 'j1', T1, false), unchanged(run));
  });

  it('onLaunchFailed leaves the run unchanged', () => {
    const { run } = intended();
    assert.deepEqual(
      onLaunchFailed(threeSteps, run, 'ingest-ffffffffffff', ERROR, T1),
      unchanged(run),
    );
  });
});

describe('engine: a failed launch reported once the run has ended', () => {
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    it(`leaves a ${status} run unchanged`, () => {
      const { run, jobName } = intended();
      const ended = { ...run, status };
      assert.deepEqual(onLaunchFailed(threeSteps, ended, jobName, ERROR, T1), unchanged(ended));
    });
  }
});
