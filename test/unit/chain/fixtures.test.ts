import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chainProblems } from '../../../src/chain/validate.js';

const INVALID = 'test/fixtures/invalid-chains/language';
const VALID = 'test/fixtures/chains/valid/language';

/** The `.json` files of a folder, sorted. */
function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && name !== 'schema.json')
    .sort();
}

/** Each problem as `dfchain validate` prints it after the file name: `JSON.PATH: message`. */
function lines(file: string): string[] {
  const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return chainProblems(json, { paths: true }).map((p) =>
    p.path === '' ? p.message : `${p.path}: ${p.message}`,
  );
}

describe('chain fixtures of the language', () => {
  const invalid = jsonFiles(INVALID);
  const valid = jsonFiles(VALID);

  it('has at least 60 invalid and 30 valid fixtures', () => {
    assert.ok(invalid.length >= 60, `${invalid.length} invalid fixtures`);
    assert.ok(valid.length >= 30, `${valid.length} valid fixtures`);
  });

  describe(`each invalid fixture (${INVALID}) gives exactly the lines of its .expected.txt`, () => {
    for (const name of invalid) {
      it(name, () => {
        const expectedFile = join(INVALID, name.replace(/\.json$/, '.expected.txt'));
        const expected = readFileSync(expectedFile, 'utf8').split('\n').filter(Boolean);
        assert.ok(expected.length > 0, `${expectedFile} lists no problem`);
        assert.deepEqual(lines(join(INVALID, name)), expected);
      });
    }
  });

  it('has an .expected.txt for every invalid fixture, and no other', () => {
    const expectations = readdirSync(INVALID)
      .filter((name) => name.endsWith('.expected.txt'))
      .map((name) => name.replace(/\.expected\.txt$/, '.json'))
      .sort();
    assert.deepEqual(expectations, invalid);
  });

  describe(`each valid fixture (${VALID}) gives no problem`, () => {
    for (const name of valid) {
      it(name, () => assert.deepEqual(lines(join(VALID, name)), []));
    }
  });

  describe('each chain of dag/ and each example of dag/examples/ gives no problem', () => {
    for (const dir of ['dag', join('dag', 'examples')]) {
      for (const name of jsonFiles(dir)) {
        it(join(dir, name), () => assert.deepEqual(lines(join(dir, name)), []));
      }
    }
  });

  it('dag/examples/ has an example of each state type beyond Task, Succeed and Fail', () => {
    const text = jsonFiles(join('dag', 'examples'))
      .map((name) => readFileSync(join('dag', 'examples', name), 'utf8'))
      .join('\n');
    for (const type of ['Pass', 'Choice', 'Wait', 'Parallel', 'Map', 'Fail'])
      assert.match(text, new RegExp(`"Type": "${type}"`), type);
    for (const field of ['"Retry"', '"Catch"', '"ItemSelector"', '"ResultPath"'])
      assert.ok(text.includes(field), field);
  });
});
