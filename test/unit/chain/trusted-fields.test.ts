import { strict as assert } from 'node:assert';
import { ChainValidationError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import {
  TRUSTED_ENVIRONMENT_FIELDS,
  trustedFieldProblems,
} from '../../../src/chain/trusted-fields.js';
import { validateChain } from '../../../src/chain/validate.js';

const FILE = 'dag/t.json';

function chain(environment: JsonObject, defaults: JsonObject = {}): JsonObject {
  return {
    StartAt: 'Ingest',
    Defaults: { Region: 'europe-west4', Environment: defaults },
    States: {
      Ingest: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/t.json', environment },
        End: true,
      },
    },
  };
}

function problems(json: unknown): string[] {
  try {
    validateChain(FILE, json);
  } catch (error) {
    assert.ok(error instanceof ChainValidationError);
    return error.message.split('\n').map((line) => line.replace(`${FILE}: `, ''));
  }
  return [];
}

const WHY: Record<string, string> = {
  serviceAccountEmail:
    'run input would choose the identity the workers act as, and with it every permission they use',
  sdkContainerImage:
    'run input would choose the worker container image: whoever starts a run could choose the code the workers run, as the worker service account',
  network: 'run input would choose the network the workers join, and so what they can reach',
  subnetwork: 'run input would choose the subnetwork the workers join, and so what they can reach',
  kmsKeyName: "run input would choose the Cloud KMS key that protects the job's data",
  additionalPipelineOptions:
    'run input would add pipeline options, which can replace the worker image or account: whoever starts a run could choose the code the workers run, as the worker service account',
  additionalExperiments:
    'run input would enable Dataflow experiments, which can change how and where the workers run',
};

describe('.$ refused on trusted launch environment fields', () => {
  it('covers exactly the fields of issue 7', () =>
    assert.deepEqual(Object.keys(TRUSTED_ENVIRONMENT_FIELDS).sort(), Object.keys(WHY).sort()));

  for (const field of Object.keys(WHY)) {
    it(`refuses ${field}.$ in a Task and in Defaults.Environment, saying why`, () => {
      const dynamic = { [`${field}.$`]: '$.x' };
      assert.deepEqual(problems(chain(dynamic, dynamic)), [
        `Defaults.Environment.${field}.$: ${WHY[field]}; set it literally in the chain file`,
        `States.Ingest.Parameters.environment.${field}.$: ${WHY[field]}; set it literally in the chain file`,
      ]);
    });
  }

  it('refuses them in Tasks of Parallel branches and Map item processors too', () => {
    const nested = (environment: JsonObject): JsonObject => ({
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName: 'inner', containerSpecGcsPath: 'gs://b/t.json', environment },
      End: true,
    });
    const json = chain({});
    json.States = {
      Fan: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Load', States: { Load: nested({ 'network.$': '$.n' }) } }],
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Copy',
          States: {
            Copy: {
              ...nested({ 'kmsKeyName.$': '$.key' }),
              Parameters: {
                jobName: 'copy',
                containerSpecGcsPath: 'gs://b/t.json',
                environment: { 'kmsKeyName.$': '$.key' },
              },
            },
          },
        },
        End: true,
      },
    };
    json.StartAt = 'Fan';
    assert.deepEqual(problems(json), [
      `States.Fan.Branches[0].States.Load.Parameters.environment.network.$: ${WHY.network}; set it literally in the chain file`,
      `States.Each.ItemProcessor.States.Copy.Parameters.environment.kmsKeyName.$: ${WHY.kmsKeyName}; set it literally in the chain file`,
    ]);
  });

  it('accepts the same fields set literally, and .$ on the other fields', () => {
    assert.deepEqual(
      problems(
        chain(
          {
            sdkContainerImage: 'europe-docker.pkg.dev/p/r/worker:1',
            serviceAccountEmail: 'worker@p.iam.gserviceaccount.com',
            additionalExperiments: ['use_runner_v2'],
            'maxWorkers.$': '$.workers',
            'tempLocation.$': "States.Format('gs://b/{}', $.date)",
          },
          { 'machineType.$': '$.machine', network: 'default' },
        ),
      ),
      [],
    );
  });
});

describe('trustedFieldProblems', () => {
  it('only looks at keys ending in .$ (not at any key two characters longer)', () => {
    assert.deepEqual(
      trustedFieldProblems({ serviceAccountEmailXY: 'x', 'network.$': '$.n' }, 'E'),
      [
        {
          path: 'E.network.$',
          message: `${TRUSTED_ENVIRONMENT_FIELDS.network!}; set it literally in the chain file`,
        },
      ],
    );
  });
});
