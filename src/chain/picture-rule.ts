import type { ChoiceRule } from './types.js';

/** Comparison symbols by the operator's ending (Equals last: GreaterThanEquals ends with it). */
const SYMBOLS: readonly (readonly [string, string])[] = [
  ['GreaterThanEquals', '>='],
  ['LessThanEquals', '<='],
  ['GreaterThan', '>'],
  ['LessThan', '<'],
  ['Equals', '=='],
  ['Matches', 'matches'],
];

/** What a type test reads as: `IsPresent` → `present`. */
function typeTest(op: string): string {
  return op.slice('Is'.length).toLowerCase();
}

/** One comparison on Variable: `$.mode == "full"`, `$.n > $.limit`, `$.x is present`. */
function comparison(rule: ChoiceRule): string {
  const variable = rule.Variable ?? '';
  const op = Object.keys(rule).find((k) => !['Variable', 'Next', 'Comment'].includes(k)) ?? '';
  const operand = rule[op];
  if (/^Is[A-Z]/.test(op)) {
    return `${variable} is ${operand === false ? 'not ' : ''}${typeTest(op)}`;
  }
  const isPath = op.endsWith('Path');
  const base = isPath ? op.slice(0, -'Path'.length) : op;
  const symbol = SYMBOLS.find(([end]) => base.endsWith(end))?.[1] ?? op;
  const value = isPath && typeof operand === 'string' ? operand : JSON.stringify(operand);
  return `${variable} ${symbol} ${value}`;
}

/** A rule in short form; `nested` wraps And/Or in parentheses. */
function ruleText(rule: ChoiceRule, nested: boolean): string {
  const wrap = (text: string) => (nested ? `(${text})` : text);
  if (rule.And !== undefined) return wrap(rule.And.map((r) => ruleText(r, true)).join(' && '));
  if (rule.Or !== undefined) return wrap(rule.Or.map((r) => ruleText(r, true)).join(' || '));
  if (rule.Not !== undefined) return `!(${ruleText(rule.Not, false)})`;
  return comparison(rule);
}

/** A top-level Choice rule in short form, as an edge label: `$.mode == "full"`. */
export function choiceRuleText(rule: ChoiceRule): string {
  return ruleText(rule, false);
}
