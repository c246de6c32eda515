import type { PathSegment, ReferencePath } from './ast.js';
import type { Cursor } from './cursor.js';

const NAME_STOP = new Set(['.', '[', ']', '(', ')', ',', "'", '"', ' ', '\t', '\n', '\r']);
const NO_CODE = 'a chain file cannot run code; name the field or index';
const WILDCARD = 'wildcards ("*") are not supported; name the field or index';

/** Parses a reference path at the cursor (which is on its `$`); stops where a path cannot go on. */
export function parseReferencePath(c: Cursor): ReferencePath {
  const start = c.pos;
  c.pos++;
  let root: '$' | '$$' = '$';
  if (c.peek() === '$') {
    root = '$$';
    c.pos++;
  }
  const segments: PathSegment[] = [];
  for (;;) {
    if (c.peek() === '.') {
      if (c.peek(1) === '.')
        c.fail('recursive descent ("..") is not supported; spell out each field');
      c.pos++;
      segments.push({ kind: 'field', name: fieldName(c) });
    } else if (c.peek() === '[') {
      segments.push(bracket(c));
    } else {
      break;
    }
  }
  return { kind: 'path', root, segments, text: c.text.slice(start, c.pos) };
}

function fieldName(c: Cursor): string {
  const start = c.pos;
  while (!c.done && !NAME_STOP.has(c.peek())) c.pos++;
  const name = c.text.slice(start, c.pos);
  if (name === '') c.fail('expected a field name after "."');
  if (name.includes('*')) c.fail(WILDCARD, start + name.indexOf('*'));
  return name;
}

function bracket(c: Cursor): PathSegment {
  c.pos++;
  const ch = c.peek();
  let segment: PathSegment;
  if (ch === "'" || ch === '"') {
    segment = { kind: 'field', name: quoted(c, ch) };
  } else if (ch >= '0' && ch <= '9') {
    const start = c.pos;
    while (c.peek() >= '0' && c.peek() <= '9') c.pos++;
    const index = Number(c.text.slice(start, c.pos));
    if (!Number.isSafeInteger(index)) c.fail('index too large', start);
    segment = { kind: 'index', index };
  } else if (ch === '*') {
    return c.fail(WILDCARD);
  } else if (ch === '?') {
    return c.fail(`filter expressions are not supported: ${NO_CODE}`);
  } else if (ch === '(') {
    return c.fail(`script expressions are not supported: ${NO_CODE}`);
  } else if (ch === '-') {
    return c.fail('negative indexes are not supported; count from 0');
  } else if (ch === ':') {
    return c.fail('array slices are not supported; use a single index such as [0]');
  } else {
    return c.fail(`expected a quoted field name or an index after "["`);
  }
  if (c.peek() === ':') c.fail('array slices are not supported; use a single index such as [0]');
  if (c.peek() === ',') c.fail('unions are not supported; use one field or index per path');
  if (c.peek() !== ']') c.fail('expected "]"');
  c.pos++;
  return segment;
}

function quoted(c: Cursor, quote: string): string {
  const start = c.pos++;
  let name = '';
  for (;;) {
    if (c.done) c.fail(`unterminated field name: close it with ${quote}`, start);
    const ch = c.peek();
    if (ch === quote) break;
    // Stryker disable next-line ArithmeticOperator: the bound only differs for a backslash that ends the text, and skipping it or not, the name is unterminated with the same message and position
    if (ch === '\\' && c.pos + 1 < c.text.length) c.pos++;
    name += c.peek();
    c.pos++;
  }
  c.pos++;
  return name;
}

const PLAIN_NAME = /^[^.[\]()',"\s*]+$/;

/** Writes the first `count` segments of `path` back as text, such as `$.a['b c'][0]`. */
export function renderPath(path: ReferencePath, count = path.segments.length): string {
  let text: string = path.root;
  for (const segment of path.segments.slice(0, count)) {
    if (segment.kind === 'index') text += `[${segment.index}]`;
    else if (PLAIN_NAME.test(segment.name)) text += `.${segment.name}`;
    else text += `['${segment.name.replace(/[\\']/g, '\\$&')}']`;
  }
  return text;
}
