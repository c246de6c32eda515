import type { ParallelState } from '../../chain/types.js';
import type { Json } from '../../json.js';
import { childScopeOf } from '../names.js';
import { WAITING, type Outcome, type StateRun } from './outcome.js';

/** Parallel: starts every branch on the same input and waits for all of them. */
export function runParallel(run: StateRun<ParallelState>, effective: Json): Outcome {
  const { d, frame, state } = run;
  const total = state.Branches.length;
  d.setFrame(run.scope, {
    ...frame,
    wait: 'children',
    children: { total, started: total, running: total, failed: 0, outputs: {} },
  });
  state.Branches.forEach((branch, index) => {
    d.agenda.push({
      scope: childScopeOf(run.key, frame.attempt, index),
      state: branch.StartAt,
      input: effective,
      parent: run.scope,
      index,
    });
  });
  return WAITING;
}
