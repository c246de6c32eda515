import pRetry from 'p-retry';
import type { JobSummary } from '../dataflow/job.js';
import { onLaunched, onLaunchFailed } from '../engine/launched.js';
import type { Run, Step } from '../engine/run.js';
import {
  DataflowPermanentError,
  DataflowTransientError,
  JobAlreadyExistsError,
} from '../errors.js';
import type { HandlerDeps } from './deps.js';
import { applyToRun } from './record.js';

// A launch that keeps failing fails the delivery instead: Pub/Sub's backoff takes over.
const LAUNCH_RETRY = { retries: 3, minTimeout: 200, maxTimeout: 2000, randomize: true } as const;

async function launchOrAdopt(
  deps: HandlerDeps,
  step: Step,
): Promise<{ job: JobSummary; adopted: boolean }> {
  const ref = { projectId: step.projectId, location: step.location };
  try {
    const job = await pRetry(() => deps.dataflow.launchFlexTemplate(ref, step.request), {
      ...LAUNCH_RETRY,
      shouldRetry: ({ error }) => error instanceof DataflowTransientError,
    });
    return { job, adopted: false };
  } catch (error) {
    if (!(error instanceof JobAlreadyExistsError)) throw error;
    // 409: the same deterministic name is active, so this step was launched by an earlier try.
    const job = await deps.dataflow.findJobByName(ref, step.jobName);
    if (job) return { job, adopted: true };
    throw new DataflowTransientError(
      `launch of ${step.jobName} answered 409 ALREADY_EXISTS but no job of that name is listed yet; the delivery will be retried`,
      { operation: 'jobs.list' },
      { cause: error },
    );
  }
}

/**
 * Makes one intended launch and records its job; `own` is false for an intent some other
 * delivery wrote, which may have launched before dying, so Dataflow is asked first.
 */
export async function launchStep(
  deps: HandlerDeps,
  run: Run,
  step: Step,
  own: boolean,
): Promise<void> {
  const now = () => deps.clock.now().toISOString();
  try {
    // An intent this invocation did not write may have been launched by one that died before
    // recording it: look first, so a finished job is adopted rather than launched again.
    // A plain JobRef, not the step: the googleapis adapter sends every field as a query parameter.
    const ref = { projectId: step.projectId, location: step.location };
    const found = own ? undefined : await deps.dataflow.findJobByName(ref, step.jobName);
    const { job, adopted } = found
      ? { job: found, adopted: true }
      : await launchOrAdopt(deps, step);
    await applyToRun(deps, run.id, (current) =>
      onLaunched(current, step.jobName, job.id, now(), adopted),
    );
  } catch (error) {
    if (!(error instanceof DataflowPermanentError)) throw error;
    const cause = `States.${step.state}: ${error.message}`;
    await applyToRun(deps, run.id, (current) =>
      onLaunchFailed(
        current,
        step.jobName,
        { Error: 'Dataflow.LaunchFailed', Cause: cause },
        now(),
      ),
    );
  }
}

/**
 * Makes every launch the run records as intended. `own` names the intents this invocation just
 * wrote; any other is a leftover of an earlier delivery and is checked against Dataflow first.
 */
export async function executeLaunches(
  deps: HandlerDeps,
  run: Run,
  own: ReadonlySet<string>,
): Promise<void> {
  if (run.status !== 'RUNNING') return;
  const pending = Object.values(run.steps).filter((step) => step.status === 'INTENDED');
  await Promise.all(pending.map((step) => launchStep(deps, run, step, own.has(step.jobName))));
}
