import type { ChainProblem } from '../errors.js';
import { isObject, type UnknownObject } from '../json.js';
import { chainStates } from './graph.js';
import { isPublishResource, waitsForTaskToken } from './resources.js';

/** True when some `.$` value at any depth of `node` reads `$$.Task.Token`. */
function passesToken(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(passesToken);
  if (!isObject(node)) return false;
  return Object.entries(node).some(([key, value]) =>
    key.endsWith('.$') && typeof value === 'string'
      ? value.includes('$$.Task.Token')
      : passesToken(value),
  );
}

/**
 * Checks what the schema cannot of `pubsub:publish…` Tasks: a topic is given (fixed or as a
 * path), and a `.waitForTaskToken` Task passes `$$.Task.Token` to its workload, without which no
 * callback could ever complete it.
 */
export function publishProblems(chain: unknown): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const { state, place } of chainStates(chain)) {
    if (state.Type !== 'Task' || !isPublishResource(state.Resource)) continue;
    const parameters: UnknownObject | undefined = isObject(state.Parameters)
      ? state.Parameters
      : undefined;
    if (parameters === undefined) continue;
    if (!Object.hasOwn(parameters, 'topic') && !Object.hasOwn(parameters, 'topic.$')) {
      problems.push({
        path: `${place}.Parameters`,
        message:
          'a pubsub:publish Task needs "topic" (projects/P/topics/T, or T in the function\'s project) or "topic.$"',
      });
    }
    if (waitsForTaskToken(state.Resource) && !passesToken(parameters)) {
      problems.push({
        path: `${place}.Parameters`,
        message:
          'a .waitForTaskToken Task must hand $$.Task.Token to its workload (e.g. "data": {"token.$": "$$.Task.Token"}), or no callback can ever complete it',
      });
    }
  }
  return problems;
}
