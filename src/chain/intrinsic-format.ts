import type { Json } from '../json.js';

/** A States.Format template: literal pieces around `{}` placeholders (`pieces.length - 1` of them). */
export interface FormatTemplate {
  readonly pieces: readonly string[];
}

/**
 * Splits a template written with ASL escapes (`\{`, `\}`, `\'`, `\\`) at its `{}` placeholders.
 * Returns a problem text instead when a brace is neither a placeholder nor escaped.
 */
export function parseFormatTemplate(raw: string): FormatTemplate | string {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      piece += raw[++i];
    } else if (c === '{' && raw[i + 1] === '}') {
      pieces.push(piece);
      piece = '';
      i++;
    } else if (c === '{' || c === '}') {
      return `the template has a lone "${c}" at character ${i + 1}: write {} for a value, or \\${c} for the character itself`;
    } else {
      piece += c;
    }
  }
  pieces.push(piece);
  return { pieces };
}

/** How a value is written into a States.Format result; undefined for arrays and objects. */
export function formatValue(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
