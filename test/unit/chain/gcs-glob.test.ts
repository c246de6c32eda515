import { strict as assert } from 'node:assert';
import { compileGlob, matchesGlob } from '../../../src/chain/gcs-glob.js';

describe('Cloud Storage matchGlob', () => {
  const cases: [glob: string, name: string, matches: boolean][] = [
    ['*.csv', 'a.csv', true],
    ['*.csv', 'dir/a.csv', false],
    ['in/*.csv', 'in/a.csv', true],
    ['in/*.csv', 'in/sub/a.csv', false],
    ['in/**.csv', 'in/sub/a.csv', true],
    ['in/**/*.csv', 'in/sub/deep/a.csv', true],
    ['**', 'any/thing/at/all', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'a/c', false],
    ['a?c', 'a😀c', true],
    ['[abc].txt', 'b.txt', true],
    ['[abc].txt', 'd.txt', false],
    ['[a-c]x', 'cx', true],
    ['[a-c]x', 'dx', false],
    ['[!a-c]x', 'dx', true],
    ['[!a-c]x', 'ax', false],
    ['[^a-c]x', 'ax', false],
    ['[]]', ']', true],
    ['[a-]', '-', true],
    ['[\\]]', ']', true],
    ['*.{csv,json}', 'a.json', true],
    ['*.{csv,json}', 'a.xml', false],
    ['{in/*.csv,archive/**}', 'archive/x/y', true],
    ['{a,{b,c}d}', 'cd', true],
    ['{a,{b,c}d}', 'c', false],
    ['{,x}y', 'y', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
    ['(x)|y+', '(x)|y+', true],
    ['a,b}', 'a,b}', true],
    ['ab', 'abc', false],
    ['line\\nfeed', 'linenfeed', true],
  ];
  for (const [glob, name, matches] of cases) {
    it(`${JSON.stringify(glob)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(name)}`, () => {
      assert.equal(matchesGlob(glob, name), matches);
    });
  }

  const bad: [glob: string, error: string][] = [
    ['', 'the glob is empty'],
    ['a\\', '"\\" at position 1 escapes nothing (end of the glob)'],
    ['in/[abc', '"[" at position 3 is never closed with "]"'],
    ['[\\', '"[" at position 0 is never closed with "]"'],
    ['x{a,b', '"{" at position 1 is never closed with "}"'],
    ['[z-a]', 'range "z-a" in the "[" at position 0 runs backwards'],
  ];
  for (const [glob, error] of bad) {
    it(`refuses ${JSON.stringify(glob)}: ${error}`, () => {
      assert.deepEqual(compileGlob(glob), { ok: false, error });
      assert.equal(matchesGlob(glob, glob), false);
    });
  }
});
