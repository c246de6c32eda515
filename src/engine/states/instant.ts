import type { ChoiceState, FailState, PassState, SucceedState } from '../../chain/types.js';
import type { Json } from '../../json.js';
import { chooseNext } from '../choice.js';
import { ERROR_NAMES } from '../error-names.js';
import { evaluateText } from '../io.js';
import { StateError } from '../state-error.js';
import type { Outcome, StateRun } from './outcome.js';

/** Pass: its result is `Result` when set, else its (Parameters-shaped) input. */
export function runPass(run: StateRun<PassState>, effective: Json): Outcome {
  return { kind: 'result', result: run.state.Result !== undefined ? run.state.Result : effective };
}

/** Succeed: ends its scope with its input. */
export function runSucceed(_run: StateRun<SucceedState>, effective: Json): Outcome {
  return { kind: 'result', result: effective };
}

/** Choice: goes to the first matching rule's Next, else Default, else `States.NoChoiceMatched`. */
export function runChoice(run: StateRun<ChoiceState>, effective: Json): Outcome {
  let next: string | undefined;
  try {
    next = chooseNext(run.state, effective, run.at.context);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StateError(
      { Error: ERROR_NAMES.runtime, Cause: `${run.at.place}.Choices: ${detail}` },
      { cause: error },
    );
  }
  if (next === undefined) {
    throw new StateError({
      Error: ERROR_NAMES.noChoiceMatched,
      Cause: `${run.at.place}: no choice rule matched the input, and the state has no Default`,
    });
  }
  return { kind: 'result', result: effective, next };
}

function text(
  run: StateRun<FailState>,
  value: string | undefined,
  path: string | undefined,
  field: string,
): string | undefined {
  if (path === undefined) return value;
  const found = evaluateText(run.frame.input, path, run.at, field);
  if (typeof found !== 'string') {
    throw new StateError({
      Error: ERROR_NAMES.runtime,
      Cause: `${run.at.place}.${field}: ${JSON.stringify(path)} must select a string, got ${JSON.stringify(found)}`,
    });
  }
  return found;
}

/** Fail: fails its scope with Error and Cause (or the values at ErrorPath and CausePath). */
export function runFail(run: StateRun<FailState>): Outcome {
  const { state } = run;
  return {
    kind: 'fail',
    error: {
      Error: text(run, state.Error, state.ErrorPath, 'ErrorPath') ?? ERROR_NAMES.fail,
      Cause: text(run, state.Cause, state.CausePath, 'CausePath') ?? '',
    },
  };
}
