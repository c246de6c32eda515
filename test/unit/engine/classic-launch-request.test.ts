import { strict as assert } from 'node:assert';
import {
  classicLaunchRequest,
  launchRequest,
  taskLaunchRequest,
} from '../../../src/engine/launch-request.js';

const OWN = { 'dfchain-run': 'r1', 'dfchain-chain': 'c', 'dfchain-state': 'export' };

describe('engine: classicLaunchRequest (templates.launch)', () => {
  it('puts gcsPath beside the LaunchTemplateParameters body, parameters as strings, labels last', () => {
    const request = classicLaunchRequest(
      {
        Region: 'europe-west4',
        Environment: {
          tempLocation: 'gs://b/tmp',
          flexrsGoal: 'FLEXRS_COST_OPTIMIZED',
          sdkContainerImage: 'img',
          additionalUserLabels: { team: 'sales', cost: 'a' },
        },
      },
      {
        jobName: 'export',
        gcsPath: 'gs://b/templates/export',
        parameters: { day: '2024-05-01', shards: 3, opts: { a: 1 } },
        environment: {
          maxWorkers: 2,
          additionalUserLabels: { cost: 'b', 'dfchain-run': 'forged' },
        },
      },
      'export-0123456789ab',
      OWN,
      'worker@p.iam.gserviceaccount.com',
    );
    assert.deepEqual(request, {
      kind: 'classic',
      gcsPath: 'gs://b/templates/export',
      launchParameter: {
        jobName: 'export-0123456789ab',
        parameters: { day: '2024-05-01', shards: '3', opts: '{"a":1}' },
        environment: {
          serviceAccountEmail: 'worker@p.iam.gserviceaccount.com',
          tempLocation: 'gs://b/tmp',
          maxWorkers: 2,
          additionalUserLabels: { team: 'sales', cost: 'b', ...OWN },
        },
      },
    });
  });

  it('leaves parameters out when the Task sets none', () => {
    const request = classicLaunchRequest(
      undefined,
      { jobName: 'x', gcsPath: 'gs://b/t' },
      'x-1',
      OWN,
    );
    assert.deepEqual(request.launchParameter, {
      jobName: 'x-1',
      environment: { additionalUserLabels: OWN },
    });
  });
});

describe('engine: taskLaunchRequest picks the request by resource', () => {
  const resolved = { jobName: 'x', gcsPath: 'gs://b/t', containerSpecGcsPath: 'gs://b/t.json' };
  it('dataflow:template builds a classic request, dataflow:flexTemplate a Flex one', () => {
    assert.deepEqual(
      taskLaunchRequest('dataflow:template', undefined, resolved, 'x-1', OWN),
      classicLaunchRequest(undefined, resolved, 'x-1', OWN),
    );
    assert.deepEqual(
      taskLaunchRequest('dataflow:flexTemplate', undefined, resolved, 'x-1', OWN),
      launchRequest(undefined, resolved, 'x-1', OWN),
    );
    assert.equal('kind' in launchRequest(undefined, resolved, 'x-1', OWN), false);
  });
});
