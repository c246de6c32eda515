import { isObject, type UnknownObject } from '../json.js';
import type { ChainProblem } from '../errors.js';
import { timestampProblem } from '../engine/timestamp.js';
import { chainStates } from './graph.js';
import { errorPathProblem, pathProblem, resultPathProblem } from './path-checks.js';
import { stateFields } from './schema-problems.js';
import { templateProblems } from './task-checks.js';
import { STATE_TYPES, type StateType } from './types.js';

/** Path fields whose value is read at run time, each with the field that takes a fixed value. */
const PATH_FIELDS: Readonly<Record<string, string | undefined>> = {
  InputPath: undefined,
  OutputPath: undefined,
  ItemsPath: undefined,
  SecondsPath: 'Seconds',
  TimestampPath: 'Timestamp',
  TimeoutSecondsPath: 'TimeoutSeconds',
  HeartbeatSecondsPath: 'HeartbeatSeconds',
  MaxConcurrencyPath: 'MaxConcurrency',
  ToleratedFailurePercentagePath: 'ToleratedFailurePercentage',
  ToleratedFailureCountPath: 'ToleratedFailureCount',
};

/**
 * Fields that exclude each other. ASL: a Task MUST NOT include both TimeoutSeconds and
 * TimeoutSecondsPath, or both HeartbeatSeconds and HeartbeatSecondsPath; a Map MUST NOT include
 * both MaxConcurrency and MaxConcurrencyPath, or a ToleratedFailure… field and its …Path; a Fail
 * state MUST NOT include both Error and ErrorPath, or both Cause and CausePath.
 */
const EXCLUSIVE: readonly (readonly [string, string])[] = [
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
  ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
];

/** Payload templates (fields whose `.$` keys are evaluated); Task Parameters: task-checks. */
const TEMPLATES = ['Parameters', 'ItemSelector', 'ResultSelector'];

const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'];

// The schema reports other values: comparing them would only add noise.
const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1;

const isStateType = (value: unknown): value is StateType =>
  (STATE_TYPES as readonly unknown[]).includes(value);

/**
 * Checks each state's own fields beyond the schema, in every scope: path fields are paths, a
 * ResultPath never writes into `$$`, fields that exclude each other are not both set, a Wait has
 * exactly one of its four fields and a real timestamp, a Map has one item processor, and every
 * `.$` of a payload template parses. Only the fields the state's type takes are read (the schema
 * reports the others).
 */
export function stateProblems(chain: unknown): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const { state, place } of chainStates(chain)) {
    const type = state.Type;
    if (!isStateType(type)) continue;
    const fields = stateFields(type);
    const has = (key: string): boolean => fields.includes(key) && Object.hasOwn(state, key);
    const add = (path: string, message: string): void => {
      problems.push({ path, message });
    };

    for (const [field, literal] of Object.entries(PATH_FIELDS)) {
      const value = state[field];
      if (!has(field) || typeof value !== 'string') continue;
      const problem = pathProblem(value, literal);
      if (problem !== undefined) add(`${place}.${field}`, problem);
    }
    if (has('ResultPath') && typeof state.ResultPath === 'string') {
      const problem = resultPathProblem(state.ResultPath);
      if (problem !== undefined) add(`${place}.ResultPath`, problem);
    }
    for (const field of ['ErrorPath', 'CausePath'] as const) {
      const value = state[field];
      if (!has(field) || typeof value !== 'string') continue;
      const problem = errorPathProblem(value, field === 'ErrorPath' ? 'Error' : 'Cause');
      if (problem !== undefined) add(`${place}.${field}`, problem);
    }
    if (Array.isArray(state.Catch) && has('Catch')) {
      state.Catch.forEach((catcher, i) => {
        const resultPath = isObject(catcher) ? catcher.ResultPath : undefined;
        if (typeof resultPath !== 'string') return;
        const problem = resultPathProblem(resultPath);
        if (problem !== undefined) add(`${place}.Catch[${i}].ResultPath`, problem);
      });
    }

    for (const [a, b] of EXCLUSIVE) {
      if (has(a) && has(b)) add(place, `has both "${a}" and "${b}"; keep one`);
    }
    const timeout = state.TimeoutSeconds;
    const heartbeat = state.HeartbeatSeconds;
    if (has('TimeoutSeconds') && isPositiveInteger(timeout) && isPositiveInteger(heartbeat)) {
      // ASL "Timeouts": if provided, HeartbeatSeconds MUST be smaller than TimeoutSeconds.
      if (heartbeat >= timeout) {
        add(
          `${place}.HeartbeatSeconds`,
          `must be smaller than TimeoutSeconds (${timeout}); lower it, or raise TimeoutSeconds`,
        );
      }
    }

    if (type === 'Wait') problems.push(...waitProblems(state, place));
    if (type === 'Map') problems.push(...mapProblems(state, place));
    for (const field of TEMPLATES) {
      const template = state[field];
      // A Task's Parameters are Dataflow's launch request: task-checks reads them.
      if (!has(field) || !isObject(template) || (type === 'Task' && field === 'Parameters'))
        continue;
      problems.push(...templateProblems(template, `${place}.${field}`));
    }
  }
  return problems;
}

/** ASL "Wait State": exactly one of Seconds, SecondsPath, Timestamp or TimestampPath. */
function waitProblems(state: UnknownObject, place: string): ChainProblem[] {
  const set = WAIT_FIELDS.filter((key) => Object.hasOwn(state, key));
  const problems: ChainProblem[] = [];
  if (set.length === 0) {
    problems.push({
      path: place,
      message: 'needs one of "Seconds", "Timestamp", "SecondsPath" or "TimestampPath"',
    });
  } else if (set.length > 1) {
    const listed = set.map((key) => `"${key}"`);
    const last = listed.pop()!;
    problems.push({
      path: place,
      message: `has ${listed.join(', ')} and ${last}; keep exactly one`,
    });
  }
  if (typeof state.Timestamp === 'string') {
    const problem = timestampProblem(state.Timestamp);
    if (problem !== undefined) {
      problems.push({
        path: `${place}.Timestamp`,
        message: `${JSON.stringify(state.Timestamp)} is not a timestamp: ${problem}`,
      });
    }
  }
  return problems;
}

/**
 * ASL "Map State": an ItemProcessor (or the deprecated Iterator) holds the states, and
 * ItemSelector replaces the deprecated Parameters; one of each at most.
 */
function mapProblems(state: UnknownObject, place: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const processor = Object.hasOwn(state, 'ItemProcessor');
  const iterator = Object.hasOwn(state, 'Iterator');
  if (!processor && !iterator) {
    problems.push({
      path: place,
      message:
        'needs "ItemProcessor": {"StartAt": ..., "States": {...}}, the states that process each item',
    });
  }
  if (processor && iterator) {
    problems.push({
      path: place,
      message: 'has both "ItemProcessor" and "Iterator" (its older name); keep "ItemProcessor"',
    });
  }
  if (Object.hasOwn(state, 'ItemSelector') && Object.hasOwn(state, 'Parameters')) {
    problems.push({
      path: place,
      message: 'has both "ItemSelector" and "Parameters" (its older name); keep "ItemSelector"',
    });
  }
  return problems;
}
