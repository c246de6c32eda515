import type { Argument, IntrinsicCall, Literal } from './ast.js';
import type { Cursor } from './cursor.js';
import { didYouMean } from './did-you-mean.js';
import { formatCountProblem, parseFormatTemplate } from './intrinsic-format.js';
import {
  INTRINSIC_NAMES,
  acrossProblem,
  argumentProblem,
  arityProblem,
  type IntrinsicName,
} from './intrinsics.js';
import { parseReferencePath } from './reference-path.js';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NAME = /States\.[A-Za-z0-9]+/y;
const WORD_END = /[\s,)]/;

/** Parses `States.Name(args…)` at the cursor, checking the name, arity and literal arguments. */
export function parseIntrinsicCall(c: Cursor): IntrinsicCall {
  const start = c.pos;
  NAME.lastIndex = start;
  if (!NAME.test(c.text)) c.fail('expected an intrinsic function name such as States.Format');
  const name = c.text.slice(start, NAME.lastIndex);
  if (!(INTRINSIC_NAMES as readonly string[]).includes(name)) {
    const guess = didYouMean(name, INTRINSIC_NAMES);
    c.fail(`unknown intrinsic function ${name}${guess ? ` (did you mean ${guess}?)` : ''}`, start);
  }
  const known = name as IntrinsicName;
  c.pos = NAME.lastIndex;
  if (c.peek() !== '(') c.fail(`expected "(" after ${name}`);
  c.pos++;
  const args: Argument[] = [];
  const starts: number[] = [];
  c.skipSpaces();
  if (c.peek() === ')') c.pos++;
  else {
    for (;;) {
      c.skipSpaces();
      starts.push(c.pos);
      args.push(parseArgument(c));
      c.skipSpaces();
      if (c.peek() === ')') {
        c.pos++;
        break;
      }
      if (c.peek() !== ',')
        c.fail(c.done ? `missing ")" to close ${name}(` : 'expected "," or ")"');
      c.pos++;
    }
  }
  const arity = arityProblem(known, args.length);
  if (arity) c.fail(arity, start);
  args.forEach((arg, i) => {
    const problem = arg.kind === 'literal' ? argumentProblem(known, i, arg.value) : undefined;
    if (problem) c.fail(problem, starts[i]);
  });
  // Rules across arguments (a range too long, a start not below the end) when all are known now.
  const values = args.flatMap((arg) => (arg.kind === 'literal' ? [arg.value] : []));
  const across = values.length === args.length ? acrossProblem(known, values) : undefined;
  if (across) c.fail(across, start);
  const template = args[0];
  // Stryker disable next-line OptionalChaining: the arity check above has already refused States.Format without a template
  if (known === 'States.Format' && template?.kind === 'literal' && template.raw !== undefined) {
    const parsed = parseFormatTemplate(template.raw);
    if ('problem' in parsed) c.fail(`States.Format: ${parsed.problem}`, starts[0]! + 1 + parsed.at);
    else if (parsed.pieces.length !== args.length) {
      c.fail(formatCountProblem(parsed.pieces.length - 1, args.length - 1), start);
    }
  }
  return { kind: 'call', name: known, args, text: c.text.slice(start, c.pos) };
}

function parseArgument(c: Cursor): Argument {
  const ch = c.peek();
  if (ch === "'") return stringLiteral(c);
  if (ch === '$') return parseReferencePath(c);
  if (c.text.startsWith('States.', c.pos)) return parseIntrinsicCall(c);
  NUMBER.lastIndex = c.pos;
  if (NUMBER.test(c.text) && WORD_END.test(c.text[NUMBER.lastIndex] ?? ')')) {
    const value = Number(c.text.slice(c.pos, NUMBER.lastIndex));
    if (!Number.isFinite(value)) c.fail('this number is too large; write one below 1e308');
    c.pos = NUMBER.lastIndex;
    return { kind: 'literal', value };
  }
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const) {
    if (c.text.startsWith(word, c.pos) && WORD_END.test(c.text[c.pos + word.length] ?? ')')) {
      c.pos += word.length;
      return { kind: 'literal', value };
    }
  }
  if (ch === '"') c.fail(`strings in intrinsic functions use single quotes: 'like this'`);
  return c.fail(
    `expected an argument: a 'string', a number, true, false, null, a path such as $.a, or States.X(...)`,
  );
}

function stringLiteral(c: Cursor): Literal {
  const start = c.pos++;
  let value = '';
  for (;;) {
    if (c.done) c.fail(`unterminated string: close it with '`, start);
    const ch = c.peek();
    if (ch === "'") break;
    // Stryker disable next-line ArithmeticOperator: the bound only differs for a backslash that ends the text, and skipping it or not, the string is unterminated with the same message and position
    if (ch === '\\' && c.pos + 1 < c.text.length) c.pos++;
    value += c.peek();
    c.pos++;
  }
  c.pos++;
  return { kind: 'literal', value, raw: c.text.slice(start + 1, c.pos - 1) };
}
