import type { ReferencePath } from '../chain/ast.js';
import { Cursor } from '../chain/cursor.js';
import { didYouMean } from '../chain/did-you-mean.js';
import { evaluatePath } from '../chain/paths.js';
import { parseReferencePath } from '../chain/reference-path.js';
import {
  COMPARISON_OPERATORS,
  PATH_COMPARISON_OPERATORS,
  TYPE_TEST_OPERATORS,
  type ChoiceRule,
  type ChoiceState,
  type ComparisonOperator,
  type PathComparisonOperator,
  type TypeTestOperator,
} from '../chain/types.js';
import { PathError } from '../errors.js';
import type { Json } from '../json.js';
import { stringMatches, stringPatternProblem } from './string-matches.js';
import { compareTimestamps, timestampProblem } from './timestamp.js';

/**
 * Choice rules of the Amazon States Language, evaluated as AWS Step Functions does
 * (states-language.net "Choice State"; AWS "Choice workflow state"):
 *
 * - A comparison whose two values are not both of its type is false, never an error:
 *   NumericEquals on a string, StringEquals on a number, a Timestamp comparison with a string
 *   that is not a timestamp.
 * - A Variable (or `…Path` operand) that selects nothing is a runtime error, except for
 *   IsPresent, which is then false: AWS fails the execution with States.Runtime ("Invalid path
 *   '$.x': The choice state's condition path references an invalid value."). Here that is a
 *   PathError, which the engine turns into States.Runtime.
 * - String order is Java's `String.compareTo`, as the AWS page says: UTF-16 code units, which is
 *   what JavaScript's `<` compares. It differs from code-point order only between characters
 *   above U+FFFF and those in U+E000–U+FFFF.
 * - And and Or stop as soon as the result is known, so a later rule's missing path is no error.
 */

/** Every operator a data-test rule may use. */
export type ChoiceOperator = ComparisonOperator | PathComparisonOperator | TypeTestOperator;

/** What an operator's operand must be. */
export type OperandKind = 'boolean' | 'number' | 'string' | 'pattern' | 'timestamp' | 'path';

/** How one operator checks its operand and tests a value. */
export interface OperatorSpec {
  /** What the operand must be (`boolean` also for the Is… type tests). */
  readonly operand: OperandKind;
  /**
   * Tests the Variable's value against the operand: the literal operand, or for a `…Path`
   * operator the value its path selects. Pure; false when the types do not fit.
   */
  readonly test: (value: Json, operand: Json) => boolean;
}

type Test = (value: Json, operand: Json) => boolean;

function numeric(compare: (a: number, b: number) => boolean): Test {
  return (value, operand) =>
    typeof value === 'number' && typeof operand === 'number' && compare(value, operand);
}

function string(compare: (a: string, b: string) => boolean): Test {
  return (value, operand) =>
    typeof value === 'string' && typeof operand === 'string' && compare(value, operand);
}

function timestamp(accept: (order: number) => boolean): Test {
  return (value, operand) => {
    if (typeof value !== 'string' || typeof operand !== 'string') return false;
    const order = compareTimestamps(value, operand);
    return order !== undefined && accept(order);
  };
}

function typeTest(holds: (value: Json) => boolean): Test {
  return (value, operand) => holds(value) === operand;
}

const COMPARISONS: Readonly<Record<ComparisonOperator, OperatorSpec>> = {
  BooleanEquals: {
    operand: 'boolean',
    test: (value, operand) => typeof value === 'boolean' && value === operand,
  },
  NumericEquals: { operand: 'number', test: numeric((a, b) => a === b) },
  NumericGreaterThan: { operand: 'number', test: numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { operand: 'number', test: numeric((a, b) => a >= b) },
  NumericLessThan: { operand: 'number', test: numeric((a, b) => a < b) },
  NumericLessThanEquals: { operand: 'number', test: numeric((a, b) => a <= b) },
  StringEquals: { operand: 'string', test: string((a, b) => a === b) },
  StringGreaterThan: { operand: 'string', test: string((a, b) => a > b) },
  StringGreaterThanEquals: { operand: 'string', test: string((a, b) => a >= b) },
  StringLessThan: { operand: 'string', test: string((a, b) => a < b) },
  StringLessThanEquals: { operand: 'string', test: string((a, b) => a <= b) },
  StringMatches: { operand: 'pattern', test: string(stringMatches) },
  TimestampEquals: { operand: 'timestamp', test: timestamp((order) => order === 0) },
  TimestampGreaterThan: { operand: 'timestamp', test: timestamp((order) => order > 0) },
  TimestampGreaterThanEquals: { operand: 'timestamp', test: timestamp((order) => order >= 0) },
  TimestampLessThan: { operand: 'timestamp', test: timestamp((order) => order < 0) },
  TimestampLessThanEquals: { operand: 'timestamp', test: timestamp((order) => order <= 0) },
};

const TYPE_TESTS: Readonly<Record<TypeTestOperator, OperatorSpec>> = {
  // Reached only when the Variable selects something; a missing one is handled before.
  IsPresent: { operand: 'boolean', test: (_value, operand) => operand === true },
  IsNull: { operand: 'boolean', test: typeTest((value) => value === null) },
  IsNumeric: { operand: 'boolean', test: typeTest((value) => typeof value === 'number') },
  IsString: { operand: 'boolean', test: typeTest((value) => typeof value === 'string') },
  IsBoolean: { operand: 'boolean', test: typeTest((value) => typeof value === 'boolean') },
  IsTimestamp: {
    operand: 'boolean',
    test: typeTest((value) => typeof value === 'string' && timestampProblem(value) === undefined),
  },
};

function pathVariants(): Record<PathComparisonOperator, OperatorSpec> {
  const table: Partial<Record<PathComparisonOperator, OperatorSpec>> = {};
  for (const op of PATH_COMPARISON_OPERATORS) {
    const base = op.slice(0, -'Path'.length) as Exclude<ComparisonOperator, 'StringMatches'>;
    table[op] = { operand: 'path', test: COMPARISONS[base].test };
  }
  return table as Record<PathComparisonOperator, OperatorSpec>;
}

/** Operator → how it checks its operand and tests a value; the validator shares it. */
export const CHOICE_OPERATORS: Readonly<Record<ChoiceOperator, OperatorSpec>> = {
  ...COMPARISONS,
  ...pathVariants(),
  ...TYPE_TESTS,
};

const OPERATOR_NAMES: readonly ChoiceOperator[] = [
  ...COMPARISON_OPERATORS,
  ...PATH_COMPARISON_OPERATORS,
  ...TYPE_TEST_OPERATORS,
];

/** True for the name of a data-test operator (not And, Or, Not). */
export function isChoiceOperator(name: string): name is ChoiceOperator {
  return Object.hasOwn(CHOICE_OPERATORS, name);
}

/**
 * Why `operand` cannot be the value of `operator` in a chain file, or undefined when it can.
 * The message says what is expected and, for the common slips, how to fix it.
 */
export function operandProblem(operator: string, operand: unknown): string | undefined {
  if (operator === 'StringMatchesPath') {
    return '"StringMatchesPath" does not exist: StringMatches takes a fixed pattern only';
  }
  if (!isChoiceOperator(operator)) {
    const guess = didYouMean(operator, OPERATOR_NAMES);
    return `"${operator}" is not a Choice operator${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`;
  }
  const kind = CHOICE_OPERATORS[operator].operand;
  switch (kind) {
    case 'boolean':
      if (typeof operand === 'boolean') return undefined;
      return `must be true or false, not ${describe(operand)}${operand === 'true' || operand === 'false' ? ' (drop the quotes)' : ''}`;
    case 'number':
      if (typeof operand === 'number' && Number.isFinite(operand)) return undefined;
      return `must be a number, not ${describe(operand)}${typeof operand === 'string' && operand.trim() !== '' && Number.isFinite(Number(operand)) ? ' (drop the quotes)' : ''}`;
    case 'string':
      return typeof operand === 'string' ? undefined : `must be a string, not ${describe(operand)}`;
    case 'pattern':
      if (typeof operand !== 'string') return `must be a string, not ${describe(operand)}`;
      return stringPatternProblem(operand);
    case 'timestamp': {
      if (typeof operand !== 'string') {
        return `must be a timestamp string such as "2016-03-14T01:59:00Z", not ${describe(operand)}`;
      }
      const problem = timestampProblem(operand);
      return problem === undefined
        ? undefined
        : `${JSON.stringify(operand)} is not a timestamp: ${problem}`;
    }
    case 'path':
      return pathOperandProblem(operator, operand);
  }
}

/** Why `text` is not a reference path a Choice rule can read (`$…` or `$$…`), or undefined. */
export function referencePathProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') {
    return `must be a reference path such as "$.limit", not ${describe(text)}`;
  }
  try {
    parsePath(text);
    return undefined;
  } catch (error) {
    if (error instanceof PathError) return error.message;
    throw error;
  }
}

function pathOperandProblem(operator: string, operand: unknown): string | undefined {
  if (typeof operand === 'string' && !operand.startsWith('$')) {
    // The usual slip: a literal under a …Path operator.
    const literal = operator.slice(0, -'Path'.length);
    return `${JSON.stringify(operand)} is not a path: "${operator}" compares with the value at a path such as "$.limit"; to compare with a fixed value, use "${literal}"`;
  }
  return referencePathProblem(operand);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return 'an object';
}

function parsePath(text: string): ReferencePath {
  const c = new Cursor(text);
  if (c.peek() !== '$') {
    c.fail('a path starts with $ (the state input) or $$ (the context object)');
  }
  const path = parseReferencePath(c);
  if (!c.done) c.fail(`unexpected ${JSON.stringify(c.peek())} after ${JSON.stringify(path.text)}`);
  return path;
}

type Lookup =
  | { readonly found: true; readonly value: Json }
  | { readonly found: false; readonly why: PathError };

function lookup(text: string, input: Json, context: Json): Lookup {
  // A path that does not parse is a fault of the chain, not of the data: let it through.
  const path = parsePath(text);
  try {
    return { found: true, value: evaluatePath(path, input, context) };
  } catch (error) {
    if (error instanceof PathError) return { found: false, why: error };
    throw error;
  }
}

// AWS's own sentence first, so a cause matches what Step Functions reports; then which step of
// the path is missing and the fix.
function invalidPath(text: string, why: PathError): PathError {
  const detail = why.message.charAt(0).toUpperCase() + why.message.slice(1);
  return new PathError(
    `Invalid path '${text}': The choice state's condition path references an invalid value. ${detail}; if it may be missing, test it first with "IsPresent".`,
    { cause: why },
  );
}

function resolve(text: string, input: Json, context: Json): Json {
  const result = lookup(text, input, context);
  if (!result.found) throw invalidPath(text, result.why);
  return result.value;
}

/**
 * Evaluates one Choice rule against the state's effective input (`$`) and context (`$$`).
 * Throws PathError for a path that selects nothing (AWS: States.Runtime).
 */
export function evaluateRule(rule: ChoiceRule, input: Json, context: Json = null): boolean {
  if (rule.And !== undefined) return rule.And.every((r) => evaluateRule(r, input, context));
  if (rule.Or !== undefined) return rule.Or.some((r) => evaluateRule(r, input, context));
  if (rule.Not !== undefined) return !evaluateRule(rule.Not, input, context);
  const operators = Object.keys(rule).filter(isChoiceOperator);
  const [operator] = operators;
  if (operator === undefined || operators.length > 1 || typeof rule.Variable !== 'string') {
    // Validation rules these out; a rule that slipped through fails the state, not the process.
    throw new PathError(
      `a Choice rule needs "And", "Or", "Not", or a "Variable" with exactly one operator; this one has ${operators.length === 0 ? 'no operator' : operators.map((o) => `"${o}"`).join(', ')}${typeof rule.Variable === 'string' ? '' : ' and no "Variable"'}`,
    );
  }
  const operand = rule[operator] as Json;
  const variable = lookup(rule.Variable, input, context);
  if (operator === 'IsPresent') return variable.found === (operand === true);
  if (!variable.found) throw invalidPath(rule.Variable, variable.why);
  const spec = CHOICE_OPERATORS[operator];
  if (spec.operand !== 'path') return spec.test(variable.value, operand);
  const problem = pathOperandProblem(operator, operand);
  if (problem !== undefined) throw new PathError(`"${operator}": ${problem}`);
  return spec.test(variable.value, resolve(operand as string, input, context));
}

/**
 * The state to go to: the `Next` of the first top-level rule that holds, else `Default`, else
 * undefined (the engine then raises the no-match error). Throws PathError as evaluateRule does.
 */
export function chooseNext(
  state: ChoiceState,
  input: Json,
  context: Json = null,
): string | undefined {
  const chosen = state.Choices.find((rule) => evaluateRule(rule, input, context));
  return chosen === undefined ? state.Default : chosen.Next;
}
