import { strict as assert } from 'node:assert';
import { labelProblem } from '../../../src/engine/label-check.js';
import { launchRequest } from '../../../src/engine/launch-request.js';
import type { JsonObject } from '../../../src/json.js';

const OWN = { 'dfchain-run': 'r1', 'dfchain-chain': 'daily', 'dfchain-state': 'ingest' };

describe('engine: the flexTemplates.launch body', () => {
  it('turns parameters and launchOptions into map<string, string>: scalars as text, the rest as JSON', () => {
    const request = launchRequest(
      undefined,
      {
        jobName: 'ingest',
        containerSpecGcsPath: 'gs://b/t.json',
        parameters: { s: 'x', n: 5, b: true, none: null, obj: { a: 1 }, list: [1, 'two'] },
        launchOptions: { retries: 3 },
      },
      'ingest-0123456789ab',
      OWN,
    );
    assert.deepEqual(request, {
      launchParameter: {
        containerSpecGcsPath: 'gs://b/t.json',
        jobName: 'ingest-0123456789ab',
        parameters: {
          s: 'x',
          n: '5',
          b: 'true',
          none: 'null',
          obj: '{"a":1}',
          list: '[1,"two"]',
        },
        launchOptions: { retries: '3' },
        environment: { additionalUserLabels: OWN },
      },
    });
  });

  it('merges Defaults.Environment under the Task environment, labels too, and adds dfchain labels last', () => {
    const request = launchRequest(
      {
        Environment: {
          tempLocation: 'gs://d/tmp',
          maxWorkers: 5,
          additionalUserLabels: { team: 'data', cost: 'low' },
        },
      },
      {
        jobName: 'ingest',
        environment: {
          maxWorkers: 10,
          additionalUserLabels: { cost: 'high', 'dfchain-run': 'forged' },
        },
      },
      'ingest-0123456789ab',
      OWN,
    );
    assert.deepEqual(request.launchParameter.environment, {
      tempLocation: 'gs://d/tmp',
      maxWorkers: 10,
      additionalUserLabels: { team: 'data', cost: 'high', ...OWN },
    });
    assert.equal(request.launchParameter.parameters, undefined);
    assert.equal(request.launchParameter.launchOptions, undefined);
  });

  it("runs workers as the deployment's worker account unless the chain names one", () => {
    const worker = 'dfchain-worker@p.iam.gserviceaccount.com';
    const env = (defaults: JsonObject | undefined, task: JsonObject | undefined) =>
      launchRequest(
        defaults ? { Environment: defaults } : undefined,
        task ? { jobName: 'x', environment: task } : { jobName: 'x' },
        'x-0123456789ab',
        OWN,
        worker,
      ).launchParameter.environment?.['serviceAccountEmail'];
    assert.equal(env(undefined, undefined), worker);
    assert.equal(
      env({ serviceAccountEmail: 'd@p.iam.gserviceaccount.com' }, undefined),
      'd@p.iam.gserviceaccount.com',
    );
    assert.equal(
      env(undefined, { serviceAccountEmail: 't@p.iam.gserviceaccount.com' }),
      't@p.iam.gserviceaccount.com',
    );
    assert.equal(
      launchRequest(undefined, { jobName: 'x' }, 'x-0123456789ab', OWN).launchParameter
        .environment?.['serviceAccountEmail'],
      undefined,
      'no worker account configured: Dataflow picks',
    );
  });
});

describe('engine: labels computed at run time, checked before the launch', () => {
  it('accepts 64 valid labels', () => {
    const labels = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, `v${i}`]));
    assert.equal(labelProblem(labels), undefined);
  });

  it('refuses a 65th label', () => {
    const labels = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(labelProblem(labels), "65 labels, more than Dataflow's 64");
  });

  it('refuses a key Dataflow would refuse', () => {
    assert.equal(labelProblem({ Team: 'a' }), 'label key "Team" is not a Dataflow label key');
  });

  it('refuses a value that is not a string or not a label value', () => {
    const why =
      "is not a Dataflow label value (at most 63 lowercase letters, digits, '_' or '-', and 128 bytes)";
    assert.equal(labelProblem({ team: 5 }), `label team's value 5 ${why}`);
    assert.equal(labelProblem({ team: 'Sales' }), `label team's value "Sales" ${why}`);
  });
});
