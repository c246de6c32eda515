import { strict as assert } from 'node:assert';
import { PathError } from '../../../src/errors.js';
import { stringMatches, stringPatternProblem } from '../../../src/engine/string-matches.js';

describe('engine: StringMatches patterns', () => {
  // Patterns are written as JavaScript strings: '\\*' is the two characters \ and *, which a
  // chain file spells "\\*".
  const cases: [pattern: string, text: string, matches: boolean][] = [
    // The specification's examples.
    ['foo*.log', 'foo23.log', true],
    ['*.log', 'zebra.log', true],
    ['foo*.*', 'foobar.zebra', true],
    ['log-*.txt', 'log-2024.txt', true],
    ['log-*.txt', 'log-.txt', true],
    ['log-*.txt', 'log-2024.csv', false],
    // No wildcard: the whole text, exactly.
    ['invoice-2025.json', 'invoice-2025.json', true],
    ['invoice', 'invoice-2025', false],
    ['invoice', 'Invoice', false],
    ['', '', true],
    ['', 'a', false],
    // A star matches zero or more characters, anywhere.
    ['*', '', true],
    ['*', 'anything at all', true],
    ['**', '', true],
    ['a*', 'a', true],
    ['*a', 'a', true],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['a**b', 'ab', true],
    ['*ab*', 'xxabyy', true],
    ['logs-*-*-done', 'logs-2025-04-done', true],
    ['logs-*-*-done', 'logs-2025-done', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['a*b*c', 'abcbc', true],
    ['*b*b', 'bb', true],
    ['*bb*bb', 'bbb', false],
    ['ab*ba', 'aba', false],
    // The leftmost occurrence of a middle piece must leave room for the last piece.
    ['a*bc*c', 'abcbcc', true],
    ['a*xy*z', 'axyxyz', true],
    // Escapes: \* is a star, \\ a backslash.
    ['file\\*name.txt', 'file*name.txt', true],
    ['file\\*name.txt', 'fileXname.txt', false],
    ['\\**', '*abc', true],
    ['\\**', 'abc', false],
    ['*\\*', 'abc*', true],
    ['C:\\\\temp\\\\*', 'C:\\temp\\file', true],
    ['C:\\\\temp\\\\*', 'C:/temp/file', false],
    ['\\\\*', '\\', true],
    ['\\\\\\*', '\\*', true],
    ['\\\\\\*', '\\x', false],
    // Regex and glob characters are literal.
    ['a.c', 'abc', false],
    ['a.c', 'a.c', true],
    ['a?c', 'abc', false],
    ['a?c', 'a?c', true],
    ['[abc]', 'a', false],
    ['[abc]', '[abc]', true],
    ['^a+$', '^a+$', true],
    ['(x|y)*', '(x|y)zzz', true],
    ['a{2}', 'aa', false],
    // Case and Unicode: compared as they are, no folding.
    ['Ünïcödé*', 'Ünïcödé-😀', true],
    ['*😀', 'smile 😀', true],
    ['*😀', 'smile 😁', false],
    ['line*end', 'line\nmiddle\nend', true],
  ];
  for (const [pattern, text, matches] of cases) {
    it(`${JSON.stringify(pattern)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(text)}`, () => {
      assert.equal(stringMatches(text, pattern), matches);
      assert.equal(stringPatternProblem(pattern), undefined);
    });
  }

  describe('rejects a backslash that escapes nothing', () => {
    const advice = 'in JSON, write "\\\\*" for a literal * and "\\\\\\\\" for a literal backslash';
    const bad: [pattern: string, problem: string][] = [
      ['a\\', `the pattern "a\\\\" ends with a lone backslash: ${advice}`],
      ['\\', `the pattern "\\\\" ends with a lone backslash: ${advice}`],
      ['a\\\\\\', `the pattern "a\\\\\\\\\\\\" ends with a lone backslash: ${advice}`],
      ['C:\\temp', `the pattern "C:\\\\temp" has "\\\\t", which is not an escape: ${advice}`],
      ['a\\.b', `the pattern "a\\\\.b" has "\\\\.", which is not an escape: ${advice}`],
      ['\\?', `the pattern "\\\\?" has "\\\\?", which is not an escape: ${advice}`],
    ];
    for (const [pattern, problem] of bad) {
      it(JSON.stringify(pattern), () => {
        assert.equal(stringPatternProblem(pattern), problem);
        assert.throws(
          () => stringMatches('anything', pattern),
          (error: unknown) => error instanceof PathError && error.message === problem,
        );
      });
    }

    it('spells the advice as a chain file does', () => {
      assert.equal(
        advice,
        String.raw`in JSON, write "\\*" for a literal * and "\\\\" for a literal backslash`,
      );
    });
  });

  describe('never backtracks: pathological patterns finish fast', () => {
    const text = 'a'.repeat(100_000);
    const cases: [name: string, pattern: string, matches: boolean][] = [
      ['*a*a*a*a*b', '*a*a*a*a*b', false],
      ['*a*a*a*a*a*a*a*a*a*a*', '*a*a*a*a*a*a*a*a*a*a*', true],
      ['a thousand "*a" then "*b*"', `${'*a'.repeat(1000)}*b*`, false],
      ['a thousand "*a" then "*"', `${'*a'.repeat(1000)}*`, true],
      ['*aaaa…ab (a long middle piece)', `*${'a'.repeat(5000)}b*`, false],
      ['a thousand stars', '*'.repeat(1000), true],
    ];
    for (const [name, pattern, matches] of cases) {
      it(name, () => {
        const started = performance.now();
        assert.equal(stringMatches(text, pattern), matches);
        assert.ok(performance.now() - started < 500, `${performance.now() - started} ms`);
      });
    }
  });
});
