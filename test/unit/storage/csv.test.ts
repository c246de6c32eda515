import { strict as assert } from 'node:assert';
import { CsvSyntaxError, parseCsv } from '../../../src/storage/csv.js';

const fieldsOf = (text: string): string[][] => parseCsv(text).map((r) => [...r.fields]);

describe('storage/csv', () => {
  it('reads records of fields, with CRLF or LF, skipping empty lines and a final line break', () => {
    assert.deepEqual(fieldsOf('a,b\r\n1,2\n\n3,\n'), [
      ['a', 'b'],
      ['1', '2'],
      ['3', ''],
    ]);
    assert.deepEqual(
      parseCsv('a\n\nb').map((r) => r.line),
      [1, 3],
    );
  });

  it('quoted fields hold commas, line breaks and doubled quotes; a BOM is dropped', () => {
    const records = parseCsv('\uFEFFname,note\n"a,b","say ""hi""\nthere"\nc,""\n');
    assert.deepEqual(
      records.map((r) => r.fields),
      [
        ['name', 'note'],
        ['a,b', 'say "hi"\nthere'],
        ['c', ''],
      ],
    );
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 2, 4],
    );
  });

  const bad: [string, string][] = [
    ['a\n"open', 'line 2: a quoted field is never closed with "'],
    ['a\n"x"y,z', 'line 2: after a quoted field comes "y", not a comma or a line break'],
    [
      'a\nx"y',
      'line 2: a quote inside an unquoted field; quote the whole field and double the quote ("")',
    ],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseCsv(text),
        (e: unknown) => e instanceof CsvSyntaxError && e.message === message,
      );
    });
  }
});
