import type { ParallelState } from '../../chain/types.js';
import type { Json } from '../../json.js';
import type { Draft } from '../draft.js';
import { groupOf, itemScopeOf, partKey } from '../part-names.js';
import { routeOf } from '../route.js';
import type { Frame } from '../run.js';
import type { SpawnEffect } from '../transition.js';
import { WAITING, type Outcome, type StateRun } from './outcome.js';

/**
 * The start of each branch of the Parallel `frame` stands on, on the Parallel's effective
 * input: a branch runs in a document of its own (a part), as a Map item does, so a hundred
 * branches ending at once never contend on the run's document.
 */
export function branchSpawner(
  d: Draft,
  scope: string,
  frame: Frame,
  state: ParallelState,
  effective: Json,
): (index: number) => SpawnEffect {
  const route = routeOf(d, scope);
  const group = groupOf(d.docId, scope, frame);
  return (index) => {
    const branchScope = itemScopeOf(scope, frame, index);
    return {
      kind: 'spawn',
      part: {
        root: d.fixed.id,
        key: partKey(branchScope),
        scope: branchScope,
        parent: scope,
        parentDoc: d.docId,
        index,
        group,
        // Every branch ends its own lane: each one's end may complete the Parallel.
        last: true,
        route: [...route, { state: frame.state, index }],
      },
      state: state.Branches[index]?.StartAt ?? '',
      input: effective,
    };
  };
}

/** Parallel: starts every branch on the same input and waits for all of them. */
export function runParallel(run: StateRun<ParallelState>, effective: Json): Outcome {
  const { d, frame, state } = run;
  const total = state.Branches.length;
  const waiting: Frame = {
    ...frame,
    wait: 'children',
    children: { total, started: total, running: total, failed: 0, outputs: {}, parts: true },
  };
  d.setFrame(run.scope, waiting);
  const spawn = branchSpawner(d, run.scope, waiting, state, effective);
  for (let index = 0; index < total; index++) d.effects.push(spawn(index));
  return WAITING;
}
