/**
 * CSV as RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180) writes it: fields separated by
 * commas, records by CRLF (LF alone is accepted too); a field in double quotes may hold commas,
 * line breaks and doubled quotes (`""`). Hand-written rather than a library: a manifest needs
 * this much only (no other delimiters, comments or type casting), and ~80 lines cost less
 * than a dependency in the function's cold start and supply chain.
 */

/** One record and the line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A CSV text that does not parse: what is wrong, and on which line. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

/** The records of `text`, in order; empty lines are skipped (a final line break ends no record). */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    if (text[i] === '\n' || text.startsWith('\r\n', i)) {
      i += text[i] === '\n' ? 1 : 2;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length)
            throw new CsvSyntaxError(start, 'a quoted field is never closed with "');
          const char = text[i]!;
          if (char === '"' && text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (char === '"') {
            i++;
            break;
          } else {
            if (char === '\n') line++;
            field += char;
            i++;
          }
        }
        const after = text[i];
        if (after !== undefined && after !== ',' && after !== '\n' && !text.startsWith('\r\n', i))
          throw new CsvSyntaxError(
            line,
            `after a quoted field comes ${JSON.stringify(after)}, not a comma or a line break`,
          );
      } else {
        while (
          i < text.length &&
          text[i] !== ',' &&
          text[i] !== '\n' &&
          !text.startsWith('\r\n', i)
        ) {
          if (text[i] === '"')
            throw new CsvSyntaxError(
              line,
              'a quote inside an unquoted field; quote the whole field and double the quote ("")',
            );
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      if (text[i] !== ',') break;
      i++;
    }
    records.push({ line: start, fields });
  }
  return records;
}
