import { contextObject } from '../engine/context.js';
import type { Json } from '../json.js';
import type { ReferencePath } from './ast.js';
import { ANY, objectShape, shapeOfJson, type Shape } from './shape.js';
import { lookupShape } from './shape-path.js';

// Stand-ins for the user's data: wherever the engine puts one, the shape is the user's.
const RUN_INPUT = { input: 'run' };
const ITEM_VALUE = { item: 'value' };

/** The shape of a context object, with the user's values (run input, Map item) left unknown. */
function shapeOf(value: Json): Shape {
  if (value === RUN_INPUT || value === ITEM_VALUE) return ANY;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return objectShape(
      Object.entries(value).map(([key, item]) => [key, shapeOf(item)] as const),
      true,
    );
  }
  return shapeOfJson(value);
}

/**
 * The context object (`$$`) as the engine builds it (src/engine/context.ts, asked here rather
 * than copied, so the two cannot drift): `inItemSelector` adds `$$.Map`, which the engine
 * provides only while a Map state selects an item.
 */
function contextShape(inItemSelector: boolean, taskToken = false): Shape {
  // ScheduledTime is there on scheduled and backfilled runs only: a path to it is allowed, and
  // a run started by hand that reads it fails at run time (README, Schedules).
  const run = { id: 'run', input: RUN_INPUT, startTime: '', chain: 'chain', scheduledTime: '' };
  const item = inItemSelector ? { index: 0, value: ITEM_VALUE } : undefined;
  return shapeOf(contextObject(run, 'state', '', 0, item, taskToken ? 'token' : undefined));
}

const OUTSIDE_MAP = contextShape(false);
const IN_ITEM_SELECTOR = contextShape(true);
const IN_WAITING_TASK = contextShape(false, true);

/**
 * Why the context path `path` (`$$…`) cannot resolve, or undefined when it can or when it goes
 * below a value of the user's (`$$.Execution.Input…`, `$$.Map.Item.Value…`). `inItemSelector`:
 * the path is read by a Map state's ItemSelector (or its older Parameters); `inWaitingTask`: by
 * the Parameters of a `.waitForTaskToken` Task, where `$$.Task.Token` exists.
 */
export function contextPathProblem(
  path: ReferencePath,
  inItemSelector: boolean,
  inWaitingTask = false,
): string | undefined {
  const [first] = path.segments;
  if (!inItemSelector && first?.kind === 'field' && first.name === 'Map') {
    return `${JSON.stringify(path.text)} will not be found: $$.Map exists only in a Map state's ItemSelector (or its older Parameters), while each item is selected; pass the value into the item's input there`;
  }
  if (!inWaitingTask && first?.kind === 'field' && first.name === 'Task') {
    return `${JSON.stringify(path.text)} will not be found: $$.Task.Token exists only in the Parameters of a Task whose Resource ends in .waitForTaskToken`;
  }
  const shape = inItemSelector ? IN_ITEM_SELECTOR : inWaitingTask ? IN_WAITING_TASK : OUTSIDE_MAP;
  const found = lookupShape(path, shape, 'the context object');
  return found.problem === undefined
    ? undefined
    : `${JSON.stringify(path.text)} will not be found: ${found.problem}`;
}
