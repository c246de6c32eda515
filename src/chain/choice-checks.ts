import { isObject, type UnknownObject } from '../json.js';
import type { ChainProblem } from '../errors.js';
import { isChoiceOperator, operandProblem } from '../engine/choice.js';
import { chainStates } from './graph.js';
import { pathProblem } from './path-checks.js';

const BOOLEAN_OPERATORS = ['And', 'Or', 'Not'] as const;

/** The fields of a rule besides its data-test operators. */
const RULE_FIELDS: readonly string[] = [...BOOLEAN_OPERATORS, 'Variable', 'Next', 'Comment'];

/**
 * Checks every rule of every Choice state (states-language.net, "Choice State"): a rule is
 * either a Boolean expression (exactly one of And, Or, Not) or a data test (Variable, a path,
 * and exactly one comparison operator); top-level rules MUST have Next and nested ones MUST NOT;
 * each operand has its operator's type (a number for NumericEquals, a timestamp for
 * TimestampEquals, a path for …Path, true or false for Is…). The schema has already refused
 * unknown fields and non-object rules.
 */
export function choiceProblems(chain: unknown): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const { state, place } of chainStates(chain)) {
    if (state.Type !== 'Choice' || !Array.isArray(state.Choices)) continue;
    state.Choices.forEach((rule, i) => {
      if (isObject(rule)) problems.push(...ruleProblems(rule, `${place}.Choices[${i}]`, undefined));
    });
  }
  return problems;
}

/** `within`: the Boolean operator the rule is nested in, or undefined for a top-level rule. */
function ruleProblems(
  rule: UnknownObject,
  place: string,
  within: (typeof BOOLEAN_OPERATORS)[number] | undefined,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const add = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  if (within === undefined && !Object.hasOwn(rule, 'Next')) {
    add(place, 'needs "Next", the state to go to when this rule matches');
  }
  if (within !== undefined && Object.hasOwn(rule, 'Next')) {
    add(
      `${place}.Next`,
      `a rule inside "${within}" takes no "Next" (only the top-level rule of Choices does); remove it`,
    );
  }

  const booleans = BOOLEAN_OPERATORS.filter((op) => Object.hasOwn(rule, op));
  const comparisons = Object.keys(rule).filter(isChoiceOperator);
  const operators = [...booleans, ...comparisons];
  // An unknown field (the schema names it) is most often a misspelt operator.
  const unknown = Object.keys(rule).some(
    (key) => !isChoiceOperator(key) && !RULE_FIELDS.includes(key),
  );
  if (operators.length === 0 && !unknown) {
    add(
      place,
      'has no comparison; add one such as "StringEquals" (with "Variable"), or "And", "Or" or "Not"',
    );
  } else if (operators.length > 1) {
    const listed = operators.map((op) => `"${op}"`);
    const last = listed.pop()!;
    add(
      place,
      `has ${operators.length} operators (${listed.join(', ')} and ${last}); a rule holds exactly one, so combine rules with "And" or "Or"`,
    );
  }

  if (comparisons.length > 0 && !Object.hasOwn(rule, 'Variable')) {
    add(place, `needs "Variable", the path of the value "${comparisons[0]!}" tests`);
  }
  if (comparisons.length === 0 && booleans.length > 0 && Object.hasOwn(rule, 'Variable')) {
    add(
      `${place}.Variable`,
      `a rule with "${booleans[0]!}" tests its nested rules, not a Variable; move it into them`,
    );
  }
  if (typeof rule.Variable === 'string') {
    const problem = pathProblem(rule.Variable);
    if (problem !== undefined) add(`${place}.Variable`, problem);
  }
  for (const op of comparisons) {
    const problem = operandProblem(op, rule[op]);
    if (problem !== undefined) add(`${place}.${op}`, problem);
  }

  for (const op of ['And', 'Or'] as const) {
    const nested = rule[op];
    if (!Array.isArray(nested)) continue;
    nested.forEach((inner, i) => {
      if (isObject(inner)) problems.push(...ruleProblems(inner, `${place}.${op}[${i}]`, op));
    });
  }
  if (isObject(rule.Not)) problems.push(...ruleProblems(rule.Not, `${place}.Not`, 'Not'));
  return problems;
}
