import { PathError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import type { Expression, ReferencePath } from './ast.js';
import { Cursor } from './cursor.js';
import { didYouMean } from './did-you-mean.js';
import { IntrinsicRandom } from './intrinsic-random.js';
import { parseIntrinsicCall } from './intrinsic-syntax.js';
import { applyIntrinsic } from './intrinsics.js';
import { parseReferencePath, renderPath } from './reference-path.js';

export type { Expression } from './ast.js';
export { IntrinsicRandom } from './intrinsic-random.js';

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

/**
 * Parses an ASL Path field (InputPath, OutputPath, ItemsPath, …). ASL allows any JSONPath there;
 * dfchain takes reference paths only (`$`, `$$`, `.field`, `['field']`, `[index]`: no filters,
 * wildcards, slices or unions), each naming one value. Throws PathError naming the character.
 */
export function parsePath(text: string): ReferencePath {
  const c = new Cursor(text);
  if (c.peek() !== '$')
    c.fail('a path must start with $ (the state input) or $$ (the context object)');
  const path = parseReferencePath(c);
  if (!c.done) c.fail(`unexpected ${JSON.stringify(c.peek())} after ${JSON.stringify(path.text)}`);
  return path;
}

/**
 * Parses a ResultPath: a Reference Path into the state input. The specification: it "MUST NOT
 * begin with "$$"; i.e. it may not be used to insert content into the Context Object".
 */
export function parseResultPath(text: string): ReferencePath {
  const path = parsePath(text);
  if (path.root === '$$') {
    new Cursor(text).fail(
      'a ResultPath cannot start with $$: the context object is read-only; write the result into the state input with $',
    );
  }
  return path;
}

/**
 * ASL ResultPath: `target` with `value` placed at `path`, as a new value (`target` is left
 * alone). `$` replaces the whole of it; a missing field along the way is created as an object.
 * Throws PathError (the engine's States.ResultPathMatchFailure) when the path starts with `$$`,
 * goes through something that exists but is not an object (for a field) or not an array (for an
 * index), or names an index past the end of an array.
 */
export function setAtPath(target: Json, path: ReferencePath, value: Json): Json {
  if (path.root !== '$') {
    throw new PathError(
      `ResultPath ${JSON.stringify(path.text)} cannot be applied: it starts with $$, and the context object is read-only; start it with $`,
    );
  }
  // Copy each container along the path, top down, then link the copies bottom up.
  const copies: (JsonObject | Json[])[] = [];
  let node: Json | undefined = target;
  path.segments.forEach((segment, i) => {
    if (segment.kind === 'field') {
      if (
        node !== undefined &&
        (node === null || typeof node !== 'object' || Array.isArray(node))
      ) {
        throw unplaceable(path, `${where(path, i)} is ${kindOf(node)}, not an object`);
      }
      const copy: JsonObject = node === undefined ? {} : { ...node };
      node = Object.hasOwn(copy, segment.name) ? copy[segment.name] : undefined;
      copies.push(copy);
      return;
    }
    if (!Array.isArray(node)) {
      const what =
        node === undefined
          ? 'does not exist (only objects are created on the way)'
          : `is ${kindOf(node)}, not an array`;
      throw unplaceable(path, `${where(path, i)} ${what}`);
    }
    if (segment.index >= node.length) {
      const n = node.length;
      throw unplaceable(
        path,
        `${where(path, i)} has ${n} item${n === 1 ? '' : 's'}, so [${segment.index}] is out of range`,
      );
    }
    const copy: Json[] = [...node];
    node = copy[segment.index];
    copies.push(copy);
  });
  let placed = value;
  for (let i = copies.length - 1; i >= 0; i--) {
    const copy = copies[i]!;
    const segment = path.segments[i]!;
    if (segment.kind === 'index') (copy as Json[])[segment.index] = placed;
    else setOwn(copy as JsonObject, segment.name, placed);
    placed = copy;
  }
  return placed;
}

/** Sets `object[key]` as an own field, even for "__proto__" (an assignment would set the prototype). */
export function setOwn(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function unplaceable(path: ReferencePath, detail: string): PathError {
  return new PathError(
    `ResultPath ${JSON.stringify(path.text)} cannot be applied to the state input (${detail}); choose a ResultPath whose parents are objects, or null to discard the result`,
  );
}

/**
 * Evaluates a parsed expression; `$` is `input`, `$$` is `context`. Throws PathError.
 *
 * `seed` makes States.UUID and States.MathRandom deterministic (see IntrinsicRandom): a string
 * starts a fresh count of draws; pass one IntrinsicRandom to several evaluations (the `.$` keys
 * of one template) so that they draw in turn and never repeat a value.
 */
export function evaluateExpression(
  expression: Expression,
  input: Json,
  context: Json,
  seed: string | IntrinsicRandom = '',
): Json {
  const random = typeof seed === 'string' ? new IntrinsicRandom(seed) : seed;
  return evaluate(expression, input, context, random);
}

function evaluate(
  expression: Expression,
  input: Json,
  context: Json,
  random: IntrinsicRandom,
): Json {
  if (expression.kind === 'path') return evaluatePath(expression, input, context);
  // Arguments are evaluated left to right, so the draws of nested calls come in text order.
  const args = expression.args.map((arg, i) => {
    if (arg.kind !== 'literal') return evaluate(arg, input, context, random);
    // States.Format reads its template's escapes itself: `\{` is a brace, `{}` a placeholder.
    return i === 0 && expression.name === 'States.Format' && arg.raw !== undefined
      ? arg.raw
      : arg.value;
  });
  return applyIntrinsic(expression.name, args, random);
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
