import type { Json, JsonObject } from '../json.js';
import type { Run } from './run.js';

/** The Map item a context describes: `$$.Map.Item.Index` and `.Value`, in ItemSelector. */
export interface MapItem {
  readonly index: number;
  readonly value: Json;
}

/** The ASL context object (`$$`) a state sees when it is entered. */
export function contextObject(
  run: Pick<Run, 'id' | 'input' | 'startTime' | 'chain' | 'scheduledTime' | 'redriveCount'>,
  state: string,
  enteredTime: string,
  attempt: number,
  item?: MapItem,
  taskToken?: string,
): JsonObject {
  return {
    Execution: {
      Id: run.id,
      Name: run.id,
      Input: run.input,
      StartTime: run.startTime,
      RedriveCount: run.redriveCount ?? 0,
      ...(run.scheduledTime === undefined ? {} : { ScheduledTime: run.scheduledTime }),
    },
    State: { Name: state, EnteredTime: enteredTime, RetryCount: attempt },
    StateMachine: { Id: run.chain, Name: run.chain },
    ...(item ? { Map: { Item: { Index: item.index, Value: item.value } } } : {}),
    ...(taskToken === undefined ? {} : { Task: { Token: taskToken } }),
  };
}
