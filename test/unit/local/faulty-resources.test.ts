import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { CloudRunPort } from '../../../src/cloudrun/port.js';
import type { CrashPoint } from '../../../src/local/crash.js';
import { faultyCloudRun, faultyPublisher } from '../../../src/local/faulty-resources.js';
import type { PublishPort } from '../../../src/pubsub/port.js';

const REF = { projectId: 'p', location: 'europe-west4', job: 'convert' };
const STARTED = {
  name: 'projects/p/locations/europe-west4/jobs/convert/executions/convert-abcde',
  ref: REF,
  execution: 'convert-abcde',
};
const BODY = {
  overrides: {
    containerOverrides: [
      {
        env: [
          { name: 'DFCHAIN_STEP', value: 's' },
          { name: 'DFCHAIN_RUN', value: 'r1' },
        ],
      },
    ],
  },
};
const MESSAGE = {
  topic: 'projects/p/topics/t',
  data: Buffer.from('{}'),
  attributes: { dfchain_run_id: 'r2' },
};

function recorder(roll: number) {
  const crashes: [CrashPoint, string][] = [];
  const faults = {
    crashRate: 0.1,
    random: () => roll,
    crash: (point: CrashPoint, runId: string): never => {
      crashes.push([point, runId]);
      throw new Error('crashed');
    },
  };
  return { crashes, faults };
}

describe('local: faultyCloudRun and faultyPublisher', () => {
  it('crash right after jobs.run or a publish took effect, naming the run', async () => {
    const run: CloudRunPort = {
      runJob: sinon.stub().resolves(STARTED),
      getExecution: sinon.stub(),
      listExecutions: sinon.stub().resolves([]),
      cancelExecution: sinon.stub().resolves(),
    };
    const publish: PublishPort = { publish: sinon.stub().resolves('m-1') };
    const { crashes, faults } = recorder(0.05);
    await assert.rejects(faultyCloudRun(run, faults).runJob(REF, BODY), /crashed/);
    await assert.rejects(faultyPublisher(publish, faults).publish(MESSAGE), /crashed/);
    assert.equal((run.runJob as sinon.SinonStub).callCount, 1);
    assert.equal((publish.publish as sinon.SinonStub).callCount, 1);
    assert.deepEqual(crashes, [
      ['after-launch', 'r1'],
      ['after-launch', 'r2'],
    ]);
  });

  it('pass calls through when the dice say no', async () => {
    const run: CloudRunPort = {
      runJob: sinon.stub().resolves(STARTED),
      getExecution: sinon.stub().resolves('e'),
      listExecutions: sinon.stub().resolves([]),
      cancelExecution: sinon.stub().resolves(),
    };
    const { crashes, faults } = recorder(0.5);
    const faulty = faultyCloudRun(run, faults);
    assert.deepEqual(await faulty.runJob(REF, BODY), STARTED);
    assert.equal(await faulty.getExecution('x'), 'e');
    await faulty.cancelExecution('x');
    assert.deepEqual(await faulty.listExecutions(REF), []);
    assert.equal(
      await faultyPublisher({ publish: sinon.stub().resolves('m-9') }, faults).publish(MESSAGE),
      'm-9',
    );
    assert.deepEqual(crashes, []);
  });
});
