import { strict as assert } from 'node:assert';
import { T0, task } from './harness.js';
import {
  chain,
  countCases,
  launchParameters,
  onAttempts,
  pass,
  runCases,
  type ConformanceCase,
} from './cases.js';
import type { JsonObject } from '../../src/json.js';

/** A Task whose Parameters carry `parameters` (Dataflow's template parameters) besides its jobName. */
function taskWith(
  name: string,
  next: string | undefined,
  parameters: JsonObject,
  extra: JsonObject = {},
): JsonObject {
  return task(name, next, {
    Parameters: { jobName: name, containerSpecGcsPath: `gs://b/${name}.json`, parameters },
    ...extra,
  });
}

/** What the harness's first job reports as a Task's result (its jobName is checked apart). */
const DONE_RESULT = {
  jobId: 'job-1',
  currentState: 'JOB_STATE_DONE',
  location: 'europe-west4',
  projectId: 'p',
};

export const DATA_FLOW_CASES: readonly ConformanceCase[] = [
  // --- InputPath ------------------------------------------------------------------------------
  // AWS "Manipulate parameters in Step Functions workflows", InputPath section:
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
  {
    it: 'InputPath selects part of the input (AWS dataset2 example)',
    definition: chain({ P: pass(undefined, { InputPath: '$.dataset2' }) }),
    input: {
      comment: 'Example for InputPath.',
      dataset1: { val1: 1, val2: 2, val3: 3 },
      dataset2: { val1: 'a', val2: 'b', val3: 'c' },
    },
    output: { val1: 'a', val2: 'b', val3: 'c' },
  },
  // states-language.net/spec.html#filters: "If the value of InputPath is null, that means that
  // the raw input is discarded, and the effective input for the state is an empty JSON object".
  {
    it: 'InputPath null gives {} as the effective input',
    definition: chain({ P: pass(undefined, { InputPath: null }) }),
    input: { a: 1 },
    output: {},
  },
  {
    it: 'InputPath "$" keeps the whole input',
    definition: chain({ P: pass(undefined, { InputPath: '$' }) }),
    input: { a: 1, b: [1, 2] },
    output: { a: 1, b: [1, 2] },
  },
  {
    it: 'InputPath may select a scalar deep inside the input',
    definition: chain({ P: pass(undefined, { InputPath: '$.a.b[1]' }) }),
    input: { a: { b: ['x', 'y'] } },
    output: 'y',
  },
  // AWS (ARCHITECTURE.md §2.1): a path that selects nothing raises States.Runtime (the spec
  // would leave the error name open).
  {
    it: 'InputPath selecting nothing fails the run with States.Runtime',
    definition: chain({ P: pass(undefined, { InputPath: '$.missing' }) }),
    input: { a: 1 },
    error: { Error: 'States.Runtime', Cause: /InputPath/ },
  },
  // --- Parameters -----------------------------------------------------------------------------
  // AWS input-output-inputpath-params.html, "Parameters" / "Key-value pairs" example.
  {
    it: 'Parameters builds key-value pairs from static values and paths (AWS product example)',
    definition: chain({
      P: pass(undefined, {
        Parameters: {
          comment: 'Selecting what I care about.',
          MyDetails: {
            'size.$': '$.product.details.size',
            'exists.$': '$.product.availability',
            StaticValue: 'foo',
          },
        },
      }),
    }),
    input: {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    },
    output: {
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    },
  },
  // AWS: "Step Functions applies the InputPath field first, and then the Parameters field."
  {
    it: 'InputPath applies before Parameters: Parameters paths see the selected input',
    definition: chain({
      P: pass(undefined, { InputPath: '$.inner', Parameters: { 'v.$': '$.value' } }),
    }),
    input: { value: 'outer', inner: { value: 'inner' } },
    output: { v: 'inner' },
  },
  {
    it: 'Parameters "x.$": "$" takes the whole effective input',
    definition: chain({ P: pass(undefined, { Parameters: { 'all.$': '$', fixed: 1 } }) }),
    input: { a: 1 },
    output: { all: { a: 1 }, fixed: 1 },
  },
  {
    it: 'Parameters selects an array element and a slice of objects by path',
    definition: chain({
      P: pass(undefined, { Parameters: { 'second.$': '$.list[1]', 'name.$': '$.o.name' } }),
    }),
    input: { list: [10, 20, 30], o: { name: 'n' } },
    output: { second: 20, name: 'n' },
  },
  {
    it: 'Parameters keeps static nested objects, arrays and nulls as written',
    definition: chain({
      P: pass(undefined, { Parameters: { a: { b: [1, 'two', null, { c: true }] }, n: null } }),
    }),
    output: { a: { b: [1, 'two', null, { c: true }] }, n: null },
  },
  // Spec: a payload template's ".$" fields are transformed "however deeply nested"; AWS's ECS
  // examples put "Command.$" inside the ContainerOverrides array.
  {
    it: 'Parameters resolves ".$" fields inside objects inside arrays',
    definition: chain({
      P: pass(undefined, {
        Parameters: { overrides: [{ name: 'c', 'command.$': '$.commands' }, 'literal'] },
      }),
    }),
    input: { commands: ['run', '--fast'] },
    output: { overrides: [{ name: 'c', command: ['run', '--fast'] }, 'literal'] },
  },
  // AWS: an unresolvable .$ path raises States.Runtime ("The JSONPath '$.x' specified for the
  // field 'x.$' could not be found in the input"), where the spec names
  // States.ParameterPathFailure; AWS wins (ARCHITECTURE.md §2.1).
  {
    it: 'Parameters path selecting nothing fails the run with States.Runtime',
    definition: chain({ P: pass(undefined, { Parameters: { 'x.$': '$.missing' } }) }),
    input: { a: 1 },
    error: { Error: 'States.Runtime', Cause: /missing/ },
  },
  {
    it: 'a Task whose Parameters path selects nothing fails with States.Runtime before any launch, past its Catch',
    definition: chain({
      T: taskWith(
        't',
        'Done',
        { 'date.$': '$.date' },
        {
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        },
      ),
      Done: pass(),
      Caught: pass(),
    }),
    input: { other: 1 },
    error: { Error: 'States.Runtime' },
    check: (r) => assert.deepEqual(r.launched, [], 'no job is launched'),
  },
  // --- Context object ---------------------------------------------------------------------------
  // AWS "Accessing execution data from the Context object in Step Functions":
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
  {
    it: '$$.Execution.Input is the run input, even after states changed $',
    definition: chain({
      A: pass('B', { Result: { replaced: true } }),
      B: pass(undefined, { Parameters: { 'original.$': '$$.Execution.Input', 'now.$': '$' } }),
    }),
    input: { date: '2026-11-22' },
    output: { original: { date: '2026-11-22' }, now: { replaced: true } },
  },
  {
    it: '$$.Execution.Input.<field> selects inside the run input',
    definition: chain({
      P: pass(undefined, { Parameters: { 'date.$': '$$.Execution.Input.date' } }),
    }),
    input: { date: '2026-11-22' },
    output: { date: '2026-11-22' },
  },
  {
    it: '$$.State.Name is the name of the state being entered',
    definition: chain({
      First: pass('Second', { Parameters: { 'name.$': '$$.State.Name' } }),
      Second: pass(undefined, { Parameters: { 'before.$': '$.name', 'name.$': '$$.State.Name' } }),
    }),
    output: { before: 'First', name: 'Second' },
  },
  {
    it: '$$.State.EnteredTime and $$.Execution.StartTime are the run start for the first state',
    definition: chain({
      P: pass(undefined, {
        Parameters: { 'entered.$': '$$.State.EnteredTime', 'start.$': '$$.Execution.StartTime' },
      }),
    }),
    output: { entered: T0, start: T0 },
  },
  {
    it: '$$.State.RetryCount is 0 outside retries',
    definition: chain({ P: pass(undefined, { Parameters: { 'n.$': '$$.State.RetryCount' } }) }),
    output: { n: 0 },
  },
  {
    it: "$$.State.RetryCount in a Task's Parameters counts its retries (0, 1, 2)",
    definition: chain({
      T: taskWith(
        't',
        undefined,
        { 'retry.$': '$$.State.RetryCount' },
        {
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
          ResultPath: null,
        },
      ),
    }),
    input: { a: 1 },
    outcomes: onAttempts('T', [0, 1]),
    output: { a: 1 },
    check: (r) =>
      assert.deepEqual(
        r.launched.map((s) => launchParameters(s)?.['retry']),
        ['0', '1', '2'],
      ),
  },
  // --- ResultPath -------------------------------------------------------------------------------
  // AWS "Specifying state output using ResultPath in Step Functions":
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html
  {
    it: 'ResultPath absent: the result replaces the input (AWS "Hello, Step Functions!")',
    definition: chain({ P: pass(undefined, { Result: 'Hello, Step Functions!' }) }),
    input: { comment: 'This is a test', details: 'Default example', who: 'Step Functions' },
    output: 'Hello, Step Functions!',
  },
  {
    it: 'ResultPath "$": the result replaces the input',
    definition: chain({ P: pass(undefined, { Result: { r: 1 }, ResultPath: '$' }) }),
    input: { a: 1 },
    output: { r: 1 },
  },
  {
    it: 'ResultPath null discards the result and passes the original input',
    definition: chain({
      P: pass(undefined, { Result: 'Hello, Step Functions!', ResultPath: null }),
    }),
    input: { comment: 'This is a test', details: 'Default example', who: 'Step Functions' },
    output: { comment: 'This is a test', details: 'Default example', who: 'Step Functions' },
  },
  {
    it: 'ResultPath "$.taskresult" adds the result to the input',
    definition: chain({
      P: pass(undefined, { Result: 'Hello, Step Functions!', ResultPath: '$.taskresult' }),
    }),
    input: { comment: 'This is a test', details: 'Default example', who: 'Step Functions' },
    output: {
      comment: 'This is a test',
      details: 'Default example',
      who: 'Step Functions',
      taskresult: 'Hello, Step Functions!',
    },
  },
  {
    it: 'ResultPath into an existing object adds a field beside the others (AWS "strings" example)',
    definition: chain({
      P: pass(undefined, {
        Result: 'Hello, Step Functions!',
        ResultPath: '$.strings.lambdaresult',
      }),
    }),
    input: { comment: 'An input comment.', strings: { string1: 'foo', string2: 'bar' } },
    output: {
      comment: 'An input comment.',
      strings: { string1: 'foo', string2: 'bar', lambdaresult: 'Hello, Step Functions!' },
    },
  },
  // states-language.net/spec.html#filters: ResultPath "$.master.detail" replaces that node.
  {
    it: 'ResultPath onto an existing field replaces its value (spec "master.detail")',
    definition: chain({ P: pass(undefined, { Result: 'Hi', ResultPath: '$.master.detail' }) }),
    input: { master: { detail: [1, 2, 3] } },
    output: { master: { detail: 'Hi' } },
  },
  // Spec: "If the ResultPath ... identifies fields that do not exist, they are created".
  {
    it: 'ResultPath creates every missing object on its way',
    definition: chain({ P: pass(undefined, { Result: 7, ResultPath: '$.a.b.c' }) }),
    input: { x: 1 },
    output: { x: 1, a: { b: { c: 7 } } },
  },
  // Spec: "If ... the interpreter cannot apply ResultPath ... States.ResultPathMatchFailure";
  // a Pass cannot catch it, so the run fails.
  {
    it: 'ResultPath through a non-object fails with States.ResultPathMatchFailure',
    definition: chain({ P: pass(undefined, { Result: 1, ResultPath: '$.a.b' }) }),
    input: { a: 'not an object' },
    error: { Error: 'States.ResultPathMatchFailure' },
  },
  // Spec: ResultPath is applied to the state's raw input, not the effective input.
  {
    it: 'ResultPath merges into the raw input, not the InputPath selection',
    definition: chain({ P: pass(undefined, { InputPath: '$.a', ResultPath: '$.copy' }) }),
    input: { a: { b: 1 }, c: 2 },
    output: { a: { b: 1 }, c: 2, copy: { b: 1 } },
  },
  // --- OutputPath -------------------------------------------------------------------------------
  // AWS "Filtering state output using OutputPath":
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html
  {
    it: 'OutputPath selects part of the output',
    definition: chain({
      P: pass(undefined, { Result: { a: 1, b: 2 }, ResultPath: '$.r', OutputPath: '$.r.b' }),
    }),
    input: { x: 1 },
    output: 2,
  },
  {
    it: 'OutputPath null gives {} as the output',
    definition: chain({ P: pass(undefined, { OutputPath: null }) }),
    input: { x: 1 },
    output: {},
  },
  {
    it: 'OutputPath selecting nothing fails the run with States.Runtime (AWS)',
    definition: chain({ P: pass(undefined, { OutputPath: '$.missing' }) }),
    input: { x: 1 },
    error: { Error: 'States.Runtime', Cause: /OutputPath/ },
  },
  // states-language.net/spec.html#filters: InputPath selects the effective input, ResultPath
  // places the result into the raw input, OutputPath filters what results.
  {
    it: 'InputPath, ResultPath and OutputPath together: the result lands in the raw input',
    definition: chain({
      P: pass(undefined, {
        InputPath: '$.numbers',
        Result: 7,
        ResultPath: '$.sum',
        OutputPath: '$',
      }),
    }),
    input: { title: 'Numbers to add', numbers: { val1: 3, val2: 4 } },
    output: { title: 'Numbers to add', numbers: { val1: 3, val2: 4 }, sum: 7 },
  },
  // --- Task result, ResultSelector, and the whole pipeline ----------------------------------
  // AWS input-output-inputpath-params.html, "ResultSelector".
  {
    it: "a Task's result is its resource's result object",
    definition: chain({ T: task('t') }),
    output: (r) => ({ ...DONE_RESULT, jobName: r.launched[0]?.jobName ?? 'no job launched' }),
  },
  {
    it: 'ResultSelector builds the result from the raw result before ResultPath',
    definition: chain({
      T: task('t', undefined, {
        ResultSelector: { 'id.$': '$.jobId', 'state.$': '$.currentState', kind: 'flex' },
        ResultPath: '$.job',
      }),
    }),
    input: { date: 'd' },
    output: { date: 'd', job: { id: 'job-1', state: 'JOB_STATE_DONE', kind: 'flex' } },
  },
  {
    it: 'ResultSelector may read the context object',
    definition: chain({
      T: task('t', undefined, {
        ResultSelector: { 'state.$': '$$.State.Name', 'input.$': '$$.Execution.Input' },
      }),
    }),
    input: { date: 'd' },
    output: { state: 'T', input: { date: 'd' } },
  },
  {
    it: "ResultSelector path selecting nothing fails with States.Runtime, past the Task's Catch",
    definition: chain({
      T: task('t', 'Done', {
        ResultSelector: { 'x.$': '$.noSuchField' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
      }),
      Done: pass(),
      Caught: pass(),
    }),
    error: { Error: 'States.Runtime' },
  },
  {
    it: 'a Task with ResultPath null passes its input on',
    definition: chain({ T: task('t', undefined, { ResultPath: null }) }),
    input: { keep: 'me' },
    output: { keep: 'me' },
  },
  // AWS: InputPath, then Parameters, then the task, then ResultSelector, ResultPath, OutputPath.
  {
    it: 'the whole pipeline in order: InputPath, Parameters, ResultSelector, ResultPath, OutputPath',
    definition: chain({
      T: taskWith(
        't',
        undefined,
        { 'date.$': '$.date', 'all.$': '$' },
        {
          InputPath: '$.job',
          ResultSelector: { 'id.$': '$.jobId' },
          ResultPath: '$.job.result',
          OutputPath: '$.job',
        },
      ),
    }),
    input: { other: 'x', job: { date: '2026-11-22' } },
    output: { date: '2026-11-22', result: { id: 'job-1' } },
    check: (r) =>
      assert.deepEqual(launchParameters(r.launched[0]), {
        date: '2026-11-22',
        all: '{"date":"2026-11-22"}',
      }),
  },
  // --- Pass and Succeed ----------------------------------------------------------------------
  // states-language.net/spec.html#pass-state: the "No-op" example.
  {
    it: 'Pass Result with ResultPath (spec "No-op" example)',
    definition: chain({
      'No-op': pass(undefined, {
        Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 },
        ResultPath: '$.coords',
      }),
    }),
    input: { georefOf: 'Home' },
    output: { georefOf: 'Home', coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 } },
  },
  {
    it: 'Pass without Result passes its effective input (after InputPath and Parameters)',
    definition: chain({
      P: pass(undefined, { InputPath: '$.a', Parameters: { 'b.$': '$.b', c: 3 } }),
    }),
    input: { a: { b: 2 } },
    output: { b: 2, c: 3 },
  },
  // Spec: Result is a literal: its ".$" keys are not paths.
  {
    it: 'Pass Result is taken literally, ".$" keys and all',
    definition: chain({ P: pass(undefined, { Result: { 'a.$': '$.x' } }) }),
    input: { x: 1 },
    output: { 'a.$': '$.x' },
  },
  {
    it: 'Pass with Result ignores its Parameters for its result',
    definition: chain({ P: pass(undefined, { Parameters: { p: 1 }, Result: { r: 1 } }) }),
    output: { r: 1 },
  },
  {
    it: "Pass states chain their outputs into the next state's input",
    definition: chain({
      A: pass('B', { Result: 1, ResultPath: '$.a' }),
      B: pass('C', { Result: 2, ResultPath: '$.b' }),
      C: pass(undefined, { Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' } }),
    }),
    output: { sum: 3 },
  },
  // AWS "Succeed workflow state": InputPath and OutputPath apply; spec: Succeed ends the run
  // with its (filtered) input as output.
  {
    it: 'Succeed ends the run with its input, shaped by InputPath and OutputPath',
    definition: chain({ S: { Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' } }),
    input: { a: { b: { c: 1 } }, z: 0 },
    output: { c: 1 },
  },
  {
    it: 'Succeed in the middle of a chain ends the run at once',
    definition: chain({
      A: pass('C', { Result: { stop: true } }),
      C: {
        Type: 'Choice',
        Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'S' }],
        Default: 'Never',
      },
      S: { Type: 'Succeed' },
      Never: pass(undefined, { Result: 'never' }),
    }),
    output: { stop: true },
  },
];

describe('conformance: input and output processing', () => {
  countCases('data flow', DATA_FLOW_CASES, 40);
  runCases(DATA_FLOW_CASES);
});
