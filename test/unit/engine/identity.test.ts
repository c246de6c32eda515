import { strict as assert } from 'node:assert';
import type { EndedJob } from '../../../src/dataflow/job.js';
import { notOwnJobReason } from '../../../src/engine/identity.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { jobLabels } from '../../../src/engine/labels.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { threeSteps } from '../../fixtures/chains.js';
import { T0, startDaily } from '../../fixtures/runs.js';

function started(): { run: Run; step: Step } {
  const { run } = startDaily();
  const step = Object.values(run.steps)[0];
  if (!step) throw new Error('no intended step');
  return { run, step };
}

function own(step: Step): EndedJob {
  return {
    id: '2026-11-22_02_00_00-1',
    name: step.jobName,
    projectId: 'p',
    location: 'europe-west4',
    currentState: 'JOB_STATE_DONE',
    labels: jobLabels('r1', 'daily', step.state),
  };
}

describe('engine: a step ends only by its own job', () => {
  it("accepts the job in the step's project and region whose labels name run, chain and state", () => {
    const { run, step } = started();
    assert.equal(notOwnJobReason(run, step, own(step)), undefined);
    assert.equal(onJobEnded(threeSteps, run, own(step), T0).changed, true);
  });

  const cases: [string, (job: EndedJob) => EndedJob, string][] = [
    [
      'a job of the same name in another region',
      (job) => ({ ...job, location: 'us-central1' }),
      'it runs in projects/p/locations/us-central1, the step in projects/p/locations/europe-west4',
    ],
    [
      'a job of the same name in another project',
      (job) => ({ ...job, projectId: 'q' }),
      'it runs in projects/q/locations/europe-west4, the step in projects/p/locations/europe-west4',
    ],
    [
      'a job labelled for another run',
      (job) => ({ ...job, labels: { ...job.labels, 'dfchain-run': 'r2' } }),
      'its label dfchain-run is "r2", not "r1"',
    ],
    [
      'a job labelled for another state',
      (job) => ({ ...job, labels: { ...job.labels, 'dfchain-state': 'publish' } }),
      'its label dfchain-state is "publish", not "ingest"',
    ],
    [
      'a job without labels (a summary view)',
      (job) => ({ ...job, labels: {} }),
      'its label dfchain-run is null, not "r1"',
    ],
  ];
  for (const [name, change, reason] of cases) {
    it(`refuses ${name}`, () => {
      const { run, step } = started();
      const job = change(own(step));
      assert.equal(notOwnJobReason(run, step, job), reason);
      const transition = onJobEnded(threeSteps, run, job, T0);
      assert.equal(transition.changed, false);
    });
  }

  it('refuses, once the launch is recorded, a job with another id', () => {
    const { run, step } = started();
    const launched = { ...step, status: 'LAUNCHED' as const, jobId: '2026-11-22_02_00_00-7' };
    const withLaunched = { ...run, steps: { [step.jobName]: launched } };
    assert.equal(
      notOwnJobReason(withLaunched, launched, own(step)),
      "the step's job is 2026-11-22_02_00_00-7, not 2026-11-22_02_00_00-1",
    );
    assert.equal(onJobEnded(threeSteps, withLaunched, own(step), T0).changed, false);
  });
});

describe('engine: labels computed at run time', () => {
  it('a run-time label value Dataflow would refuse fails the run with States.Runtime, naming the place', () => {
    const definition = structuredClone(threeSteps);
    const ingest = definition.States['Ingest'];
    if (ingest?.Type !== 'Task') throw new Error('threeSteps has no Task Ingest');
    (ingest.Parameters.environment as Record<string, unknown>)['additionalUserLabels'] = {
      'team.$': '$.team',
    };
    const { run } = startDaily(definition, { date: '2026-11-21', team: 'Sales Team' });
    assert.equal(run.status, 'FAILED');
    assert.deepEqual(run.error, {
      Error: 'States.Runtime',
      Cause:
        "States.Ingest.Parameters.environment.additionalUserLabels: label team's value \"Sales Team\" is not a Dataflow label value (at most 63 lowercase letters, digits, '_' or '-', and 128 bytes)",
    });
  });
});

describe('engine: a job of another name', () => {
  it("is not the step's own job, even in its project and region with its labels", () => {
    const { run, step } = started();
    const job = { ...own(step), name: 'ingest-ffffffffffff' };
    assert.equal(notOwnJobReason(run, step, job), `its name is not ${step.jobName}`);
  });
});
