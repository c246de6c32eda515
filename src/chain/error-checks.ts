import { isObject } from '../json.js';
import type { ChainProblem } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { chainStates } from './graph.js';

/** The wildcard of ErrorEquals. */
export const ALL_ERRORS = 'States.ALL';

/**
 * The error names the States Language defines (states-language.net, Appendix A "Predefined Error
 * Codes"), with the two AWS Step Functions adds (docs.aws.amazon.com/step-functions, "Error
 * handling": States.DataLimitExceeded, States.Runtime) and AWS's HTTP Task error. Every other
 * name starting with "States." is invalid: ASL reserves the prefix ("States MAY report errors
 * with other names, which MUST NOT begin with the prefix States.").
 */
export const ASL_ERROR_NAMES = [
  ALL_ERRORS,
  'States.BranchFailed',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
] as const;

const RESERVED = 'States.';

/** Why `name` cannot be an error name, or undefined. */
function reservedNameProblem(name: string): string | undefined {
  if (!name.startsWith(RESERVED) || (ASL_ERROR_NAMES as readonly string[]).includes(name))
    return undefined;
  const guess = didYouMean(name, ASL_ERROR_NAMES);
  return `${JSON.stringify(name)} is not an error of the States Language${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; names starting with "States." are reserved for ASL's own errors, so name yours without that prefix`;
}

/**
 * Checks the error names of every Retry, Catch and Fail state: no unknown `States.` name, and
 * (ASL "Retrying after error", "Fallback states") States.ALL "MUST appear alone in the
 * ErrorEquals array and MUST appear in the last Retrier/Catcher".
 */
export function errorProblems(chain: unknown): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const { state, place } of chainStates(chain)) {
    for (const [field, entry] of [
      ['Retry', 'retrier'],
      ['Catch', 'catcher'],
    ] as const) {
      const list = state[field];
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        const names = isObject(item) ? item.ErrorEquals : undefined;
        if (!Array.isArray(names)) return;
        const at = `${place}.${field}[${i}].ErrorEquals`;
        names.forEach((name, j) => {
          if (typeof name !== 'string') return;
          const problem = reservedNameProblem(name);
          if (problem !== undefined) problems.push({ path: `${at}[${j}]`, message: problem });
        });
        if (!names.includes(ALL_ERRORS)) return;
        if (names.length > 1) {
          problems.push({
            path: at,
            message: `"States.ALL" matches every error, so it must stand alone; move the other names to an earlier ${entry}`,
          });
        }
        if (i < list.length - 1) {
          problems.push({
            path: at,
            message: `"States.ALL" must be in the last ${entry} of ${field}, or the ones after it could never apply; move ${field}[${i}] to the end`,
          });
        }
      });
    }
    if (state.Type === 'Fail' && typeof state.Error === 'string') {
      const problem =
        state.Error === ALL_ERRORS
          ? '"States.ALL" is a wildcard for matching errors, not an error a Fail state can raise; name the error, such as "Sales.Missing"'
          : reservedNameProblem(state.Error);
      if (problem !== undefined) problems.push({ path: `${place}.Error`, message: problem });
    }
  }
  return problems;
}
