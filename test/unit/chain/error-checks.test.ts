import { strict as assert } from 'node:assert';
import { ASL_ERROR_NAMES, errorProblems } from '../../../src/chain/error-checks.js';

function problems(states: Record<string, unknown>): string[] {
  return errorProblems({ StartAt: 'A', States: states }).map((p) => `${p.path}: ${p.message}`);
}

const RESERVED =
  'names starting with "States." are reserved for ASL\'s own errors, so name yours without that prefix';

describe('errorProblems', () => {
  it('accepts every ASL error name, and names of our own', () => {
    const names = [
      ...ASL_ERROR_NAMES.filter((n) => n !== 'States.ALL'),
      'Dataflow.JobFailed',
      'Mine',
    ];
    assert.deepEqual(
      problems({
        A: {
          Type: 'Task',
          Retry: [{ ErrorEquals: names }, { ErrorEquals: ['States.ALL'] }],
          Catch: [{ ErrorEquals: names }, { ErrorEquals: ['States.ALL'] }],
        },
        F: { Type: 'Fail', Error: 'States.Timeout' },
      }),
      [],
    );
  });

  it('refuses unknown States. names in Retry, Catch and Fail, with the closest one', () => {
    assert.deepEqual(
      problems({
        A: {
          Type: 'Map',
          Retry: [{ ErrorEquals: ['States.TaskFaild', 7, 'States.'] }],
          Catch: [{ ErrorEquals: ['States.Branchfailed'] }],
        },
        F: { Type: 'Fail', Error: 'States.Nope' },
      }),
      [
        `States.A.Retry[0].ErrorEquals[0]: "States.TaskFaild" is not an error of the States Language (did you mean "States.TaskFailed"?); ${RESERVED}`,
        `States.A.Retry[0].ErrorEquals[2]: "States." is not an error of the States Language (did you mean "States.ALL"?); ${RESERVED}`,
        `States.A.Catch[0].ErrorEquals[0]: "States.Branchfailed" is not an error of the States Language (did you mean "States.BranchFailed"?); ${RESERVED}`,
        `States.F.Error: "States.Nope" is not an error of the States Language; ${RESERVED}`,
      ],
    );
  });

  it('States.ALL alone and last, in Retry and in Catch, in nested states too', () => {
    assert.deepEqual(
      problems({
        A: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'T',
              States: {
                T: {
                  Type: 'Task',
                  Retry: [{ ErrorEquals: ['States.ALL', 'X'] }, { ErrorEquals: ['Y'] }],
                  Catch: [{ ErrorEquals: ['X', 'States.ALL'] }],
                },
              },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['States.ALL'] }],
        },
      }),
      [
        'States.A.Catch[0].ErrorEquals: "States.ALL" must be in the last catcher of Catch, or the ones after it could never apply; move Catch[0] to the end',
        'States.A.Branches[0].States.T.Retry[0].ErrorEquals: "States.ALL" matches every error, so it must stand alone; move the other names to an earlier retrier',
        'States.A.Branches[0].States.T.Retry[0].ErrorEquals: "States.ALL" must be in the last retrier of Retry, or the ones after it could never apply; move Retry[0] to the end',
        'States.A.Branches[0].States.T.Catch[0].ErrorEquals: "States.ALL" matches every error, so it must stand alone; move the other names to an earlier catcher',
      ],
    );
  });

  it('a Fail state cannot raise the wildcard', () => {
    assert.deepEqual(problems({ F: { Type: 'Fail', Error: 'States.ALL' } }), [
      'States.F.Error: "States.ALL" is a wildcard for matching errors, not an error a Fail state can raise; name the error, such as "Sales.Missing"',
    ]);
  });

  it('leaves malformed lists to the schema', () => {
    assert.deepEqual(
      problems({
        A: { Type: 'Task', Retry: 'x', Catch: [null, { ErrorEquals: 'States.ALL' }] },
        B: { Type: 'Pass', Error: 'States.Nope' },
        F: { Type: 'Fail', Error: 5 },
      }),
      [],
    );
  });
});
