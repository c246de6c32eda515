import { PathError } from '../errors.js';
import type { Json } from '../json.js';
import { describeJson } from './json-value.js';

/** A States.Format template: literal pieces around `{}` placeholders (`pieces.length - 1` of them). */
export interface FormatTemplate {
  readonly pieces: readonly string[];
}

/**
 * Splits a template written with ASL escapes (`\{`, `\}`, `\'`, `\\`) at its `{}` placeholders.
 * Returns a problem (with its 0-based offset in `raw`) when a brace is neither a placeholder nor escaped.
 */
export function parseFormatTemplate(raw: string): FormatTemplate | { problem: string; at: number } {
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
      return {
        problem: `the template has a lone "${c}"; write {} for a value, or \\${c} for the character itself`,
        at: i,
      };
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
  if (value === null || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

/** The message for a States.Format call whose placeholders and values do not match. */
export function formatCountProblem(placeholders: number, values: number): string {
  return `States.Format: the template has ${placeholders} {} placeholder${placeholders === 1 ? '' : 's'} but ${values} value${values === 1 ? '' : 's'} follow${values === 1 ? 's' : ''}`;
}

/** States.Format: the template (with its escapes) filled with the values that follow it. */
export function format(args: readonly Json[]): string {
  const template = parseFormatTemplate(args[0] as string);
  if ('problem' in template) {
    throw new PathError(
      `States.Format: ${template.problem} (character ${template.at + 1} of the template)`,
    );
  }
  const values = args.slice(1);
  if (values.length !== template.pieces.length - 1) {
    throw new PathError(formatCountProblem(template.pieces.length - 1, values.length));
  }
  return template.pieces.reduce(
    (out, piece, i) => {
      if (i === 0) return piece;
      const text = formatValue(values[i - 1]!);
      if (text === undefined) {
        throw new PathError(
          `States.Format argument ${i + 1} is ${describeJson(values[i - 1]!)}: only strings, numbers, booleans and null can be formatted; wrap it in States.JsonToString(...)`,
        );
      }
      return out + text + piece;
    },
    // Stryker disable next-line StringLiteral: the first piece (i === 0) is returned without reading the initial value, and there is always one
    '',
  );
}
