import type { Branch, ChainDefinition, State } from '../chain/types.js';
import { mapProcessor } from '../chain/types.js';
import type { Frame, Part, Run, RouteStep } from './run.js';

/** The top-level scope: the run itself. */
export const ROOT_SCOPE = '';

/** The states of one scope: the chain's at the top, a branch's or item processor's inside. */
export type StateTable = Pick<Branch, 'StartAt' | 'States'>;

/** The frames of a run; a run stored before scopes has none. */
export function framesOf(run: Run): Readonly<Record<string, Frame>> {
  return run.frames ?? {};
}

/** The sub-chain a Parallel branch or Map item runs. */
export function childTable(state: State, index: number): StateTable | undefined {
  if (state.Type === 'Parallel') return state.Branches[index];
  if (state.Type === 'Map') return mapProcessor(state);
  return undefined;
}

/** The states a route from the chain's top leads to (a Map item's processor, a branch). */
export function tableAt(
  definition: ChainDefinition,
  route: readonly RouteStep[],
): StateTable | undefined {
  let table: StateTable | undefined = definition;
  for (const step of route) {
    const state: State | undefined = table?.States[step.state];
    table = state && childTable(state, step.index);
  }
  return table;
}

/**
 * The states of `scope`: found by walking up the frames to the top, since a child scope's
 * parent frame stands on the Parallel or Map that started it for as long as the child runs.
 * In a Map item's part the walk stops at the item, whose route the part keeps.
 */
export function tableOf(
  definition: ChainDefinition,
  frames: Readonly<Record<string, Frame>>,
  scope: string,
  part?: Part,
): StateTable | undefined {
  if (scope === ROOT_SCOPE) return definition;
  if (part !== undefined && scope === part.scope) return tableAt(definition, part.route);
  const frame = frames[scope];
  if (frame?.parent === undefined || frame.index === undefined) return undefined;
  const parentFrame = frames[frame.parent];
  const parentTable = tableOf(definition, frames, frame.parent, part);
  const owner = parentFrame && parentTable?.States[parentFrame.state];
  return owner === undefined ? undefined : childTable(owner, frame.index);
}
