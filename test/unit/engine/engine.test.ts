import { strict as assert } from 'node:assert';
import type { EndedJob } from '../../../src/dataflow/job.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { onLaunched, onLaunchFailed } from '../../../src/engine/launched.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { jobLabels } from '../../../src/engine/labels.js';
import { startRun } from '../../../src/engine/start.js';
import type { TerminalJobState } from '../../../src/dataflow/job.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { threeSteps } from '../../fixtures/chains.js';
import { launchOf } from '../launch-of.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:05:00.000Z';

function start(definition: ChainDefinition = threeSteps, input = { date: '2026-11-21' }) {
  return startRun({
    runId: 'daily-1',
    chain: 'daily',
    definition,
    definitionHash: 'h1',
    projectId: 'p',
    input,
    now: T0,
    nonce: 'n0nce',
  });
}

function onlyStep(run: Run, state: string): Step {
  const steps = Object.values(run.steps).filter((step) => step.state === state);
  assert.equal(steps.length, 1, `one step for ${state}`);
  return steps[0]!;
}

/** The step's own job, ended in `state`: its name, project, region and labels. */
function ended(step: Step, state: TerminalJobState, id = `job-${step.state}`): EndedJob {
  return {
    id,
    name: step.jobName,
    projectId: 'p',
    location: step.location,
    currentState: state,
    labels: jobLabels('daily-1', 'daily', step.state),
  };
}

describe('engine', () => {
  describe('startRun', () => {
    it('creates a running run and intends the first launch with resolved parameters and labels', () => {
      const t = start();
      assert.equal(t.run.status, 'RUNNING');
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['run.started', 'step.intended'],
      );
      const step = onlyStep(t.run, 'Ingest');
      assert.match(step.jobName, /^ingest-[0-9a-f]{12}$/);
      assert.equal(step.status, 'INTENDED');
      assert.equal(step.location, 'europe-west4');
      assert.deepEqual(t.effects, [{ kind: 'launch', step }]);
      assert.deepEqual(step.request, {
        launchParameter: {
          jobName: step.jobName,
          containerSpecGcsPath: 'gs://b/templates/ingest.json',
          parameters: { date: '2026-11-21', mode: 'full' },
          environment: {
            tempLocation: 'gs://b/tmp',
            maxWorkers: 10,
            additionalUserLabels: {
              team: 'sales',
              'dfchain-run': 'daily-1',
              'dfchain-chain': 'daily',
              'dfchain-state': 'ingest',
            },
          },
        },
      });
    });

    it('is deterministic: the same start gives the same job name', () => {
      assert.deepEqual(start().run, start().run);
    });

    it('fails the run with States.Runtime when a path is missing from the input', () => {
      const t = start(threeSteps, {} as { date: string });
      assert.equal(t.run.status, 'FAILED');
      assert.equal(t.run.error?.Error, 'States.Runtime');
      assert.match(t.run.error?.Cause ?? '', /^States\.Ingest\./);
      assert.deepEqual(t.effects, []);
    });

    it('ends at once for a chain that starts at Succeed or Fail', () => {
      const ok = start({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
      assert.equal(ok.run.status, 'SUCCEEDED');
      const ko = start({
        StartAt: 'No',
        States: { No: { Type: 'Fail', Error: 'Bad.Day', Cause: 'why' } },
      });
      assert.deepEqual(ko.run.error, { Error: 'Bad.Day', Cause: 'why' });
    });
  });

  describe('onLaunched', () => {
    it('records the job id once; a second report changes nothing', () => {
      const { run } = start();
      const step = onlyStep(run, 'Ingest');
      const first = onLaunched(run, step.jobName, 'j1', T1, false);
      assert.equal(first.changed, true);
      assert.equal(first.run.steps[step.jobName]?.status, 'LAUNCHED');
      assert.equal(first.events[0]?.event, 'job.launched');
      assert.equal(onLaunched(first.run, step.jobName, 'j1', T1, true).changed, false);
    });

    it('logs an adoption differently from a launch', () => {
      const { run } = start();
      const step = onlyStep(run, 'Ingest');
      assert.equal(onLaunched(run, step.jobName, 'j1', T1, true).events[0]?.event, 'job.adopted');
    });
  });

  describe('onLaunchFailed', () => {
    it('fails the step and the run with Dataflow.LaunchFailed', () => {
      const { run } = start();
      const step = onlyStep(run, 'Ingest');
      const error = { Error: 'Dataflow.LaunchFailed', Cause: 'bad template' };
      const t = onLaunchFailed(threeSteps, run, step.jobName, error, T1);
      assert.equal(t.run.status, 'FAILED');
      assert.deepEqual(t.run.error, error);
      assert.deepEqual(t.run.steps, {}, 'the ended step leaves the live steps');
      assert.equal(t.archived[0]?.status, 'FAILED');
    });
  });

  describe('onJobEnded', () => {
    it('walks the chain to success, feeding each Task the previous result', () => {
      let run = start().run;
      const ingest = onlyStep(run, 'Ingest');
      let t = onJobEnded(threeSteps, run, ended(ingest, 'JOB_STATE_DONE'), T1);
      run = t.run;
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['job.confirmed', 'step.intended'],
      );
      const transform = onlyStep(run, 'Transform');
      assert.equal(transform.location, 'us-central1');
      assert.deepEqual(launchOf(transform.request)?.parameters, {
        source: ingest.jobName,
        run: 'daily-1',
      });
      run = onJobEnded(threeSteps, run, ended(transform, 'JOB_STATE_DONE'), T1).run;
      const publish = onlyStep(run, 'Publish');
      t = onJobEnded(threeSteps, run, ended(publish, 'JOB_STATE_DONE'), T1);
      assert.equal(t.run.status, 'SUCCEEDED');
      assert.equal(t.run.endTime, T1);
      assert.deepEqual(t.run.output, {
        jobId: 'job-Publish',
        jobName: publish.jobName,
        currentState: 'JOB_STATE_DONE',
        location: 'europe-west4',
        projectId: 'p',
      });
    });

    const failures: [TerminalJobState, string][] = [
      ['JOB_STATE_FAILED', 'Dataflow.JobFailed'],
      ['JOB_STATE_CANCELLED', 'Dataflow.JobCancelled'],
      ['JOB_STATE_DRAINED', 'Dataflow.JobCancelled'],
      ['JOB_STATE_UPDATED', 'Dataflow.JobCancelled'],
    ];
    for (const [state, error] of failures) {
      it(`${state} fails the run with ${error} and launches nothing`, () => {
        const { run } = start();
        const ingest = onlyStep(run, 'Ingest');
        const t = onJobEnded(threeSteps, run, ended(ingest, state, 'j9'), T1);
        assert.equal(t.run.status, 'FAILED');
        assert.deepEqual(t.run.error, {
          Error: error,
          Cause: `Dataflow job ${ingest.jobName} (j9) in europe-west4 ended ${state}`,
        });
        assert.deepEqual(t.effects, []);
      });
    }

    it('ignores a duplicate, a foreign job and an ended run', () => {
      const { run } = start();
      const ingest = onlyStep(run, 'Ingest');
      const once = onJobEnded(threeSteps, run, ended(ingest, 'JOB_STATE_DONE'), T1);
      assert.equal(
        onJobEnded(threeSteps, once.run, ended(ingest, 'JOB_STATE_DONE'), T1).changed,
        false,
      );
      const foreign = { ...ended(ingest, 'JOB_STATE_DONE'), name: 'other-0123456789ab' };
      assert.equal(onJobEnded(threeSteps, run, foreign, T1).changed, false);
      const failed = onJobEnded(threeSteps, run, ended(ingest, 'JOB_STATE_FAILED'), T1).run;
      assert.equal(
        onJobEnded(threeSteps, failed, ended(ingest, 'JOB_STATE_DONE'), T1).changed,
        false,
      );
    });

    it('accepts an end for a step whose launch was never recorded (crash after launch)', () => {
      const { run } = start();
      const ingest = onlyStep(run, 'Ingest');
      const t = onJobEnded(threeSteps, run, ended(ingest, 'JOB_STATE_DONE', 'j1'), T1);
      assert.equal(t.archived[0]?.jobId, 'j1');
      assert.equal(t.archived[0]?.status, 'SUCCEEDED');
      assert.equal(t.run.steps[ingest.jobName], undefined);
    });
  });
});
