import type { JsonObject } from '../json.js';
import type { Run } from './run.js';

/** The ASL context object (`$$`) a state sees when it is entered. */
export function contextObject(
  run: Run,
  state: string,
  enteredTime: string,
  attempt: number,
): JsonObject {
  return {
    Execution: { Id: run.id, Name: run.id, Input: run.input, StartTime: run.startTime },
    State: { Name: state, EnteredTime: enteredTime, RetryCount: attempt },
    StateMachine: { Id: run.chain, Name: run.chain },
  };
}
