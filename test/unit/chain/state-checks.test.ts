import { strict as assert } from 'node:assert';
import { stateProblems } from '../../../src/chain/state-checks.js';

/** The problems of one state named S, nested in a Parallel branch to show the places. */
function problems(state: Record<string, unknown>): string[] {
  const chain = {
    StartAt: 'Fan',
    States: {
      Fan: { Type: 'Parallel', Branches: [{ StartAt: 'S', States: { S: state } }], End: true },
    },
  };
  return stateProblems(chain).map((p) => `${p.path}: ${p.message}`);
}

const S = 'States.Fan.Branches[0].States.S';
const PATH_FIX = 'start it with $ (the state input) or $$ (the context object)';

describe('stateProblems', () => {
  const cases: { name: string; state: Record<string, unknown>; expected: string[] }[] = [
    {
      name: 'path fields of every kind, each with the field for a fixed value',
      state: {
        Type: 'Map',
        InputPath: 'a',
        OutputPath: '$.b[*]',
        ItemsPath: 'c',
        MaxConcurrencyPath: '4',
        ToleratedFailurePercentagePath: 'x',
        ToleratedFailureCountPath: '$.ok',
      },
      expected: [
        `${S}.InputPath: "a" is not a path: ${PATH_FIX}`,
        `${S}.OutputPath: cannot parse "$.b[*]" at character 5: wildcards ("*") are not supported; name the field or index`,
        `${S}.ItemsPath: "c" is not a path: ${PATH_FIX}`,
        `${S}.MaxConcurrencyPath: "4" is not a path: ${PATH_FIX}; for a fixed value, use "MaxConcurrency" instead`,
        `${S}.ToleratedFailurePercentagePath: "x" is not a path: ${PATH_FIX}; for a fixed value, use "ToleratedFailurePercentage" instead`,
        `${S}: needs "ItemProcessor": {"StartAt": ..., "States": {...}}, the states that process each item`,
      ],
    },
    {
      name: 'Task timeouts read from paths',
      state: {
        Type: 'Task',
        TimeoutSecondsPath: 'ten',
        HeartbeatSecondsPath: '$$.Execution.Input.h',
      },
      expected: [
        `${S}.TimeoutSecondsPath: "ten" is not a path: ${PATH_FIX}; for a fixed value, use "TimeoutSeconds" instead`,
      ],
    },
    {
      name: 'fields a type does not take are left to the schema',
      state: {
        Type: 'Pass',
        ItemsPath: 'x',
        SecondsPath: 'y',
        ErrorPath: 'z',
        Catch: [{ ResultPath: '$$' }],
        MaxConcurrency: 1,
        MaxConcurrencyPath: '$.m',
      },
      expected: [],
    },
    {
      name: 'a ResultPath into the context, of the state and of a catcher',
      state: {
        Type: 'Task',
        ResultPath: '$$.x',
        Catch: [{ ResultPath: 'err' }, 'junk', { ResultPath: null }],
      },
      expected: [
        `${S}.ResultPath: "$$.x" would write into the context object, which is read-only (ASL: a ResultPath never starts with $$); use a path into the state input such as "$.result"`,
        `${S}.Catch[0].ResultPath: "err" is not a path: ${PATH_FIX}`,
      ],
    },
    {
      name: 'null paths are fine',
      state: { Type: 'Pass', InputPath: null, OutputPath: null, ResultPath: null },
      expected: [],
    },
    {
      name: 'fields that exclude each other',
      state: {
        Type: 'Task',
        TimeoutSeconds: 10,
        TimeoutSecondsPath: '$.t',
        HeartbeatSeconds: 5,
        HeartbeatSecondsPath: '$.h',
      },
      expected: [
        `${S}: has both "TimeoutSeconds" and "TimeoutSecondsPath"; keep one`,
        `${S}: has both "HeartbeatSeconds" and "HeartbeatSecondsPath"; keep one`,
      ],
    },
    {
      name: 'a heartbeat not below the timeout; invalid values are left to the schema',
      state: { Type: 'Task', TimeoutSeconds: 60, HeartbeatSeconds: 61 },
      expected: [
        `${S}.HeartbeatSeconds: must be smaller than TimeoutSeconds (60); lower it, or raise TimeoutSeconds`,
      ],
    },
    {
      name: 'a heartbeat below the timeout',
      state: { Type: 'Task', TimeoutSeconds: 60, HeartbeatSeconds: 59 },
      expected: [],
    },
    {
      name: 'a fractional timeout',
      state: { Type: 'Task', TimeoutSeconds: 60.5, HeartbeatSeconds: 61 },
      expected: [],
    },
    {
      name: 'a heartbeat without a timeout',
      state: { Type: 'Task', HeartbeatSeconds: 6000 },
      expected: [],
    },
    {
      name: 'Fail: error and cause fixed and from paths',
      state: {
        Type: 'Fail',
        Error: 'E',
        ErrorPath: '$.e',
        Cause: 'C',
        CausePath: 'States.Format(1)',
      },
      expected: [
        `${S}.CausePath: cannot parse "States.Format(1)" at character 15: States.Format argument 1 must be a string, got number 1`,
        `${S}: has both "Error" and "ErrorPath"; keep one`,
        `${S}: has both "Cause" and "CausePath"; keep one`,
      ],
    },
    {
      name: 'Fail: a cause that is no path',
      state: { Type: 'Fail', CausePath: 'broken' },
      expected: [
        `${S}.CausePath: "broken" is not a path or an intrinsic function: start it with $ (the state input) or $$ (the context object), or call one such as States.Format(...); for a fixed cause, use "Cause" instead`,
      ],
    },
    {
      name: 'Wait: none of its four fields',
      state: { Type: 'Wait' },
      expected: [`${S}: needs one of "Seconds", "Timestamp", "SecondsPath" or "TimestampPath"`],
    },
    {
      name: 'Wait: all four fields, and a timestamp that is not one',
      state: {
        Type: 'Wait',
        Seconds: 1,
        Timestamp: '2024-01-01',
        SecondsPath: '$.s',
        TimestampPath: '$.t',
      },
      expected: [
        `${S}: has "Seconds", "Timestamp", "SecondsPath" and "TimestampPath"; keep exactly one`,
        `${S}.Timestamp: "2024-01-01" is not a timestamp: expected YYYY-MM-DDThh:mm:ss[.sss](Z or ±hh:mm), such as 2016-03-14T01:59:00Z`,
      ],
    },
    {
      name: 'Wait: a good timestamp',
      state: { Type: 'Wait', Timestamp: '2024-01-01T00:00:00+05:30' },
      expected: [],
    },
    {
      name: 'Map: both processors and both selectors',
      state: { Type: 'Map', ItemProcessor: {}, Iterator: {}, ItemSelector: {}, Parameters: {} },
      expected: [
        `${S}: has both "ItemProcessor" and "Iterator" (its older name); keep "ItemProcessor"`,
        `${S}: has both "ItemSelector" and "Parameters" (its older name); keep "ItemSelector"`,
      ],
    },
    {
      name: 'payload templates of Pass, Parallel and Map, and ResultSelector of a Task',
      state: {
        Type: 'Map',
        Iterator: {},
        ItemSelector: { 'a.$': 'a' },
        ResultSelector: { 'b.$': 3 },
      },
      expected: [
        `${S}.ItemSelector.a.$: cannot parse "a" at character 1: a ".$" value must be a path starting with $ or $$, or an intrinsic function such as States.Format(...); for a fixed value, drop ".$" from the key`,
        `${S}.ResultSelector.b.$: must be a string holding a path or an intrinsic (got number 3); for a fixed value, drop ".$" from the key`,
      ],
    },
    {
      name: "a Task's Parameters are left to the Task checks; its ResultSelector is read here",
      state: { Type: 'Task', Parameters: { 'x.$': 'bad' }, ResultSelector: { 'y.$': '$.y', y: 1 } },
      expected: [`${S}.ResultSelector: "y" and "y.$" both set "y"; keep one`],
    },
    {
      name: 'a Pass with Parameters',
      state: { Type: 'Pass', Parameters: { deep: [{ 'z.$': '$$..z' }] } },
      expected: [
        `${S}.Parameters.deep[0].z.$: cannot parse "$$..z" at character 3: recursive descent ("..") is not supported; spell out each field`,
      ],
    },
    {
      name: 'a state of unknown type is left to the schema',
      state: { Type: 'Pas', InputPath: 'x' },
      expected: [],
    },
  ];
  for (const { name, state, expected } of cases) {
    it(name, () => assert.deepEqual(problems(state), expected));
  }
});
