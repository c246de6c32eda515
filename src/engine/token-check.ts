import type { Run } from './run.js';
import { isPublishStep } from './step-kind.js';

/** Why a callback or heartbeat is refused: the reason it is logged under. */
export const TOKEN_REFUSALS = ['not_waiting', 'forged'] as const;
/** Why a callback or heartbeat is refused. */
export type TokenRefusal = (typeof TOKEN_REFUSALS)[number];

/** A refused token: the reason and the sentence logged with it. */
export interface TokenProblem {
  readonly reason: TokenRefusal;
  readonly message: string;
}

/**
 * Why a token (its step `jobName` and SHA-256 `hash`) can complete or keep alive nothing in
 * `run`, or undefined when it names a step that waits for it. A token is single-use: once its
 * step ended (a callback, a timeout, a cancel) the step is no longer in flight and every token
 * of it is refused.
 */
export function tokenProblem(run: Run, jobName: string, hash: string): TokenProblem | undefined {
  const step = run.steps[jobName];
  if (step === undefined || run.status !== 'RUNNING' || step.abandoned === true) {
    return {
      reason: 'not_waiting',
      message: `the task of this token is not waiting for a callback (it already completed, which makes a token single-use, or it timed out, failed or was cancelled; run ${run.status})`,
    };
  }
  if (
    !isPublishStep(step) ||
    step.request.tokenPlaceholder === undefined ||
    !(step.tokenHashes ?? []).includes(hash)
  ) {
    return {
      reason: 'forged',
      message: `the token is not one dfchain handed out for step ${step.state} (${jobName})`,
    };
  }
  return undefined;
}
