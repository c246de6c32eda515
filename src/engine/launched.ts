import type { Run, RunError } from './run.js';
import { fail } from './enter.js';
import { unchanged, withoutStep, type Transition } from './transition.js';

/** Records that an intended step's job exists (`adopted`: found after a 409 or a crash). */
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
  return {
    run: {
      ...run,
      steps: {
        ...run.steps,
        [jobName]: { ...settled, status: 'LAUNCHED', jobId, launchedAt: now },
      },
    },
    changed: true,
    effects: [],
    archived: [],
    events: [
      {
        event: adopted ? 'job.adopted' : 'job.launched',
        runId: run.id,
        chain: run.chain,
        state: step.state,
        jobName,
        jobId,
      },
    ],
  };
}

/** Records that a step's launch failed (refused, or its job never appeared): the step and the run fail. */
export function onLaunchFailed(
  run: Run,
  jobName: string,
  error: RunError,
  now: string,
): Transition {
  const step = run.steps[jobName];
  if (step === undefined || run.status !== 'RUNNING') return unchanged(run);
  const { lease: _lease, ...settled } = step;
  const ended = { ...settled, status: 'FAILED' as const, endedAt: now, error };
  return fail(withoutStep(run, jobName), error, now, { events: [], archived: [ended] }, step.state);
}
