import { strict as assert } from 'node:assert';
import {
  errorPathProblem,
  pathProblem,
  resultPathProblem,
} from '../../../src/chain/path-checks.js';

const FIX = 'start it with $ (the state input) or $$ (the context object)';

describe('path checks', () => {
  it('pathProblem: paths into the input and the context', () => {
    for (const ok of ['$', '$$', '$.a', "$['a b'][0].c", '$$.Execution.Input.date'])
      assert.equal(pathProblem(ok), undefined, ok);
    assert.equal(pathProblem('a'), `"a" is not a path: ${FIX}`);
    assert.equal(
      pathProblem('', 'Seconds'),
      `"" is not a path: ${FIX}; for a fixed value, use "Seconds" instead`,
    );
    assert.equal(
      pathProblem('$.a b'),
      'cannot parse "$.a b" at character 4: unexpected " " after "$.a"',
    );
  });

  it('resultPathProblem: never into the context', () => {
    assert.equal(resultPathProblem('$.result'), undefined);
    assert.equal(
      resultPathProblem('$$'),
      '"$$" would write into the context object, which is read-only (ASL: a ResultPath never starts with $$); use a path into the state input such as "$.result"',
    );
    assert.equal(resultPathProblem('result'), `"result" is not a path: ${FIX}`);
  });

  it('errorPathProblem: a path or an intrinsic', () => {
    assert.equal(errorPathProblem('$.error', 'Error'), undefined);
    assert.equal(errorPathProblem("States.Format('E.{}', $.kind)", 'Error'), undefined);
    assert.equal(
      errorPathProblem('Oops', 'Error'),
      `"Oops" is not a path or an intrinsic function: ${FIX}, or call one such as States.Format(...); for a fixed error name, use "Error" instead`,
    );
    assert.equal(
      errorPathProblem('because', 'Cause'),
      `"because" is not a path or an intrinsic function: ${FIX}, or call one such as States.Format(...); for a fixed cause, use "Cause" instead`,
    );
    assert.equal(
      errorPathProblem('States.Nope()', 'Cause'),
      'cannot parse "States.Nope()" at character 1: unknown intrinsic function States.Nope',
    );
    assert.equal(
      errorPathProblem('$..e', 'Error'),
      'cannot parse "$..e" at character 2: recursive descent ("..") is not supported; spell out each field',
    );
  });
});
