import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import type { CrashPoint } from '../../../src/local/crash.js';
import { faultyDataflow } from '../../../src/local/faulty-dataflow.js';

const REF = { projectId: 'p', location: 'europe-west4' };
const JOB = {
  id: 'j1',
  name: 'a-0123456789ab',
  projectId: 'p',
  location: 'europe-west4',
  currentState: 'JOB_STATE_QUEUED',
  labels: {},
};
const REQUEST = {
  launchParameter: {
    jobName: 'a-0123456789ab',
    environment: { additionalUserLabels: { 'dfchain-run': 'r1' } },
  },
};

function inner(): DataflowPort {
  return {
    getJob: sinon.stub().resolves(JOB),
    listJobsByName: sinon.stub().resolves([]),
    listActiveJobs: sinon.stub().resolves([]),
    launchFlexTemplate: sinon.stub().resolves(JOB),
    launchTemplate: sinon.stub().resolves(JOB),
    cancelJob: sinon.stub().resolves(),
  };
}

describe('local: faultyDataflow', () => {
  it('crashes right after a launch succeeded, naming the run from its labels', async () => {
    const port = inner();
    const crashes: [CrashPoint, string][] = [];
    const faulty = faultyDataflow(port, {
      crashRate: 0.1,
      random: () => 0.05,
      crash: (point, runId) => {
        crashes.push([point, runId]);
        throw new Error('crashed');
      },
    });
    await assert.rejects(faulty.launchFlexTemplate(REF, REQUEST), /crashed/);
    assert.equal((port.launchFlexTemplate as sinon.SinonStub).callCount, 1);
    assert.deepEqual(crashes, [['after-launch', 'r1']]);
  });

  it('crashes right after a classic template launch too', async () => {
    const port = inner();
    const crashes: [CrashPoint, string][] = [];
    const faulty = faultyDataflow(port, {
      crashRate: 0.1,
      random: () => 0.05,
      crash: (point, runId) => {
        crashes.push([point, runId]);
        throw new Error('crashed');
      },
    });
    const classic = { kind: 'classic', gcsPath: 'gs://b/t', ...REQUEST } as const;
    await assert.rejects(faulty.launchTemplate(REF, classic), /crashed/);
    assert.deepEqual((port.launchTemplate as sinon.SinonStub).firstCall.args, [REF, classic]);
    assert.equal((port.launchFlexTemplate as sinon.SinonStub).callCount, 0);
    assert.deepEqual(crashes, [['after-launch', 'r1']]);
  });

  it('passes every call through when the dice say no', async () => {
    const faulty = faultyDataflow(inner(), {
      crashRate: 0.1,
      random: () => 0.5,
      crash: () => assert.fail('crashed'),
    });
    assert.deepEqual(await faulty.launchFlexTemplate(REF, REQUEST), JOB);
    const classic = { kind: 'classic', gcsPath: 'gs://b/t', ...REQUEST } as const;
    assert.deepEqual(await faulty.launchTemplate(REF, classic), JOB);
    assert.deepEqual(await faulty.getJob(REF, 'j1'), JOB);
    assert.deepEqual(await faulty.listActiveJobs(REF), []);
    assert.deepEqual(await faulty.listJobsByName(REF, 'x'), []);
  });
});
