import { createHash } from 'node:crypto';
import type { TimerKind } from './run.js';
import { ROOT_SCOPE } from './scope.js';

/**
 * The key of one entry into a state: its scope path, its name, and how many times the scope
 * entered it before (a Choice loop re-enters states). Job names, timer names and child scope
 * paths derive from it, so no two entries of a run ever share a job.
 */
export function entryKey(scope: string, state: string, visit: number): string {
  const entry = visit === 0 ? state : `${state}#${visit}`;
  return scope === ROOT_SCOPE ? entry : `${scope}/${entry}`;
}

/** Scope path of branch or item `index` of one attempt of an entry: `Fan[1]`, `Fan[1]/Each@1[3]`. */
export function childScopeOf(key: string, attempt: number, index: number): string {
  return attempt === 0 ? `${key}[${index}]` : `${key}@${attempt}[${index}]`;
}

/** The deterministic name of a timer: the Cloud Tasks task id too ([a-z0-9-], under 100). */
export function timerName(nonce: string, kind: TimerKind, key: string, attempt: number): string {
  const digest = createHash('sha256').update(`${nonce}\n${kind}\n${key}\n${attempt}`).digest('hex');
  return `${kind}-${digest.slice(0, 40)}`;
}

/** `{scope}` for log events of a nested scope, nothing at the top level. */
export function scoped(scope: string): { scope?: string } {
  return scope === ROOT_SCOPE ? {} : { scope };
}

/** Where a state is, for error causes: `States.Load`, or `States.Fan[1]/Load` in a branch. */
export function placeOf(scope: string, state: string): string {
  return scope === ROOT_SCOPE ? `States.${state}` : `States.${scope}/${state}`;
}
