import { strict as assert } from 'node:assert';
import { manifestItems } from '../../../src/storage/manifest.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('storage/manifest', () => {
  it('JSON: the array is the items', () => {
    assert.deepEqual(manifestItems(bytes('[{"a":1},"b",2]'), 'JSON'), {
      items: [{ a: 1 }, 'b', 2],
    });
  });

  it('JSON that is not an array, or not JSON, is a problem', () => {
    assert.deepEqual(manifestItems(bytes('{"files":[]}'), 'JSON'), {
      problem: 'holds an object, not a JSON array of items',
    });
    const problem = manifestItems(bytes('[1,'), 'JSON');
    assert.ok('problem' in problem && problem.problem.startsWith('is not JSON: '));
  });

  it('JSONL: one value a line, blank lines and CRs skipped; a bad line is named', () => {
    assert.deepEqual(manifestItems(bytes('{"f":"a"}\r\n\n{"f":"b"}\n'), 'JSONL'), {
      items: [{ f: 'a' }, { f: 'b' }],
    });
    const problem = manifestItems(bytes('{"f":"a"}\n{oops}\n'), 'JSONL');
    assert.ok('problem' in problem && problem.problem.startsWith('line 2 is not JSON: '));
  });

  it('CSV: the first line is the header, each row an object of strings keyed by it', () => {
    assert.deepEqual(manifestItems(bytes('file,rows\r\n"in/a,1.csv",10\nin/b.csv,\n'), 'CSV'), {
      items: [
        { file: 'in/a,1.csv', rows: '10' },
        { file: 'in/b.csv', rows: '' },
      ],
    });
    assert.deepEqual(manifestItems(bytes(''), 'CSV'), { items: [] });
    assert.deepEqual(manifestItems(bytes('file\n'), 'CSV'), { items: [] });
  });

  const bad: [string, string][] = [
    ['file,rows\na\n', 'line 2 has 1 fields, the header 2'],
    ['file,file\na,b\n', 'has the column "file" twice in its header'],
    ['file,\na,b\n', 'has an empty column name in its header (line 1)'],
    ['file\n"a\n', 'is not CSV: line 2: a quoted field is never closed with "'],
  ];
  for (const [text, problem] of bad) {
    it(`CSV ${JSON.stringify(text)}: ${problem}`, () => {
      assert.deepEqual(manifestItems(bytes(text), 'CSV'), { problem });
    });
  }

  it('bytes that are not UTF-8 are a problem', () => {
    assert.deepEqual(manifestItems(Buffer.from([0xff, 0xfe, 0x00]), 'JSONL'), {
      problem: 'is not UTF-8 text',
    });
  });
});
