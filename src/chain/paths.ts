import { PathError } from '../errors.js';
import type { Json } from '../json.js';
import type { Expression, ReferencePath } from './ast.js';
import { Cursor } from './cursor.js';
import { didYouMean } from './did-you-mean.js';
import { parseIntrinsicCall } from './intrinsic-syntax.js';
import { applyIntrinsic } from './intrinsics.js';
import { parseReferencePath, renderPath } from './reference-path.js';

export type { Expression } from './ast.js';

/**
 * Parses the value of a `.$` key: a reference path (`$…`, `$$…`) or an intrinsic call.
 * Throws PathError naming the character where the text goes wrong.
 */
export function parsePathExpression(text: string): Expression {
  try {
    return parse(text);
  } catch (error) {
    // The parser descends recursively: nesting deep enough to overflow the stack is a problem
    // of the text (reported, or States.Runtime at run time), never a crash of the cold start.
    if (!(error instanceof RangeError)) throw error;
    throw new PathError(
      `the expression nests too deeply to read (${text.length} characters); write it with fewer nested calls`,
      { cause: error },
    );
  }
}

function parse(text: string): Expression {
  const c = new Cursor(text);
  let expression: Expression;
  if (c.peek() === '$') expression = parseReferencePath(c);
  else if (text.startsWith('States.')) expression = parseIntrinsicCall(c);
  else {
    return c.fail(
      'a ".$" value must be a path starting with $ or $$, or an intrinsic function such as States.Format(...); for a fixed value, drop ".$" from the key',
    );
  }
  if (!c.done)
    c.fail(`unexpected ${JSON.stringify(c.peek())} after ${JSON.stringify(expression.text)}`);
  return expression;
}

/** Evaluates a parsed expression; `$` is `input`, `$$` is `context`. Throws PathError. */
export function evaluateExpression(expression: Expression, input: Json, context: Json): Json {
  if (expression.kind === 'path') return evaluatePath(expression, input, context);
  const args = expression.args.map((arg, i) => {
    if (arg.kind !== 'literal') return evaluateExpression(arg, input, context);
    // States.Format reads its template's escapes itself: `\{` is a brace, `{}` a placeholder.
    return i === 0 && expression.name === 'States.Format' && arg.raw !== undefined
      ? arg.raw
      : arg.value;
  });
  return applyIntrinsic(expression.name, args);
}

/** Follows a reference path; throws PathError saying exactly which step is missing. */
export function evaluatePath(path: ReferencePath, input: Json, context: Json): Json {
  let value: Json = path.root === '$' ? input : context;
  path.segments.forEach((segment, i) => {
    if (segment.kind === 'field') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw notFound(path, i, `${where(path, i)} is ${kindOf(value)}, not an object`);
      }
      if (!Object.hasOwn(value, segment.name)) {
        const guess = didYouMean(segment.name, Object.keys(value));
        throw notFound(path, i, `${where(path, i)} has no "${segment.name}"`, guess);
      }
      value = value[segment.name]!;
    } else {
      if (!Array.isArray(value)) {
        throw notFound(path, i, `${where(path, i)} is ${kindOf(value)}, not an array`);
      }
      if (segment.index >= value.length) {
        const n = value.length;
        throw notFound(
          path,
          i,
          `${where(path, i)} has ${n} item${n === 1 ? '' : 's'}, so [${segment.index}] is out of range`,
        );
      }
      value = value[segment.index]!;
    }
  });
  return value;
}

function isRunInput(path: ReferencePath): boolean {
  const [a, b] = path.segments;
  return (
    path.root === '$$' &&
    // Stryker disable next-line OptionalChaining: isRunInput is only asked about a path with a segment (a failing step, or the second one), so a is never undefined
    a?.kind === 'field' &&
    a.name === 'Execution' &&
    b?.kind === 'field' &&
    b.name === 'Input'
  );
}

function where(path: ReferencePath, count: number): string {
  if (count === 0) return path.root === '$' ? 'the state input' : 'the context object';
  if (count === 2 && isRunInput(path)) return 'the run input';
  return renderPath(path, count);
}

function notFound(path: ReferencePath, step: number, detail: string, guess?: string): PathError {
  const source = path.root === '$' ? 'the state input' : 'the context object';
  const runInput = isRunInput(path) && step >= 2;
  let hint = '';
  if (guess !== undefined) {
    hint = runInput
      ? `; did you mean "${guess}"? Otherwise pass it in the start command's input`
      : `; did you mean "${guess}"?`;
  } else if (runInput) hint = "; pass it in the start command's input";
  return new PathError(
    `path ${JSON.stringify(path.text)} not found in ${source} (${detail}${hint})`,
  );
}

function kindOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
