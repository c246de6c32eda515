import { strict as assert } from 'node:assert';
import { dotPath, joinPath, pointerSegments, valueAt } from '../../../src/chain/json-pointer.js';

describe('pointerSegments', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['/States/Ingest/Next', ['States', 'Ingest', 'Next']],
    ['/a~1b/c~0d/~01', ['a/b', 'c~d', '~1']],
    ['/', ['']],
  ];
  for (const [pointer, segments] of cases) {
    it(`splits ${JSON.stringify(pointer)} into ${JSON.stringify(segments)}`, () =>
      assert.deepEqual(pointerSegments(pointer), segments));
  }
});

describe('valueAt', () => {
  const data = { a: { b: [10, 'xyz'] }, n: null, s: 'text' };
  const cases: [string[], unknown][] = [
    [[], data],
    [['a', 'b', '1'], 'xyz'],
    [['a', 'missing'], undefined],
    [['a', 'missing', 'deeper'], undefined],
    [['n', 'x'], undefined],
    [['s', 'length'], undefined],
    [['a', 'b', '1', 'length'], undefined],
    [['a', 'b', '0', 'x'], undefined],
  ];
  for (const [segments, value] of cases) {
    it(`finds ${JSON.stringify(value)} at ${segments.join('/')}, never inside a string or null`, () =>
      assert.deepEqual(valueAt(data, segments), value));
  }
});

describe('dotPath', () => {
  const data = { States: { Ingest: { list: [{ b: 1 }, [2]] } }, n: null, s: 'text' };
  const cases: [string[], string][] = [
    [[], ''],
    [['States', 'Ingest'], 'States.Ingest'],
    [['States', 'Ingest', 'list', '0', 'b'], 'States.Ingest.list[0].b'],
    [['States', 'Ingest', 'list', '1', '0'], 'States.Ingest.list[1][0]'],
    [['n', 'x', 'y'], 'n.x.y'],
    [['s', '0', '1'], 's.0.1'],
    [['missing', '0'], 'missing.0'],
  ];
  for (const [segments, path] of cases) {
    it(`writes ${JSON.stringify(segments)} as ${JSON.stringify(path)}`, () =>
      assert.equal(dotPath(data, segments), path));
  }
});

describe('joinPath', () => {
  it('joins with a dot, except at the top level', () => {
    assert.equal(joinPath('', 'States'), 'States');
    assert.equal(joinPath('States', 'Ingest'), 'States.Ingest');
  });
});
