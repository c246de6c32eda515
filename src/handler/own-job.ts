import type { JobRef, JobSummary } from '../dataflow/job.js';
import { runIdOf } from '../engine/part-names.js';
import { notOwnJobReason } from '../engine/identity.js';
import type { Run, Step } from '../engine/run.js';
import type { HandlerDeps } from './deps.js';

/** Where a step's job lives. */
export function stepRef(step: Step): JobRef {
  // A plain JobRef, not the step: the googleapis adapter sends every extra field as a query parameter.
  return { projectId: step.projectId, location: step.location };
}

/**
 * The step's job if Dataflow has one, in any state: every job of the step's name in the step's
 * project and region (a summary each), read again with labels, and trusted only when it proves
 * to be this run's, chain's and state's. A job of that name that is somebody else's is logged
 * and never adopted.
 * @throws JobNotFoundError when a listed job cannot be read yet (the API lags): retry later.
 */
export async function findOwnJob(
  deps: HandlerDeps,
  run: Run,
  step: Step,
): Promise<JobSummary | undefined> {
  const ref = stepRef(step);
  for (const listed of await deps.dataflow.listJobsByName(ref, step.jobName)) {
    const job = await deps.dataflow.getJob(ref, listed.id);
    const foreign = notOwnJobReason(run, step, job);
    if (foreign === undefined) return job;
    deps.logger.write({
      severity: 'WARNING',
      event: 'job.foreign',
      message: `run ${runIdOf(run)} state ${step.state}: job ${job.id} is named ${step.jobName} but is not this step's job (${foreign}); it is left alone`,
      runId: runIdOf(run),
      chain: run.chain,
      state: step.state,
      jobName: step.jobName,
      jobId: job.id,
    });
  }
  return undefined;
}
