import { isObject, type UnknownObject } from '../json.js';
import type { ChainProblem } from '../errors.js';
import { didYouMean } from './did-you-mean.js';

const asUnknownObject = (value: unknown): UnknownObject | undefined =>
  isObject(value) ? value : undefined;

/**
 * Checks the shape of the chain as a graph: StartAt and every Next name a state, each Task has
 * Next or End, every state is reachable, and every path ends. Tolerates a malformed file.
 */
export function graphProblems(chain: unknown): ChainProblem[] {
  const root = asUnknownObject(chain);
  const states = asUnknownObject(root?.States);
  if (!root || !states) return [];
  const names = Object.keys(states);
  const problems: ChainProblem[] = [];
  const notAState = (name: string): string => {
    const guess = didYouMean(name, names);
    const help = guess ? `did you mean "${guess}"?` : `the states are: ${names.join(', ')}`;
    return `${JSON.stringify(name)} is not a state (${help})`;
  };

  const start = typeof root.StartAt === 'string' ? root.StartAt : undefined;
  const validStart = start !== undefined && Object.hasOwn(states, start);
  // An empty States is reported by the schema; listing no candidates would not help.
  if (start !== undefined && !validStart && names.length > 0)
    problems.push({ path: 'StartAt', message: notAState(start) });

  const next = new Map<string, string>();
  for (const name of names) {
    const state = asUnknownObject(states[name]);
    if (state?.Type !== 'Task') continue;
    const hasNext = Object.hasOwn(state, 'Next');
    const hasEnd = Object.hasOwn(state, 'End');
    const place = `States.${name}`;
    if (hasNext && hasEnd)
      problems.push({ path: place, message: 'has both "Next" and "End"; keep one' });
    if (!hasNext && !hasEnd) {
      problems.push({
        path: place,
        message: 'needs "Next" (the state to run after it) or "End": true',
      });
    }
    if (typeof state.Next !== 'string') continue;
    if (Object.hasOwn(states, state.Next)) next.set(name, state.Next);
    else problems.push({ path: `${place}.Next`, message: notAState(state.Next) });
  }

  if (validStart) {
    const reachable = new Set<string>();
    for (
      let at: string | undefined = start;
      at !== undefined && !reachable.has(at);
      at = next.get(at)
    ) {
      reachable.add(at);
    }
    for (const name of names) {
      if (!reachable.has(name)) {
        problems.push({
          path: `States.${name}`,
          message: `not reachable from StartAt "${start}"; point a "Next" at it, or remove it`,
        });
      }
    }
  }
  problems.push(...loops(validStart ? [start, ...names] : names, next));
  return problems;
}

/** With only Next and End, any loop can never end: report each once, where it closes. */
function loops(order: readonly string[], next: ReadonlyMap<string, string>): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const done = new Set<string>();
  for (const first of order) {
    // Stryker disable next-line ArrayDeclaration: an extra first item is never the state that closes a loop and is only marked done; no chain could tell unless a state bore that very name
    const walk: string[] = [];
    // A set beside the array: `includes` on a 10,000-state walk made validation quadratic.
    const onWalk = new Set<string>();
    let at: string | undefined = first;
    while (at !== undefined && !done.has(at) && !onWalk.has(at)) {
      walk.push(at);
      onWalk.add(at);
      at = next.get(at);
    }
    if (at !== undefined && onWalk.has(at)) {
      const loop = walk.slice(walk.indexOf(at));
      const last = loop[loop.length - 1]!;
      problems.push({
        path: `States.${last}.Next`,
        message: `${JSON.stringify(at)} closes a loop that never ends (${[...loop, at].join(' -> ')}); give one of these states "End": true, or a "Next" that leads to a Succeed or Fail state`,
      });
    }
    walk.forEach((name) => done.add(name));
  }
  return problems;
}
