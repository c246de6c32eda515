import type { ItemInputType } from '../chain/item-reader.js';
import type { Json } from '../json.js';
import { CsvSyntaxError, parseCsv } from './csv.js';

/** The items of a manifest, or what is wrong with it (for States.ItemReaderFailed's cause). */
export type ManifestItems = { readonly items: Json[] } | { readonly problem: string };

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function json(text: string): ManifestItems {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(value))
    return { problem: `holds ${typeName(value)}, not a JSON array of items` };
  return { items: value as Json[] };
}

function jsonLines(text: string): ManifestItems {
  const items: Json[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line) as Json);
    } catch (error) {
      return { problem: `line ${i + 1} is not JSON: ${(error as Error).message}` };
    }
  }
  return { items };
}

/**
 * CSV with its header on the first line (AWS's `CSVHeaderLocation: FIRST_ROW`): each later
 * row is an object keyed by the header, every value a string.
 */
function csv(text: string): ManifestItems {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { problem: `is not CSV: ${error.message}` };
  }
  const [header, ...rows] = records;
  if (header === undefined) return { items: [] };
  const seen = new Set<string>();
  for (const name of header.fields) {
    if (name === '') return { problem: 'has an empty column name in its header (line 1)' };
    if (seen.has(name))
      return { problem: `has the column ${JSON.stringify(name)} twice in its header` };
    seen.add(name);
  }
  const items: Json[] = [];
  for (const row of rows) {
    if (row.fields.length !== header.fields.length)
      return {
        problem: `line ${row.line} has ${row.fields.length} fields, the header ${header.fields.length}`,
      };
    items.push(Object.fromEntries(header.fields.map((name, i) => [name, row.fields[i]!])));
  }
  return { items };
}

/**
 * The items of a manifest object's bytes read as `type`: JSON (one array), JSONL (one JSON
 * value a line; blank lines skipped) or CSV (header first). The bytes must be UTF-8.
 */
export function manifestItems(bytes: Uint8Array, type: ItemInputType): ManifestItems {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { problem: 'is not UTF-8 text' };
  }
  if (type === 'JSON') return json(text);
  if (type === 'JSONL') return jsonLines(text);
  return csv(text);
}
