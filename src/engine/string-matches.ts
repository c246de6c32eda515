import { PathError } from '../errors.js';

/**
 * ASL `StringMatches` patterns: `*` matches any run of characters, possibly empty; `\*` is a
 * literal star and `\\` a literal backslash (in a JSON file, `"\\*"` and `"\\\\"`). No other
 * character is special, so regex characters such as `.` or `?` match themselves. The
 * specification defines no other escape and makes an "open" backslash a runtime error, so a
 * backslash before anything else, or at the end, is a problem of the pattern.
 *
 * Matching never builds a RegExp: a pattern is its literal pieces between stars, and a text
 * matches when the first piece starts it, the last ends it and the others occur in order in
 * between. Taking the leftmost occurrence of each middle piece is always right for star-only
 * patterns, so there is no backtracking: `*a*a*a*a*b` costs a few `indexOf` calls.
 */

/** A parsed pattern: the literal pieces between its wildcards (n stars give n + 1 pieces). */
type Pieces = readonly [string, ...string[]];

/** Why `pattern` is not a valid StringMatches pattern, or undefined when it is one. */
export function stringPatternProblem(pattern: string): string | undefined {
  const result = parse(pattern);
  return typeof result === 'string' ? result : undefined;
}

/** True when `text` matches the StringMatches `pattern`; throws PathError for an invalid one. */
export function stringMatches(text: string, pattern: string): boolean {
  const pieces = parse(pattern);
  if (typeof pieces === 'string') throw new PathError(pieces);
  const [first, ...rest] = pieces;
  const last = rest.pop();
  if (last === undefined) return text === first;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let at = first.length;
  for (const piece of rest) {
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

function parse(pattern: string): Pieces | string {
  const pieces: [string, ...string[]] = [''];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      pieces[pieces.length - 1] = current;
      pieces.push('');
      current = '';
    } else if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return badEscape(pattern, 'ends with a lone backslash');
      if (next !== '*' && next !== '\\') {
        return badEscape(pattern, `has ${JSON.stringify(`\\${next}`)}, which is not an escape`);
      }
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  pieces[pieces.length - 1] = current;
  return pieces;
}

function badEscape(pattern: string, what: string): string {
  return `the pattern ${JSON.stringify(pattern)} ${what}: in JSON, write "\\\\*" for a literal * and "\\\\\\\\" for a literal backslash`;
}
