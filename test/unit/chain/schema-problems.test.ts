import { strict as assert } from 'node:assert';
import type { ErrorObject } from 'ajv';
import { schemaProblems } from '../../../src/chain/schema-problems.js';

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

  it('leaves out the errors of wrappers and of the Task transition rule', () => {
    assert.deepEqual(
      schemaProblems(
        [
          error('if', '/States/T', {}),
          error('propertyNames', '/States', {}),
          error(
            'required',
            '/States/T',
            { missingProperty: 'Next' },
            { schemaPath: '#/definitions/taskTransition/oneOf/0/required' },
          ),
          error('type', '/States/T', { type: 'string' }, { schemaPath: '#/anyOf/0/type' }),
        ],
        DATA,
      ),
      [],
    );
  });
});
