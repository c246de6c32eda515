import { strict as assert } from 'node:assert';
import { pathShapeProblems, pathShapeWarnings } from '../../../src/chain/path-shape-checks.js';

type StateJson = Record<string, unknown>;

/** A flexTemplate Task; `parameters` are its job's template parameters. */
function task(jobName: string, parameters: StateJson = {}, extra: StateJson = {}): StateJson {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: { jobName, containerSpecGcsPath: 'gs://b/t.json', parameters },
    ...extra,
  };
}

/** Each problem as `dfchain validate` prints it after the file name; StartAt is the first state. */
function problems(states: Record<string, StateJson>): string[] {
  return pathShapeProblems({ StartAt: Object.keys(states)[0], States: states }).map(
    (p) => `${p.path}: ${p.message}`,
  );
}

/** Each warning as {@link problems} gives each problem. */
function warnings(states: Record<string, StateJson>): string[] {
  return pathShapeWarnings({ StartAt: Object.keys(states)[0], States: states }).map(
    (p) => `${p.path}: ${p.message}`,
  );
}

const CASES: { name: string; states: Record<string, StateJson>; expected: string[] }[] = [
  {
    name: 'context: case mistake, typo, unknown top field, field of a string',
    states: {
      Ingest: task(
        'ingest',
        {
          'date.$': '$$.Execution.input.date',
          'name.$': '$$.Execution.Nmae',
          'token.$': '$$.Task.Token',
          'first.$': '$$.State.Name.first',
          'n.$': '$$.Execution[0]',
        },
        { End: true },
      ),
    },
    expected: [
      'States.Ingest.Parameters.parameters.date.$: "$$.Execution.input.date" will not be found: $$.Execution has no field "input" (did you mean "Input"? Field names are case-sensitive)',
      'States.Ingest.Parameters.parameters.name.$: "$$.Execution.Nmae" will not be found: $$.Execution has no field "Nmae" (did you mean "Name"?)',
      'States.Ingest.Parameters.parameters.token.$: "$$.Task.Token" will not be found: $$.Task.Token exists only in the Parameters of a Task whose Resource ends in .waitForTaskToken',
      'States.Ingest.Parameters.parameters.first.$: "$$.State.Name.first" will not be found: $$.State.Name is a string, not an object',
      'States.Ingest.Parameters.parameters.n.$: "$$.Execution[0]" will not be found: $$.Execution is an object, not an array',
    ],
  },
  {
    name: 'context: every field the engine provides, and anything below the run input',
    states: {
      Ingest: task(
        'ingest',
        {
          'a.$': '$$.Execution.Id',
          'b.$': '$$.Execution.Name',
          'c.$': '$$.Execution.StartTime',
          'd.$': '$$.Execution.RedriveCount',
          'e.$': '$$.State.EnteredTime',
          'f.$': '$$.State.RetryCount',
          'g.$': '$$.StateMachine.Id',
          'h.$': '$$.StateMachine.Name',
          'i.$': '$$.Execution.Input.x[3].y',
          'j.$': '$$',
          'k.$': "States.Format('{}', $$.State.Name)",
          'l.$': '$$.Execution.ScheduledTime',
        },
        { End: true },
      ),
    },
    expected: [],
  },
  {
    name: '$$.Map outside an ItemSelector, and a typo inside one',
    states: {
      Each: {
        Type: 'Map',
        ItemsPath: '$$.Map.Item.Value',
        ItemSelector: {
          'i.$': '$$.Map.Item.Idx',
          'v.$': '$$.Map.Item.Value.deep.er',
          'k.$': '$$.Map.Item.Index',
        },
        ItemProcessor: {
          StartAt: 'Load',
          States: { Load: task('load', { 'v.$': '$$.Map.Item.Value' }, { End: true }) },
        },
        End: true,
      },
    },
    expected: [
      'States.Each.ItemsPath: "$$.Map.Item.Value" will not be found: $$.Map exists only in a Map state\'s ItemSelector (or its older Parameters), while each item is selected; pass the value into the item\'s input there',
      'States.Each.ItemSelector.i.$: "$$.Map.Item.Idx" will not be found: $$.Map.Item has no field "Idx"; its fields are "Index", "Value"',
      'States.Each.ItemProcessor.States.Load.Parameters.parameters.v.$: "$$.Map.Item.Value" will not be found: $$.Map exists only in a Map state\'s ItemSelector (or its older Parameters), while each item is selected; pass the value into the item\'s input there',
    ],
  },
  {
    name: 'the next state reads the Task result (default ResultPath)',
    states: {
      Ingest: task('ingest', { 'date.$': '$.date' }, { Next: 'Publish' }),
      Publish: task(
        'publish',
        {
          'source.$': '$.jobid',
          'ok.$': '$.jobId',
          'in.$': "States.Format('{} {}', $.jobName, $.date)",
        },
        { End: true },
      ),
    },
    expected: [
      'States.Publish.Parameters.parameters.source.$: "$.jobid" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
      'States.Publish.Parameters.parameters.in.$: "$.date" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "date"; its fields are "jobId", "jobName", "projectId", "location", "currentState"',
    ],
  },
  {
    name: 'ResultPath $.ingest: only $.ingest is known',
    states: {
      Ingest: task('ingest', {}, { ResultPath: '$.ingest', Next: 'Publish' }),
      Publish: task(
        'publish',
        { 'a.$': '$.ingest.jobid', 'b.$': '$.date', 'c.$': '$.ingest.jobId' },
        { End: true },
      ),
    },
    expected: [
      'States.Publish.Parameters.parameters.a.$: "$.ingest.jobid" will not be found: $.ingest, the result of Task Ingest (dataflow:flexTemplate), has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
    ],
  },
  {
    name: 'ResultPath null: the Task input goes on, unknown',
    states: {
      Ingest: task('ingest', {}, { ResultPath: null, Next: 'Publish' }),
      Publish: task('publish', { 'a.$': '$.jobid' }, { End: true }),
    },
    expected: [],
  },
  {
    name: 'ResultSelector: it reads the result, and the next state its keys',
    states: {
      Ingest: task(
        'ingest',
        {},
        {
          ResultSelector: { 'id.$': '$.jobid', 'state.$': '$.currentState', kind: 'flex' },
          Next: 'Publish',
        },
      ),
      Publish: task('publish', { 'a.$': '$.jobId', 'b.$': '$.kind' }, { End: true }),
    },
    expected: [
      'States.Ingest.ResultSelector.id.$: "$.jobid" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
      'States.Publish.Parameters.parameters.a.$: "$.jobId" will not be found: the result of Task Ingest after its ResultSelector has no field "jobId"; its fields are "id", "state", "kind"',
    ],
  },
  {
    name: 'OutputPath on the result, and a string after it',
    states: {
      Ingest: task('ingest', {}, { OutputPath: '$.jobID', Next: 'Keep' }),
      Keep: task('keep', {}, { OutputPath: '$.jobId', Next: 'Publish' }),
      Publish: task('publish', { 'a.$': '$.x', 'b.$': '$[0]' }, { End: true }),
    },
    expected: [
      'States.Ingest.OutputPath: "$.jobID" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobID" (did you mean "jobId"? Field names are case-sensitive)',
      'States.Publish.Parameters.parameters.a.$: "$.x" will not be found: the state input is a string, not an object',
      'States.Publish.Parameters.parameters.b.$: "$[0]" will not be found: the state input is a string, not an array',
    ],
  },
  {
    name: 'through a Choice (rules read the result), a Wait and a Pass',
    states: {
      Ingest: task('ingest', {}, { Next: 'Check' }),
      Check: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.currentstate', StringEquals: 'JOB_STATE_DONE', Next: 'Hold' },
          {
            And: [
              { Variable: '$.jobId', StringEqualsPath: '$.jobNme' },
              { Not: { Variable: '$$.State.Nme', StringEquals: 'x' } },
            ],
            Next: 'Hold',
          },
        ],
        Default: 'Hold',
      },
      Hold: { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Copy' },
      Copy: { Type: 'Pass', Next: 'Publish' },
      Publish: task(
        'publish',
        { 'a.$': '$.location', 'b.$': '$.region' },
        { TimeoutSecondsPath: '$.timeout', End: true },
      ),
    },
    expected: [
      'States.Check.Choices[0].Variable: "$.currentstate" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "currentstate" (did you mean "currentState"? Field names are case-sensitive)',
      'States.Check.Choices[1].And[0].StringEqualsPath: "$.jobNme" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobNme" (did you mean "jobName"?)',
      'States.Check.Choices[1].And[1].Not.Variable: "$$.State.Nme" will not be found: $$.State has no field "Nme" (did you mean "Name"?)',
      'States.Hold.SecondsPath: "$.seconds" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "seconds"; its fields are "jobId", "jobName", "projectId", "location", "currentState"',
      'States.Publish.TimeoutSecondsPath: "$.timeout" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "timeout"; its fields are "jobId", "jobName", "projectId", "location", "currentState"',
      'States.Publish.Parameters.parameters.b.$: "$.region" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "region"; its fields are "jobId", "jobName", "projectId", "location", "currentState"',
    ],
  },
  {
    name: 'an IsPresent guard lets a Choice read absent fields',
    states: {
      Ingest: task('ingest', {}, { Next: 'Check' }),
      Check: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.rows', IsPresent: true },
              { Variable: '$.rows', NumericGreaterThan: 0 },
            ],
            Next: 'Done',
          },
          { Variable: '$$.Execution.Inputt', IsPresent: true, Next: 'Done' },
        ],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
    expected: [],
  },
  {
    name: 'different shapes join into an unknown input; a Catch target is not followed',
    states: {
      Start: {
        Type: 'Choice',
        Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Ingest' }],
        Default: 'Join',
      },
      Ingest: task(
        'ingest',
        {},
        { Next: 'Join', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Alert' }] },
      ),
      Join: task('join', { 'a.$': '$.jobid' }, { End: true }),
      Alert: { Type: 'Fail', CausePath: '$.jobid' },
    },
    expected: [],
  },
  {
    name: 'a loop back to the Task does not confuse it',
    states: {
      Ingest: task('ingest', { 'a.$': '$.anything' }, { Next: 'Again' }),
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.currentState', StringEquals: 'JOB_STATE_FAILED', Next: 'Ingest' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed', OutputPath: '$.jobid' },
    },
    expected: [
      'States.Done.OutputPath: "$.jobid" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
    ],
  },
  {
    name: 'a Pass Result, a Pass Parameters, InputPath null',
    states: {
      Fix: { Type: 'Pass', Result: { a: { b: [1, 2] } }, Next: 'Shape' },
      Shape: {
        Type: 'Pass',
        Parameters: { 'two.$': '$.a.b[2]', 'one.$': '$.a.c', 'k.$': '$.a.b[1]' },
        Next: 'Empty',
      },
      Empty: task('empty', { 'x.$': '$.one' }, { InputPath: null, Next: 'Fail' }),
      Fail: { Type: 'Fail', ErrorPath: '$.jobid', CausePath: "States.Format('{}', $.jobId)" },
    },
    expected: [
      'States.Shape.Parameters.two.$: "$.a.b[2]" will not be found: $.a.b has 2 items, so [2] is out of range',
      'States.Shape.Parameters.one.$: "$.a.c" will not be found: $.a has no field "c"; its fields are "b"',
      'States.Empty.Parameters.parameters.x.$: "$.one" will not be found: the state input ({}, as InputPath is null) has no field "one"; it has no fields',
      'States.Fail.ErrorPath: "$.jobid" will not be found: the result of Task Empty (dataflow:flexTemplate) has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
    ],
  },
  {
    name: 'a Parallel branch starts with the Parallel input; its result is not followed',
    states: {
      Ingest: task('ingest', {}, { Next: 'Fan' }),
      Fan: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'B', States: { B: task('b', { 'x.$': '$.jobid' }, { End: true }) } }],
        ResultSelector: { 'x.$': '$[0].anything' },
        Next: 'After',
      },
      After: task('after', { 'x.$': '$.anything' }, { End: true }),
    },
    expected: [
      'States.After.Parameters.parameters.x.$: "$.anything" will not be found: the result of Parallel Fan after its ResultSelector has no field "anything"; its fields are "x"',
      'States.Fan.Branches[0].States.B.Parameters.parameters.x.$: "$.jobid" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
    ],
  },
  {
    name: 'a Map: ItemSelector reads the Map input, the item processor its keys',
    states: {
      Ingest: task('ingest', {}, { Next: 'Each' }),
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: { 'id.$': '$.jobid', 'v.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          StartAt: 'Load',
          States: { Load: task('load', { 'a.$': '$.idd', 'b.$': '$.v.any' }, { End: true }) },
        },
        End: true,
      },
    },
    expected: [
      'States.Each.ItemsPath: "$.items" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "items"; its fields are "jobId", "jobName", "projectId", "location", "currentState"',
      'States.Each.ItemSelector.id.$: "$.jobid" will not be found: the result of Task Ingest (dataflow:flexTemplate) has no field "jobid" (did you mean "jobId"? Field names are case-sensitive)',
      'States.Each.ItemProcessor.States.Load.Parameters.parameters.a.$: "$.idd" will not be found: the ItemSelector of Map Each has no field "idd" (did you mean "id"?)',
    ],
  },
];

describe('pathShapeProblems', () => {
  for (const c of CASES) {
    it(c.name, () => assert.deepEqual(problems(c.states), c.expected));
  }
});

const WARNING_CASES: {
  name: string;
  states: Record<string, StateJson>;
  expected: string[];
  problems?: string[];
}[] = [
  {
    name: 'a join of a Task result with the run input; a Catch of a Task',
    states: {
      Start: {
        Type: 'Choice',
        Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Ingest' }],
        Default: 'Join',
      },
      Ingest: task(
        'ingest',
        {},
        { Next: 'Join', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Alert' }] },
      ),
      Join: task('join', { 'a.$': '$.jobid', 'all.$': '$' }, { End: true }),
      Alert: { Type: 'Fail', CausePath: '$.jobid' },
    },
    expected: [
      'States.Join.Parameters.parameters.a.$: "$.jobid" cannot be checked before the run: Join is reached from Start and Ingest with different inputs',
      'States.Alert.CausePath: "$.jobid" cannot be checked before the run: Alert is reached from a Catch of Ingest, whose output is not followed',
    ],
  },
  {
    name: 'a loop back to the Task: its input is the run input once, the result after',
    states: {
      Ingest: task('ingest', { 'a.$': '$.anything' }, { Next: 'Again' }),
      Again: {
        Type: 'Choice',
        Choices: [{ Variable: '$.currentState', StringEquals: 'JOB_STATE_FAILED', Next: 'Ingest' }],
        Default: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
    expected: [
      'States.Ingest.Parameters.parameters.a.$: "$.anything" cannot be checked before the run: Ingest is reached from StartAt and Again with different inputs',
    ],
  },
  {
    name: 'the lost part is kept through ResultPath, InputPath and a Pass',
    states: {
      Start: {
        Type: 'Choice',
        Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Ingest' }],
        Default: 'Join',
      },
      Ingest: task('ingest', {}, { Next: 'Join' }),
      Join: task('join', {}, { ResultPath: '$.join', Next: 'Copy' }),
      Copy: { Type: 'Pass', InputPath: '$.x', Next: 'Use' },
      Use: task('use', { 'a.$': '$.y' }, { End: true }),
    },
    expected: [
      'States.Copy.InputPath: "$.x" cannot be checked before the run: Join is reached from Start and Ingest with different inputs',
      'States.Use.Parameters.parameters.a.$: "$.y" cannot be checked before the run: Join is reached from Start and Ingest with different inputs',
    ],
  },
  {
    name: "a Parallel's and a Map's result placed in the run input; their own ResultSelector is not warned",
    states: {
      Fan: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'B', States: { B: task('b', {}, { End: true }) } }],
        ResultPath: '$.fan',
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'L', States: { L: task('l', {}, { End: true }) } },
        ResultSelector: { 'first.$': '$[0]', 'id.$': '$[0].jobId' },
        ResultPath: '$.each',
        Next: 'Use',
      },
      Use: task(
        'use',
        {
          'a.$': '$.fan[0].jobId',
          'b.$': '$.fan',
          'c.$': '$.each.first.jobName',
          'd.$': '$.each.id',
          'e.$': '$.fromTheUser',
          'f.$': '$.each.jobId',
        },
        { End: true },
      ),
    },
    expected: [
      'States.Use.Parameters.parameters.a.$: "$.fan[0].jobId" cannot be checked before the run: the result of Parallel Fan (an array of its branches\' outputs) is not followed',
      'States.Use.Parameters.parameters.c.$: "$.each.first.jobName" cannot be checked before the run: the result of Map Each (an array of its items\' outputs) is not followed',
    ],
    problems: [
      'States.Use.Parameters.parameters.f.$: "$.each.jobId" will not be found: $.each, the result of Map Each after its ResultSelector, has no field "jobId"; its fields are "first", "id"',
    ],
  },
  {
    name: 'no warning: the run input, $$.Execution.Input, $$.Map.Item.Value, a Map without Tasks',
    states: {
      Ingest: task(
        'ingest',
        { 'a.$': '$.date', 'b.$': '$$.Execution.Input.date' },
        { Next: 'Join' },
      ),
      Join: {
        Type: 'Pass',
        Parameters: { 'a.$': '$$.Execution.Input.x.y', 'b.$': '$$.State.Name' },
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemsPath: '$$.Execution.Input.items',
        ItemSelector: { 'v.$': '$$.Map.Item.Value.deep' },
        ItemProcessor: {
          StartAt: 'P',
          States: { P: { Type: 'Pass', Parameters: { 'x.$': '$.v.deeper' }, End: true } },
        },
        Next: 'Use',
      },
      Use: { Type: 'Pass', Parameters: { 'x.$': '$[0].x' }, End: true },
    },
    expected: [],
  },
  {
    name: 'no warning: a chain with no Task, whose joins differ',
    states: {
      Start: {
        Type: 'Choice',
        Choices: [{ Variable: '$.a', IsPresent: true, Next: 'One' }],
        Default: 'Two',
      },
      One: { Type: 'Pass', Result: { a: 1 }, Next: 'Join' },
      Two: { Type: 'Pass', Result: { b: 2 }, Next: 'Join' },
      Join: { Type: 'Pass', Parameters: { 'c.$': '$.c.d' }, Next: 'Try' },
      Try: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        Next: 'Caught',
      },
      Caught: { Type: 'Fail', CausePath: '$[0].x' },
    },
    expected: [],
  },
];

describe('pathShapeWarnings', () => {
  for (const c of WARNING_CASES) {
    it(c.name, () => {
      assert.deepEqual(warnings(c.states), c.expected);
      assert.deepEqual(problems(c.states), c.problems ?? []);
    });
  }
});
