import { strict as assert } from 'node:assert';
import type { ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import {
  stateFields,
  placeOf,
  schemaProblems,
  type Place,
} from '../../../src/chain/schema-problems.js';
import { STATE_TYPES } from '../../../src/chain/types.js';

/** An ajv error as `verbose: true` reports it, with only the fields the translation reads. */
function error(
  keyword: string,
  instancePath: string,
  params: Record<string, unknown>,
  extra: Partial<ErrorObject> = {},
): ErrorObject {
  return { keyword, instancePath, schemaPath: `#/${keyword}`, params, ...extra };
}

const DATA = {
  Defaults: { Environment: { Type: 'x' } },
  States: { T: { Type: 'Task', Mode: 'x', Parameters: { Type: 'x' } }, Type: { Type: 'x' } },
};

describe('schemaProblems: rules the chain schema may use', () => {
  const cases: { name: string; error: ErrorObject; expected: string }[] = [
    {
      name: 'an enum on a field named Type outside a state lists its values',
      error: error(
        'enum',
        '/Defaults/Environment/Type',
        { allowedValues: ['A', 'B'] },
        { data: 'x' },
      ),
      expected: 'Defaults.Environment.Type: must be one of A, B (got "x")',
    },
    {
      name: 'an enum on another field of a state lists its values',
      error: error('enum', '/States/T/Mode', { allowedValues: ['A', 'B'] }, { data: 'x' }),
      expected: 'States.T.Mode: must be one of A, B (got "x")',
    },
    {
      name: 'an enum on a field named Type deeper in a state lists its values',
      error: error(
        'enum',
        '/States/T/Parameters/Type',
        { allowedValues: ['A', 'B'] },
        { data: 'x' },
      ),
      expected: 'States.T.Parameters.Type: must be one of A, B (got "x")',
    },
    {
      name: 'an enum on a field named Type under a field of a state lists its values',
      error: error('enum', '/States/T/Type/x', { allowedValues: ['A', 'B'] }, { data: 'x' }),
      expected: 'States.T.Type.x: must be one of A, B (got "x")',
    },
    {
      name: 'a pattern without a tailored message shows the pattern',
      error: error('pattern', '/States/T/Mode', { pattern: '^[A-Z]+$' }, { data: 'x' }),
      expected: 'States.T.Mode: "x" must match ^[A-Z]+$',
    },
    {
      name: 'a maxLength other than the job name prefix gives the limit',
      error: error('maxLength', '/States/T/Mode', { limit: 10 }, { data: 'x'.repeat(11) }),
      expected: 'States.T.Mode: must be at most 10 characters long',
    },
    {
      name: 'a minLength on a value',
      error: error('minLength', '/States/T/Mode', { limit: 1 }, { data: '' }),
      expected: 'States.T.Mode: must not be empty',
    },
    {
      name: 'a minLength on a state name',
      error: error('minLength', '/States', { limit: 1 }, { data: '', propertyName: '' }),
      expected: 'States: a state name must not be empty',
    },
    {
      name: 'a minProperties other than States',
      error: error('minProperties', '/Defaults/Environment', { limit: 1 }, { data: {} }),
      expected: 'Defaults.Environment: must not be empty',
    },
    {
      name: 'a const other than Resource and End shows the value it must have',
      error: error('const', '/States/T/Type', { allowedValue: 'Task' }, { data: 'Tusk' }),
      expected: 'States.T.Type: must be "Task" (got "Tusk")',
    },
    {
      name: "a rule without a tailored message keeps ajv's",
      error: error(
        'maxItems',
        '/States/T/Mode',
        { limit: 2 },
        { message: 'must NOT have more than 2 items' },
      ),
      expected: 'States.T.Mode: must NOT have more than 2 items',
    },
    {
      name: 'a rule without any message names the schema rule',
      error: error('maxItems', '/States/T/Mode', { limit: 2 }),
      expected: 'States.T.Mode: fails the schema rule #/maxItems',
    },
    {
      name: 'a field unknown to an object deeper than a state is unknown, even if unsupported',
      error: error(
        'additionalProperties',
        '/Defaults/States/T',
        { additionalProperty: 'Retry' },
        { parentSchema: { properties: { Mode: {} } } },
      ),
      expected: 'Defaults.States.T: unknown field "Retry" (allowed: Mode)',
    },
    {
      name: 'a field unknown to the Parameters of a state is unknown, even if unsupported',
      error: error(
        'additionalProperties',
        '/States/T/Parameters',
        { additionalProperty: 'Retry' },
        { parentSchema: { properties: { Mode: {} } } },
      ),
      expected: 'States.T.Parameters: unknown field "Retry" (allowed: Mode)',
    },
    {
      name: 'a field unknown to an object that is not in the data',
      error: error(
        'additionalProperties',
        '/States/Missing',
        { additionalProperty: 'Next' },
        { parentSchema: { properties: { Mode: {} } } },
      ),
      expected: 'States.Missing: unknown field "Next" (allowed: Mode)',
    },
    {
      name: 'an unknown field in an object whose schema lists no properties',
      error: error('additionalProperties', '/States/T/Parameters', { additionalProperty: 'x' }),
      expected: 'States.T.Parameters: unknown field "x" (allowed: )',
    },
  ];
  for (const { name, error: e, expected } of cases) {
    it(name, () => {
      const [problem, ...rest] = schemaProblems([e], DATA);
      assert.deepEqual(rest, []);
      assert.ok(problem);
      assert.equal(
        problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`,
        expected,
      );
    });
  }

  it('leaves out the errors of wrappers', () => {
    assert.deepEqual(
      schemaProblems(
        [
          error('if', '/States/T', {}),
          error('propertyNames', '/States', {}),
          error('type', '/States/T', { type: 'string' }, { schemaPath: '#/anyOf/0/type' }),
        ],
        DATA,
      ),
      [],
    );
  });
});

describe('schemaProblems: the language', () => {
  const NESTED = {
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: [
          {
            States: {
              Done: { Type: 'Succeed' },
              Pick: { Type: 'Choice', Choices: [{ And: [{}, {}] }] },
            },
          },
        ],
      },
      Each: {
        Type: 'Map',
        ItemProcessor: { States: { Oops: { Type: 'Fail' } } },
        Retry: [{}],
        Catch: [{}],
      },
    },
  };
  const unknown = (instancePath: string, key: string, properties: object = { Mode: {} }) =>
    error(
      'additionalProperties',
      instancePath,
      { additionalProperty: key },
      { parentSchema: { properties } },
    );
  const cases: { name: string; error: ErrorObject; expected: string }[] = [
    {
      name: 'Next on a Succeed state in a branch: it ends its branch',
      error: unknown('/States/Fan/Branches/0/States/Done', 'Next'),
      expected:
        'States.Fan.Branches[0].States.Done.Next: a Succeed state ends its branch, so it takes no "Next"; remove it',
    },
    {
      name: 'End on a Fail state in an item processor: it ends the processing of its item',
      error: unknown('/States/Each/ItemProcessor/States/Oops', 'End'),
      expected:
        'States.Each.ItemProcessor.States.Oops.End: a Fail state ends the processing of its item, so it takes no "End"; remove it',
    },
    {
      name: 'Next on a Choice state',
      error: unknown('/States/Fan/Branches/0/States/Pick', 'Next'),
      expected:
        'States.Fan.Branches[0].States.Pick.Next: a Choice state goes to the "Next" of the rule that matches, or to its "Default"; move this state name to "Default"',
    },
    {
      name: 'End on a Choice state',
      error: unknown('/States/Fan/Branches/0/States/Pick', 'End'),
      expected:
        'States.Fan.Branches[0].States.Pick.End: a Choice state cannot end its branch (ASL); point a rule or "Default" at a Succeed state instead',
    },
    {
      name: 'a Distributed Map field',
      error: unknown('/States/Each', 'ItemBatcher'),
      expected:
        'States.Each.ItemBatcher: ItemBatcher belongs to a Distributed Map, which dfchain does not run (every Map runs inline); remove it',
    },
    {
      name: 'a Distributed Map Label',
      error: unknown('/States/Each', 'Label'),
      expected:
        'States.Each.Label: Label belongs to a Distributed Map, which dfchain does not run (every Map runs inline); remove it',
    },
    {
      name: 'a field of one other type',
      error: unknown('/States/Each', 'Seconds'),
      expected:
        'States.Each.Seconds: a Map state takes no "Seconds" (only a Wait state does); remove it',
    },
    {
      name: 'ExecutionType of a processor',
      error: unknown('/States/Each/ItemProcessor/ProcessorConfig', 'ExecutionType'),
      expected:
        'States.Each.ItemProcessor.ProcessorConfig.ExecutionType: ExecutionType applies to a Distributed Map, which dfchain does not run (every Map runs inline); remove it',
    },
    {
      name: 'an unknown field of a Choice rule is taken for a misspelt operator',
      error: unknown('/States/Fan/Branches/0/States/Pick/Choices/0/And/1', 'StringEqual'),
      expected:
        'States.Fan.Branches[0].States.Pick.Choices[0].And[1].StringEqual: "StringEqual" is not a Choice operator (did you mean "StringEquals"?); remove or rename it',
    },
    {
      name: 'an unsupported field of a catcher',
      error: unknown('/States/Each/Catch/0', 'Output'),
      expected: 'States.Each.Catch[0].Output: not supported in this version of dfchain; remove it',
    },
    {
      name: 'an unsupported field of a branch',
      error: unknown('/States/Fan/Branches/0', 'QueryLanguage'),
      expected:
        'States.Fan.Branches[0].QueryLanguage: not supported in this version of dfchain; remove it',
    },
    {
      name: 'ProcessorConfig.Mode DISTRIBUTED',
      error: error(
        'enum',
        '/States/Each/ItemProcessor/ProcessorConfig/Mode',
        { allowedValues: ['INLINE'] },
        { data: 'DISTRIBUTED' },
      ),
      expected:
        'States.Each.ItemProcessor.ProcessorConfig.Mode: DISTRIBUTED is not supported: dfchain runs Map inline; remove ProcessorConfig.Mode or set INLINE',
    },
    {
      name: 'ProcessorConfig.Mode another value',
      error: error(
        'enum',
        '/States/Each/ItemProcessor/ProcessorConfig/Mode',
        { allowedValues: ['INLINE'] },
        { data: 'inline' },
      ),
      expected:
        'States.Each.ItemProcessor.ProcessorConfig.Mode: must be INLINE (got "inline"); dfchain runs Map inline, so ProcessorConfig.Mode may also be left out',
    },
    {
      name: 'the Type of a nested state lists the state types',
      error: error(
        'enum',
        '/States/Fan/Branches/0/States/Done/Type',
        { allowedValues: [] },
        { data: 'Succed' },
      ),
      expected:
        'States.Fan.Branches[0].States.Done.Type: "Succed" is not a state type (supported: Task, Pass, Choice, Wait, Parallel, Map, Succeed, Fail); did you mean "Succeed"?',
    },
    {
      name: 'an empty Branches',
      error: error('minItems', '/States/Fan/Branches', { limit: 1 }, { data: [] }),
      expected:
        'States.Fan.Branches: must hold at least one branch ({"StartAt": ..., "States": {...}})',
    },
    {
      name: 'an empty ErrorEquals',
      error: error('minItems', '/States/Each/Retry/0/ErrorEquals', { limit: 1 }, { data: [] }),
      expected:
        'States.Each.Retry[0].ErrorEquals: must name at least one error, such as "States.ALL"',
    },
    {
      name: 'another empty array',
      error: error('minItems', '/States/Each/Other', { limit: 1 }, { data: [] }),
      expected: 'States.Each.Other: must not be empty',
    },
    {
      name: 'a maximum',
      error: error(
        'maximum',
        '/States/Each/ToleratedFailurePercentage',
        { limit: 100 },
        { data: 150 },
      ),
      expected: 'States.Each.ToleratedFailurePercentage: must be at most 100 (got number 150)',
    },
    {
      name: 'a string or null',
      error: error('type', '/States/Each/ResultPath', { type: 'string,null' }, { data: 5 }),
      expected: 'States.Each.ResultPath: must be a string or null (got number 5); write it as "5"',
    },
    {
      name: 'an integer',
      error: error('type', '/States/Each/MaxConcurrency', { type: 'integer' }, { data: 1.5 }),
      expected: 'States.Each.MaxConcurrency: must be an integer (got number 1.5)',
    },
  ];
  for (const { name, error: e, expected } of cases) {
    it(name, () => {
      const [problem, ...rest] = schemaProblems([e], NESTED);
      assert.deepEqual(rest, []);
      assert.ok(problem);
      assert.equal(`${problem.path}: ${problem.message}`, expected);
    });
  }
});

describe('placeOf', () => {
  const cases: [string, Place][] = [
    ['', { kind: 'top', scope: 'chain' }],
    ['States/A', { kind: 'state', scope: 'chain' }],
    ['States', { kind: 'other', scope: 'chain' }],
    ['Defaults/States/A', { kind: 'other', scope: 'chain' }],
    ['States/A/Parameters', { kind: 'other', scope: 'chain' }],
    ['States/A/Parameters/States/B', { kind: 'other', scope: 'chain' }],
    ['States/A/Branches/0', { kind: 'branch', scope: 'branch' }],
    ['States/A/Branches', { kind: 'other', scope: 'chain' }],
    ['States/A/Branches/0/States/B', { kind: 'state', scope: 'branch' }],
    ['States/A/ItemProcessor', { kind: 'processor', scope: 'processor' }],
    ['States/A/Iterator/States/B', { kind: 'state', scope: 'processor' }],
    ['States/A/Branches/0/States/M/ItemProcessor/States/C', { kind: 'state', scope: 'processor' }],
    ['States/A/Choices/0', { kind: 'rule', scope: 'chain' }],
    ['States/A/Choices/0/And/2/Not', { kind: 'rule', scope: 'chain' }],
    ['States/A/Choices/0/Or/1', { kind: 'rule', scope: 'chain' }],
    ['States/A/Choices/0/Variable', { kind: 'other', scope: 'chain' }],
    ['States/A/Retry/0', { kind: 'retrier', scope: 'chain' }],
    ['States/A/Catch/1', { kind: 'catcher', scope: 'chain' }],
    ['States/A/Catch/1/ErrorEquals', { kind: 'other', scope: 'chain' }],
  ];
  for (const [path, place] of cases) {
    it(`/${path}: ${place.kind} in ${place.scope}`, () =>
      assert.deepEqual(placeOf(path === '' ? [] : path.split('/')), place));
  }
});

describe('stateFields', () => {
  const schema = JSON.parse(readFileSync('dag/schema.json', 'utf8')) as {
    definitions: Record<string, { properties: Record<string, unknown> }>;
  };
  for (const type of STATE_TYPES) {
    it(`lists the fields dag/schema.json gives a ${type} state, in order`, () => {
      assert.deepEqual(
        stateFields(type),
        Object.keys(schema.definitions[type.toLowerCase()]!.properties),
      );
    });
  }
});
