import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { ChainValidationError } from '../../../src/errors.js';
import type { Json, JsonObject } from '../../../src/json.js';
import { validateChain } from '../../../src/chain/validate.js';

const FILE = 'dag/t.json';

function task(jobName: string, extra: JsonObject): JsonObject {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: { jobName, containerSpecGcsPath: 'gs://b/templates/t.json' },
    ...extra,
  };
}

function base(): JsonObject {
  return {
    StartAt: 'Ingest',
    Defaults: { Region: 'europe-west4' },
    States: {
      Ingest: task('ingest', { Next: 'Publish' }),
      Publish: task('publish', { End: true }),
    },
  };
}

/** Sets (or, with `undefined`, deletes) the value at `path` in a copy of the base chain. */
function edit(...changes: [string[], Json | undefined][]): JsonObject {
  const doc = base();
  for (const [path, value] of changes) {
    let node = doc;
    for (const key of path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as JsonObject;
    }
    const last = path[path.length - 1]!;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return doc;
}

function problems(json: unknown): string[] {
  try {
    validateChain(FILE, json);
  } catch (error) {
    assert.ok(error instanceof ChainValidationError);
    assert.equal(error.file, FILE);
    return error.message.split('\n').map((line) => line.replace(`${FILE}: `, ''));
  }
  return [];
}

const P = ['States', 'Ingest', 'Parameters'];
const LABELS = [...P, 'environment', 'additionalUserLabels'];
const TASK_FIELDS =
  'Type, Resource, Comment, Region, Parameters, Next, End, InputPath, OutputPath, ResultPath, ResultSelector, Retry, Catch, TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath';
const TYPES = 'Task, Pass, Choice, Wait, Parallel, Map, Succeed, Fail';

describe('validateChain', () => {
  it('accepts dag/example.json and returns it', () => {
    const json = JSON.parse(readFileSync('dag/example.json', 'utf8')) as unknown;
    assert.equal(validateChain('dag/example.json', json), json);
  });

  it('accepts the minimal chain, Succeed and Fail states, and .$ values', () => {
    const json = edit(
      [['States', 'Publish', 'End'], undefined],
      [['States', 'Publish', 'Next'], 'Done'],
      [['States', 'Done'], { Type: 'Succeed', Comment: 'ok' }],
      [['States', 'Failed'], { Type: 'Fail', Error: 'Sales.Missing', Cause: 'no input' }],
      [['States', 'Ingest', 'Next'], 'Publish'],
      [
        [...P, 'parameters'],
        { 'date.$': "States.Format('{}', $$.Execution.Input.date)", fixed: 'x' },
      ],
      [[...P, 'launchOptions'], { 'a.$': '$.a' }],
      [
        [...P, 'environment'],
        { 'maxWorkers.$': '$.workers', additionalUserLabels: { 'team.$': '$.t' } },
      ],
    );
    delete (json.States as JsonObject).Failed;
    assert.deepEqual(problems(json), []);
  });

  const cases: { name: string; json: unknown; expected: string[] }[] = [
    {
      name: 'unknown field, with a suggestion',
      json: edit([['States', 'Ingest', 'Nxt'], 'Publish']),
      expected: [
        `States.Ingest: unknown field "Nxt" (allowed: ${TASK_FIELDS}; did you mean "Next"?)`,
      ],
    },
    {
      name: 'unknown top-level field',
      json: edit([['Version'], '1.0'], [['Owner'], 'me']),
      expected: [
        'unknown field "Owner" (allowed: $schema, Comment, StartAt, TimeoutSeconds, Deadline, MaxConcurrentRuns, Schedule, Triggers, Defaults, States)',
        'Version: not supported in this version of dfchain; remove it',
      ],
    },
    {
      name: 'missing required fields',
      json: edit([[...P, 'jobName'], undefined], [['StartAt'], undefined]),
      expected: ['StartAt: required', 'States.Ingest.Parameters.jobName: required'],
    },
    {
      name: 'Retry and Catch are accepted on a Task',
      json: edit(
        [['States', 'Ingest', 'Retry'], [{ ErrorEquals: ['States.ALL'] }]],
        [['States', 'Ingest', 'Catch'], [{ ErrorEquals: ['States.ALL'], Next: 'Publish' }]],
      ),
      expected: [],
    },
    {
      name: 'fields ASL has but dfchain does not run are refused, not ignored',
      json: edit(
        [['States', 'Ingest', 'Credentials'], {}],
        [['States', 'Ingest', 'Catch'], [{ ErrorEquals: ['X'], Next: 'Publish', Assign: {} }]],
        [['QueryLanguage'], 'JSONata'],
      ),
      expected: [
        'States.Ingest.Credentials: not supported in this version of dfchain; remove it',
        'States.Ingest.Catch[0].Assign: not supported in this version of dfchain; remove it',
        'QueryLanguage: not supported in this version of dfchain; remove it',
      ],
    },
    {
      name: 'every ASL state type is known; unknown ones are not',
      json: edit(
        [['States', 'W'], { Type: 'Wait', Seconds: 5 }],
        [['States', 'T'], { Type: 'Taks' }],
        [['States', 'N'], { Type: 7 }],
      ),
      expected: [
        'States.W: needs "Next" (the state to run after it) or "End": true',
        'States.W: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        'States.T: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        `States.T.Type: "Taks" is not a state type (supported: ${TYPES}); did you mean "Task"?`,
        'States.N: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        `States.N.Type: must be one of ${TYPES} (got number 7)`,
      ],
    },
    {
      name: 'a Next that names no state, with and without a suggestion',
      json: edit(
        [['States', 'Ingest', 'Next'], 'Pubilsh'],
        [['States', 'Publish', 'End'], undefined],
        [['States', 'Publish', 'Next'], 'Zzz'],
      ),
      expected: [
        'States.Ingest.Next: "Pubilsh" is not a state (did you mean "Publish"?)',
        'States.Publish: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        'States.Publish.Next: "Zzz" is not a state (the states are: Ingest, Publish)',
      ],
    },
    {
      name: 'a StartAt that names no state',
      json: edit([['StartAt'], 'ingest']),
      expected: ['StartAt: "ingest" is not a state (did you mean "Ingest"?)'],
    },
    {
      name: 'an unreachable state',
      json: edit([['States', 'Orphan'], { Type: 'Succeed' }]),
      expected: [
        'States.Orphan: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'a loop is allowed, as in ASL (a Task can fail its way out, a Choice can leave it)',
      json: edit(
        [['States', 'Publish', 'End'], undefined],
        [['States', 'Publish', 'Next'], 'Ingest'],
      ),
      expected: [],
    },
    {
      name: 'a StartAt that is not a string is a type problem only',
      json: edit([['StartAt'], 3]),
      expected: ['StartAt: must be a string (got number 3); write it as "3"'],
    },
    {
      name: 'without a StartAt, no state is called unreachable (even one named "undefined")',
      json: edit([['StartAt'], undefined], [['States', 'undefined'], { Type: 'Succeed' }]),
      expected: ['StartAt: required'],
    },
    {
      name: 'a state that loops onto itself, unreachable',
      json: edit([['States', 'Again'], task('again', { Next: 'Again' })]),
      expected: [
        'States.Again: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
      ],
    },
    {
      name: 'a Task needs exactly one of Next and End',
      json: edit([['States', 'Ingest', 'End'], true], [['States', 'Publish', 'End'], undefined]),
      expected: [
        'States.Ingest: has both "Next" and "End"; keep one',
        'States.Publish: needs "Next" (the state to run after it) or "End": true',
      ],
    },
    {
      name: 'End must be true',
      json: edit([['States', 'Publish', 'End'], false]),
      expected: [
        'States.Publish.End: must be true (got boolean false); to go on to another state, use "Next" instead',
      ],
    },
    {
      name: 'Succeed and Fail states take no Next or End',
      json: edit(
        [['States', 'Publish', 'End'], undefined],
        [['States', 'Publish', 'Next'], 'Done'],
        [['States', 'Done'], { Type: 'Succeed', End: true }],
        [['States', 'Oops'], { Type: 'Fail', Next: 'Done' }],
      ),
      expected: [
        'States.Done.End: a Succeed state ends the run, so it takes no "End"; remove it',
        'States.Oops: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        'States.Oops.Next: a Fail state ends the run, so it takes no "Next"; remove it',
      ],
    },
    {
      name: 'a Task without a region',
      json: edit([['Defaults'], undefined], [['States', 'Publish', 'Region'], 'us-central1']),
      expected: ['States.Ingest.Region: required (or set Defaults.Region for every Task)'],
    },
    {
      name: 'a malformed region',
      json: edit([['States', 'Publish', 'Region'], 'Europe West4']),
      expected: [
        'States.Publish.Region: "Europe West4" is not a Dataflow region; use one such as "europe-west4"',
      ],
    },
    {
      name: 'a resource other than dataflow:flexTemplate and dataflow:template',
      json: edit([['States', 'Ingest', 'Resource'], 'arn:aws:states:::lambda:invoke']),
      expected: [
        'States.Ingest.Resource: "arn:aws:states:::lambda:invoke" is not a Task resource of dfchain (supported: "dataflow:flexTemplate" or "dataflow:template" or "pubsub:publish" or "pubsub:publish.waitForTaskToken" or "run:job")',
      ],
    },
    {
      name: 'an invalid jobName prefix, with a corrected one',
      json: edit([[...P, 'jobName'], 'Ingest_Sales 2024']),
      expected: [
        `States.Ingest.Parameters.jobName: "Ingest_Sales 2024" is not a valid job name prefix: start with a lowercase letter, then use lowercase letters, digits or '-'; such as "ingest-sales-2024"`,
      ],
    },
    {
      name: 'a jobName prefix starting with a digit',
      json: edit([[...P, 'jobName'], '2024-ingest']),
      expected: [
        `States.Ingest.Parameters.jobName: "2024-ingest" is not a valid job name prefix: start with a lowercase letter, then use lowercase letters, digits or '-'; such as "ingest"`,
      ],
    },
    {
      name: 'a jobName prefix too long for a Dataflow job name',
      json: edit([[...P, 'jobName'], 'a'.repeat(1012)]),
      expected: [
        'States.Ingest.Parameters.jobName: is 1012 characters long; a job name prefix may have at most 1011 (Dataflow job names have at most 1024, and dfchain appends 13)',
      ],
    },
    {
      name: 'the same jobName prefix twice in one chain',
      json: edit([['States', 'Publish', 'Parameters', 'jobName'], 'ingest']),
      expected: [
        'States.Publish.Parameters.jobName: "ingest" is also the jobName of States.Ingest; rename one so that their Dataflow jobs can be told apart',
      ],
    },
    {
      name: 'jobName cannot come from a path',
      json: edit([[...P, 'jobName.$'], '$.name']),
      expected: [
        'States.Ingest.Parameters: "jobName" and "jobName.$" both set "jobName"; keep one',
        'States.Ingest.Parameters.jobName.$: jobName must be a fixed string, not a path; write "jobName"',
      ],
    },
    {
      name: 'containerSpecGcsPath must be a gs:// file',
      json: edit([[...P, 'containerSpecGcsPath'], 'bucket/templates/t.json']),
      expected: [
        'States.Ingest.Parameters.containerSpecGcsPath: "bucket/templates/t.json" is not a Cloud Storage file; use the gs:// path of the template spec file, such as "gs://bucket/templates/ingest.json"',
      ],
    },
    {
      name: 'template parameters are strings; .$ values are strings',
      json: edit([[...P, 'parameters'], { workers: 10, 'date.$': 3 }]),
      expected: [
        'States.Ingest.Parameters.parameters.workers: must be a string (got number 10); write it as "10"',
        'States.Ingest.Parameters.parameters.date.$: must be a string holding a path or an intrinsic (got number 3); for a fixed value, drop ".$" from the key',
      ],
    },
    {
      name: 'environment fields are checked, with a suggestion',
      json: edit([
        [...P, 'environment'],
        { maxWorker: 3, tempLocation: '/tmp', numWorkers: 0, 'zone.$': '$.z', 'colour.$': '$.c' },
      ]),
      expected: [
        'States.Ingest.Parameters.environment: unknown field "maxWorker" (allowed: numWorkers, maxWorkers, zone, serviceAccountEmail, tempLocation, machineType, additionalExperiments, network, subnetwork, additionalUserLabels, kmsKeyName, ipConfiguration, workerRegion, workerZone, enableStreamingEngine, flexrsGoal, stagingLocation, sdkContainerImage, diskSizeGb, autoscalingAlgorithm, dumpHeapOnOom, saveHeapDumpsToGcsPath, launcherMachineType, enableLauncherVmSerialPortLogging, streamingMode, additionalPipelineOptions; did you mean "maxWorkers"?)',
        'States.Ingest.Parameters.environment: unknown field "colour.$" (allowed: numWorkers, maxWorkers, zone, serviceAccountEmail, tempLocation, machineType, additionalExperiments, network, subnetwork, additionalUserLabels, kmsKeyName, ipConfiguration, workerRegion, workerZone, enableStreamingEngine, flexrsGoal, stagingLocation, sdkContainerImage, diskSizeGb, autoscalingAlgorithm, dumpHeapOnOom, saveHeapDumpsToGcsPath, launcherMachineType, enableLauncherVmSerialPortLogging, streamingMode, additionalPipelineOptions)',
        'States.Ingest.Parameters.environment.tempLocation: "/tmp" is not a Cloud Storage path; use one such as "gs://bucket/tmp"',
        'States.Ingest.Parameters.environment.numWorkers: must be at least 1 (got number 0)',
      ],
    },
    {
      name: 'an enum field lists its values',
      json: edit([[...P, 'environment'], { ipConfiguration: 'PRIVATE' }]),
      expected: [
        'States.Ingest.Parameters.environment.ipConfiguration: must be one of WORKER_IP_UNSPECIFIED, WORKER_IP_PUBLIC, WORKER_IP_PRIVATE (got "PRIVATE")',
      ],
    },
    {
      name: 'labels: reserved keys, bad keys, bad values',
      json: edit([
        LABELS,
        {
          'dfchain-run': 'x',
          Team: 'sales',
          cost: 'Sales Dept',
          'owner.$': '$.owner',
          'dfchain-x.$': '$.x',
        },
      ]),
      expected: [
        'States.Ingest.Parameters.environment.additionalUserLabels.dfchain-run: label keys starting with "dfchain-" are reserved (dfchain sets dfchain-run, dfchain-chain and dfchain-state); rename it',
        `States.Ingest.Parameters.environment.additionalUserLabels.Team: "Team" is not a valid Dataflow label key: start with a lowercase letter, then use lowercase letters, digits, '_' or '-', at most 63 characters and 128 bytes; such as "team"`,
        `States.Ingest.Parameters.environment.additionalUserLabels.cost: "Sales Dept" is not a valid Dataflow label value: use lowercase letters, digits, '_' or '-', at most 63 characters and 128 bytes; such as "sales-dept"`,
        'States.Ingest.Parameters.environment.additionalUserLabels.dfchain-x.$: label keys starting with "dfchain-" are reserved (dfchain sets dfchain-run, dfchain-chain and dfchain-state); rename it',
      ],
    },
    {
      name: 'labels in Defaults are checked too, and counted with the Task',
      json: edit(
        [
          ['Defaults', 'Environment'],
          {
            additionalUserLabels: Object.fromEntries(
              Array.from({ length: 40 }, (_, i) => [`d${i}`, 'x']),
            ),
          },
        ],
        [LABELS, Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, 'x']))],
      ),
      expected: [
        'States.Ingest.Parameters.environment.additionalUserLabels: sets 61 labels (with Defaults); Dataflow allows 64 per job and dfchain adds up to 4, so use at most 60',
      ],
    },
    {
      name: '.$ values must parse, with the position of the fault',
      json: edit([
        [...P, 'parameters'],
        {
          'a.$': '$.items[*].id',
          'b.$': "States.Formt('{}', $.x)",
          'c.$': 'today',
          'd.$': "States.Format('{}-{}', $.x)",
        },
      ]),
      expected: [
        'States.Ingest.Parameters.parameters.a.$: cannot parse "$.items[*].id" at character 9: wildcards ("*") are not supported; name the field or index',
        'States.Ingest.Parameters.parameters.b.$: cannot parse "States.Formt(\'{}\', $.x)" at character 1: unknown intrinsic function States.Formt (did you mean States.Format?)',
        'States.Ingest.Parameters.parameters.c.$: cannot parse "today" at character 1: a ".$" value must be a path starting with $ or $$, or an intrinsic function such as States.Format(...); for a fixed value, drop ".$" from the key',
        'States.Ingest.Parameters.parameters.d.$: cannot parse "States.Format(\'{}-{}\', $.x)" at character 1: States.Format: the template has 2 {} placeholders but 1 value follows',
      ],
    },
    {
      name: 'a key set both fixed and from a path',
      json: edit([[...P, 'parameters'], { date: '2024-01-01', 'date.$': '$.date' }]),
      expected: [
        'States.Ingest.Parameters.parameters: "date" and "date.$" both set "date"; keep one',
      ],
    },
    {
      name: 'the file must hold an object',
      json: [1, 2],
      expected: ['must be a JSON object with "StartAt" and "States"'],
    },
    {
      name: 'States must not be empty',
      json: { StartAt: 'A', States: {} },
      expected: ['States: must hold at least one state'],
    },
    {
      name: 'a state name longer than 80 characters',
      json: edit(
        [['States', 'Publish', 'End'], undefined],
        [['States', 'Publish', 'Next'], 'S'.repeat(81)],
        [['States', 'S'.repeat(81)], { Type: 'Succeed' }],
      ),
      expected: [`States: state name "${'S'.repeat(81)}" is longer than 80 characters; shorten it`],
    },
    {
      name: 'a state that is not an object',
      json: edit([['States', 'Publish'], 'done']),
      expected: ['States.Publish: must be an object (got "done")'],
    },
    {
      name: 'a state name must not be empty',
      json: edit(
        [['States', 'Publish', 'End'], undefined],
        [['States', 'Publish', 'Next'], ''],
        [['States', ''], { Type: 'Succeed' }],
      ),
      expected: [
        'States: a state name must not be empty',
        'States.Publish.Next: must not be empty',
      ],
    },
    {
      name: 'a state type with no close match gets no suggestion',
      json: edit([['States', 'T'], { Type: 'Zzzz' }]),
      expected: [
        'States.T: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        `States.T.Type: "Zzzz" is not a state type (supported: ${TYPES})`,
      ],
    },
    {
      name: 'a field of another state type names the types that take it',
      json: edit(
        [['States', 'Publish', 'End'], undefined],
        [['States', 'Publish', 'Next'], 'Done'],
        [['States', 'Done'], { Type: 'Succeed', Result: 1, Rsult: 2 }],
      ),
      expected: [
        'States.Done: unknown field "Rsult" (allowed: Type, Comment, InputPath, OutputPath)',
        'States.Done.Result: a Succeed state takes no "Result" (only a Pass state does); remove it',
      ],
    },
    {
      name: 'a Next outside a state is an unknown field',
      json: edit([['Defaults', 'Next'], 'Publish']),
      expected: ['Defaults: unknown field "Next" (allowed: Region, Environment)'],
    },
    {
      name: 'a field unknown to Parameters is unknown there, even one a state does not support',
      json: edit([[...P, 'Retry'], []]),
      expected: [
        'States.Ingest.Parameters: unknown field "Retry" (allowed: jobName, containerSpecGcsPath, parameters, environment, launchOptions)',
      ],
    },
    {
      name: 'a .$ key close to a known field is suggested with its .$',
      json: edit([[...P, 'environment'], { 'zon.$': '$.z' }]),
      expected: [
        'States.Ingest.Parameters.environment: unknown field "zon.$" (allowed: numWorkers, maxWorkers, zone, serviceAccountEmail, tempLocation, machineType, additionalExperiments, network, subnetwork, additionalUserLabels, kmsKeyName, ipConfiguration, workerRegion, workerZone, enableStreamingEngine, flexrsGoal, stagingLocation, sdkContainerImage, diskSizeGb, autoscalingAlgorithm, dumpHeapOnOom, saveHeapDumpsToGcsPath, launcherMachineType, enableLauncherVmSerialPortLogging, streamingMode, additionalPipelineOptions; did you mean "zone.$"?)',
      ],
    },
    {
      name: 'a wrong type names what it got, and how to write a string',
      json: edit(
        [[...P, 'parameters'], { flag: true, list: [1], none: null, obj: {} }],
        [[...P, 'environment'], { numWorkers: true }],
      ),
      expected: [
        'States.Ingest.Parameters.parameters.flag: must be a string (got boolean true); write it as "true"',
        'States.Ingest.Parameters.parameters.list: must be a string (got an array)',
        'States.Ingest.Parameters.parameters.none: must be a string (got null)',
        'States.Ingest.Parameters.parameters.obj: must be a string (got an object)',
        'States.Ingest.Parameters.environment.numWorkers: must be an integer (got boolean true)',
      ],
    },
    {
      name: 'a chain without States',
      json: { StartAt: 'Ingest', Defaults: { Environment: { 'zone.$': '$.z' } } },
      expected: ['States: required'],
    },
    {
      name: 'a Task without Parameters',
      json: edit([['States', 'Ingest', 'Parameters'], undefined]),
      expected: ['States.Ingest.Parameters: required'],
    },
    {
      name: 'two Tasks without a jobName are not taken for the same prefix',
      json: edit(
        [[...P, 'jobName'], undefined],
        [['States', 'Publish', 'Parameters', 'jobName'], undefined],
      ),
      expected: [
        'States.Ingest.Parameters.jobName: required',
        'States.Publish.Parameters.jobName: required',
      ],
    },
    {
      name: '.$ values and labels in Defaults are checked too',
      json: edit([
        ['Defaults', 'Environment'],
        { 'zone.$': '$..z', additionalUserLabels: { Team: 'sales' } },
      ]),
      expected: [
        'Defaults.Environment.zone.$: cannot parse "$..z" at character 2: recursive descent ("..") is not supported; spell out each field',
        `Defaults.Environment.additionalUserLabels.Team: "Team" is not a valid Dataflow label key: start with a lowercase letter, then use lowercase letters, digits, '_' or '-', at most 63 characters and 128 bytes; such as "team"`,
      ],
    },
    {
      name: 'exactly 60 labels with Defaults are allowed',
      json: edit(
        [
          ['Defaults', 'Environment'],
          {
            additionalUserLabels: Object.fromEntries(
              Array.from({ length: 40 }, (_, i) => [`d${i}`, 'x']),
            ),
          },
        ],
        [LABELS, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, 'x']))],
      ),
      expected: [],
    },
    {
      name: 'a label value must be a string',
      json: edit([LABELS, { team: 5 }]),
      expected: [
        'States.Ingest.Parameters.environment.additionalUserLabels.team: must be a string (got number 5); write it as "5"',
      ],
    },
    {
      name: 'a key and its key.$ clash, not keys that merely share a prefix',
      json: edit([[...P, 'parameters'], { a: '1', abc: '2', 'b.$': '$.b', bcd: '3' }]),
      expected: [],
    },
    {
      name: 'problems inside an array (which the schema refuses) are listed in file order',
      json: edit([[...P, 'launchOptions'], { list: [{ a: '1', 'a.$': '$..a' }] }]),
      expected: [
        'States.Ingest.Parameters.launchOptions.list: must be a string (got an array)',
        'States.Ingest.Parameters.launchOptions.list[0]: "a" and "a.$" both set "a"; keep one',
        'States.Ingest.Parameters.launchOptions.list[0].a.$: cannot parse "$..a" at character 2: recursive descent ("..") is not supported; spell out each field',
      ],
    },
    {
      name: 'every problem of a broken file, in file order',
      json: {
        StartAt: 'Ingest',
        Retry: [],
        States: {
          Ingest: {
            Type: 'Task',
            Resource: 'dataflow:flexTemplate',
            Parameters: {
              jobName: 'Ingest',
              containerSpecGcsPath: 'gs://b/t.json',
              parameters: { 'd.$': '$..d' },
            },
            Nxt: 'Publish',
          },
          Publish: {
            Type: 'Task',
            Resource: 'dataflow:flexTemplate',
            Region: 'europe-west4',
            Parameters: { jobName: 'publish' },
            Next: 'Pubilsh',
          },
        },
      },
      expected: [
        'unknown field "Retry" (allowed: $schema, Comment, StartAt, TimeoutSeconds, Deadline, MaxConcurrentRuns, Schedule, Triggers, Defaults, States)',
        `States.Ingest: unknown field "Nxt" (allowed: ${TASK_FIELDS}; did you mean "Next"?)`,
        'States.Ingest: needs "Next" (the state to run after it) or "End": true',
        'States.Ingest.Region: required (or set Defaults.Region for every Task)',
        `States.Ingest.Parameters.jobName: "Ingest" is not a valid job name prefix: start with a lowercase letter, then use lowercase letters, digits or '-'; such as "ingest"`,
        'States.Ingest.Parameters.parameters.d.$: cannot parse "$..d" at character 2: recursive descent ("..") is not supported; spell out each field',
        'States.Publish: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
        'States.Publish.Parameters.containerSpecGcsPath: required',
        'States.Publish.Next: "Pubilsh" is not a state (did you mean "Publish"?)',
      ],
    },
  ];

  for (const { name, json, expected } of cases) {
    it(name, () => assert.deepEqual(problems(json), expected));
  }
});
