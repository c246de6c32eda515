import type { Draft } from './draft.js';
import type { Step } from './run.js';
import { scoped } from './names.js';
import { groupOf } from './part-names.js';
import { isPublishStep } from './step-kind.js';
import { ROOT_SCOPE } from './scope.js';

/** Every running scope below `scope`, found through the frames' parent links (exact for any state name). */
function descendants(d: Draft, scope: string): Set<string> {
  const found = new Set<string>();
  const queue = [...d.childScopes(scope)];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    if (found.has(path)) continue;
    found.add(path);
    queue.push(...d.childScopes(path));
  }
  return found;
}

/**
 * Stops everything running below `scope` (and in `scope` itself when `self`): their frames and
 * timers go, their steps are marked abandoned, and each job already launched is cancelled
 * through the API. A launch still in flight is cancelled when it is recorded.
 */
export function abortBelow(d: Draft, scope: string, self = false): void {
  const gone = descendants(d, scope);
  abortItems(d, scope);
  for (const path of gone) abortItems(d, path);
  if (self) gone.add(scope);
  if (gone.size === 0) return;
  for (const path of gone) if (path !== ROOT_SCOPE || self) d.dropFrame(path);
  for (const [name, timer] of Object.entries(d.allTimers())) {
    if (gone.has(timer.scope)) d.dropTimer(name);
  }
  for (const step of d.allSteps()) {
    if (!step.abandoned && gone.has(step.scope ?? ROOT_SCOPE)) abandonStep(d, step);
  }
}

/** Stops the running items of the Map `scope` stands on: each runs in a part of its own. */
function abortItems(d: Draft, scope: string): void {
  const frame = d.frame(scope);
  if (frame === undefined || frame.children?.parts !== true || frame.wait !== 'children') return;
  d.effects.push({ kind: 'abortItems', group: groupOf(d.docId, scope, frame) });
}

/**
 * Marks a step abandoned: the run no longer waits for its job. A launched job is cancelled
 * through the API; one still being launched is cancelled when its launch is recorded.
 */
export function abandonStep(d: Draft, step: Step): Step {
  const abandoned = { ...step, abandoned: true as const };
  if (isPublishStep(step) && step.status === 'LAUNCHED') {
    // A published message has nothing to cancel: the step ends, and its tokens with it.
    const { lease: _lease, ...settled } = abandoned;
    d.archiveStep({ ...settled, status: 'FAILED', endedAt: d.now });
    return abandoned;
  }
  d.setStep(abandoned);
  if (step.status === 'LAUNCHED') {
    d.effects.push({ kind: 'cancel', step: abandoned });
    d.event({
      event: 'job.cancelling',
      state: step.state,
      ...scoped(step.scope ?? ROOT_SCOPE),
      jobName: step.jobName,
      ...(step.jobId ? { jobId: step.jobId } : {}),
    });
  }
  return abandoned;
}
