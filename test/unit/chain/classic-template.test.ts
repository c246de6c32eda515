import { strict as assert } from 'node:assert';
import { ChainValidationError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import { validateChain } from '../../../src/chain/validate.js';

const FILE = 'dag/t.json';

function classic(jobName: string, parameters: JsonObject, extra: JsonObject): JsonObject {
  return {
    Type: 'Task',
    Resource: 'dataflow:template',
    Parameters: { jobName, gcsPath: 'gs://b/templates/export', ...parameters },
    ...extra,
  };
}

function chain(export_: JsonObject, defaults: JsonObject = { Region: 'europe-west4' }): JsonObject {
  return {
    StartAt: 'Ingest',
    Defaults: defaults,
    States: {
      Ingest: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/templates/t.json' },
        Next: 'Export',
      },
      Export: export_,
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

describe('chain validation: dataflow:template (classic templates)', () => {
  it('accepts a classic Task beside a Flex one, with paths in parameters and environment', () => {
    const task = classic(
      'export',
      {
        parameters: { 'day.$': '$$.Execution.Input.day', output: 'gs://b/out' },
        environment: { maxWorkers: 3, tempLocation: 'gs://b/tmp', bypassTempDirValidation: true },
      },
      { End: true },
    );
    assert.deepEqual(problems(chain(task)), []);
  });

  it('suggests the resource for a near miss', () => {
    const task = { ...classic('export', {}, { End: true }), Resource: 'dataflow:templates' };
    assert.deepEqual(problems(chain(task)), [
      'States.Export.Resource: "dataflow:templates" is not a Task resource of dfchain (supported: "dataflow:flexTemplate" or "dataflow:template" or "pubsub:publish" or "pubsub:publish.waitForTaskToken" or "run:job"); did you mean "dataflow:template"?',
    ]);
  });

  it('requires gcsPath, a gs:// file, and refuses the Flex-only fields', () => {
    const task = classic(
      'export',
      { gcsPath: 'b/templates/export', containerSpecGcsPath: 'gs://b/t.json' },
      { End: true },
    );
    assert.deepEqual(problems(chain(task)), [
      'States.Export.Parameters: unknown field "containerSpecGcsPath" (allowed: jobName, gcsPath, parameters, environment)',
      'States.Export.Parameters.gcsPath: "b/templates/export" is not a Cloud Storage file; use the gs:// path of the classic template, such as "gs://bucket/templates/export"',
    ]);
    const { gcsPath: _gone, ...withoutPath } = task.Parameters as JsonObject;
    assert.deepEqual(problems(chain({ ...task, Parameters: withoutPath })), [
      'States.Export.Parameters.gcsPath: required',
      'States.Export.Parameters: unknown field "containerSpecGcsPath" (allowed: jobName, gcsPath, parameters, environment)',
    ]);
  });

  it('refuses a FlexTemplateRuntimeEnvironment field that RuntimeEnvironment lacks', () => {
    const task = classic(
      'export',
      { environment: { flexrsGoal: 'FLEXRS_COST_OPTIMIZED' } },
      {
        End: true,
      },
    );
    const [problem, ...rest] = problems(chain(task));
    assert.deepEqual(rest, []);
    assert.match(
      problem ?? '',
      /^States\.Export\.Parameters\.environment: unknown field "flexrsGoal" \(allowed: additionalExperiments, /,
    );
  });

  it('applies the Flex rules for jobName prefixes, labels and Region', () => {
    const task = classic(
      'ingest',
      { environment: { additionalUserLabels: { 'dfchain-run': 'x' } } },
      { End: true },
    );
    assert.deepEqual(problems(chain(task, {})), [
      'States.Ingest.Region: required (or set Defaults.Region for every Task)',
      'States.Export.Region: required (or set Defaults.Region for every Task)',
      'States.Export.Parameters.jobName: "ingest" is also the jobName of States.Ingest; rename one so that their Dataflow jobs can be told apart',
      'States.Export.Parameters.environment.additionalUserLabels.dfchain-run: label keys starting with "dfchain-" are reserved (dfchain sets dfchain-run, dfchain-chain and dfchain-state); rename it',
    ]);
    const bad = classic('Export_1', {}, { End: true });
    assert.match(problems(chain(bad))[0] ?? '', /"Export_1" is not a valid job name prefix/);
  });
});
