import type { MapState, ParallelState } from '../chain/types.js';
import type { Json } from '../json.js';
import { ERROR_NAMES } from './error-names.js';
import type { Children, RunError } from './run.js';

/** How a branch or item ended: with its output, or with an error. */
export type Ended = { readonly output: Json } | { readonly error: RunError };

/**
 * The children after one of them (`index`) ended; its output is kept only when `keep` (the
 * Parallel's or Map's result is used), so a Map whose result is discarded stays small.
 */
export function recordChild(
  children: Children,
  index: number,
  ended: Ended,
  keep = true,
): Children {
  const failedNow = 'error' in ended;
  return {
    ...children,
    running: children.running - 1,
    failed: children.failed + (failedNow ? 1 : 0),
    outputs: keep
      ? { ...children.outputs, [index]: failedNow ? { ...ended.error } : ended.output }
      : children.outputs,
  };
}

/** True when a Parallel's or Map's result reaches its output (it is not discarded). */
export function resultUsed(state: ParallelState | MapState): boolean {
  return state.ResultPath !== null || state.ResultSelector !== undefined;
}

/**
 * The error that fails the Parallel or Map after a child failed, or undefined while a Map
 * tolerates its failures. A Parallel fails with its branch's error, as AWS does; a Map without
 * tolerance fields with its item's error; a Map beyond its tolerance with
 * `States.ExceedToleratedFailureThreshold`.
 */
export function failureOf(
  state: ParallelState | MapState,
  children: Children,
  error: RunError,
): RunError | undefined {
  const { toleratedCount, toleratedPercentage } = children;
  if (state.Type === 'Parallel') return error;
  if (toleratedCount === undefined && toleratedPercentage === undefined) return error;
  const overCount = toleratedCount !== undefined && children.failed > toleratedCount;
  const overShare =
    toleratedPercentage !== undefined &&
    (children.failed * 100) / children.total > toleratedPercentage;
  if (!overCount && !overShare) return undefined;
  return {
    Error: ERROR_NAMES.exceedToleratedFailureThreshold,
    Cause: `${children.failed} of ${children.total} items failed, more than the Map tolerates; the last: ${error.Error}: ${error.Cause}`,
  };
}

/** True when every child has ended. */
export function allEnded(children: Children): boolean {
  return children.running === 0 && children.started === children.total;
}

/** The Parallel's or Map's result: every child's output, in order. */
export function joinedOutputs(children: Children): Json[] {
  return Array.from({ length: children.total }, (_, i) => children.outputs[i] ?? null);
}
