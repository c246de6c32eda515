import type { ChainDefinition } from '../chain/types.js';
import { Draft } from './draft.js';
import { drain, failRun, raise, settle } from './interpreter.js';
import { scoped } from './names.js';
import type { Run, RunError, Step } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { dropStateTimers } from './timers.js';
import { unchanged, type Transition } from './transition.js';

/**
 * Records that an intended step's job exists (`adopted`: found after a 409 or a crash). A job
 * the run abandoned while its launch was in flight is cancelled now.
 */
export function onLaunched(
  run: Run,
  jobName: string,
  jobId: string,
  now: string,
  adopted: boolean,
): Transition {
  const step = run.steps[jobName];
  if (step?.status !== 'INTENDED') return unchanged(run);
  const { lease: _lease, ...settled } = step;
  const launched = { ...settled, status: 'LAUNCHED' as const, jobId, launchedAt: now };
  const scope = step.scope ?? ROOT_SCOPE;
  return {
    run: { ...run, steps: { ...run.steps, [jobName]: launched } },
    changed: true,
    effects: step.abandoned ? [{ kind: 'cancel', step: launched }] : [],
    archived: [],
    events: [
      {
        event: adopted ? 'job.adopted' : 'job.launched',
        runId: run.part?.root ?? run.id,
        chain: run.chain,
        state: step.state,
        ...scoped(scope),
        jobName,
        jobId,
      },
    ],
  };
}

/**
 * Records that a step's launch failed (refused, or its job never appeared): the step ends, and
 * its error goes down the failure path (Retry, Catch, fail the scope).
 */
export function onLaunchFailed(
  definition: ChainDefinition,
  run: Run,
  jobName: string,
  error: RunError,
  now: string,
): Transition {
  const step = run.steps[jobName];
  if (step === undefined || run.status !== 'RUNNING') return unchanged(run);
  const { lease: _lease, ...settled } = step;
  const d = new Draft(definition, run, now);
  d.archiveStep({ ...settled, status: 'FAILED', endedAt: now, error });
  const scope = step.scope ?? ROOT_SCOPE;
  const frame = step.abandoned ? undefined : d.frame(scope);
  if (run.frames === undefined && !step.abandoned) {
    // A run stored before scopes: its one scope fails, as it did then.
    failRun(d, error, scope, step.state);
    return settle(d);
  }
  if (frame?.wait !== 'job' || frame.jobName !== jobName) return settle(d);
  dropStateTimers(d, scope, frame);
  raise(d, scope, error);
  drain(d);
  return settle(d);
}

/** Ends a running run as FAILED with `error` (stopping its jobs): for faults outside the chain. */
export function failRunNow(
  definition: ChainDefinition,
  run: Run,
  error: RunError,
  now: string,
): Transition {
  if (run.status !== 'RUNNING') return unchanged(run);
  const d = new Draft(definition, run, now);
  failRun(d, error);
  return settle(d);
}

/**
 * Forgets the intent of an abandoned step whose job was looked up and never created: nothing
 * is left to cancel, and no one may launch it any more.
 */
export function dropAbandonedIntent(run: Run, jobName: string, now: string): Transition {
  const step = run.steps[jobName];
  if (step?.status !== 'INTENDED' || step.abandoned !== true) return unchanged(run);
  const { lease: _lease, ...settled } = step;
  const { [jobName]: _gone, ...live } = run.steps;
  const ended: Step = { ...settled, status: 'FAILED', endedAt: now };
  // A part keeps its ended steps itself (Run.ended), as the draft does.
  const kept = run.part ? { ended: [...(run.ended ?? []), ended] } : {};
  return {
    run: { ...run, ...kept, steps: live },
    changed: true,
    effects: [],
    events: [],
    archived: [ended],
  };
}
