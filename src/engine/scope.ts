import type { Branch, ChainDefinition, State } from '../chain/types.js';
import { mapProcessor } from '../chain/types.js';
import type { Frame, Run } from './run.js';

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

/**
 * The states of `scope`: found by walking up the frames to the top, since a child scope's
 * parent frame stands on the Parallel or Map that started it for as long as the child runs.
 */
export function tableOf(
  definition: ChainDefinition,
  frames: Readonly<Record<string, Frame>>,
  scope: string,
): StateTable | undefined {
  if (scope === ROOT_SCOPE) return definition;
  const frame = frames[scope];
  if (frame?.parent === undefined || frame.index === undefined) return undefined;
  const parentFrame = frames[frame.parent];
  const parentTable = tableOf(definition, frames, frame.parent);
  const owner = parentFrame && parentTable?.States[parentFrame.state];
  return owner === undefined ? undefined : childTable(owner, frame.index);
}
