import type { JobSummary } from '../dataflow/job.js';
import { stepLabels } from './labels.js';
import type { Run, Step } from './run.js';

/**
 * Why `job` is not the step's own job, or undefined when it is. A job's name alone proves
 * nothing: anyone may create a job of any name in any project or region. The job must live in
 * the step's project and region, carry labels naming the run, chain and state, and, once the
 * launch was recorded, have the recorded id.
 */
export function notOwnJobReason(run: Run, step: Step, job: JobSummary): string | undefined {
  if (job.name !== step.jobName) return `its name is not ${step.jobName}`;
  if (job.projectId !== step.projectId || job.location !== step.location) {
    return `it runs in projects/${job.projectId}/locations/${job.location}, the step in projects/${step.projectId}/locations/${step.location}`;
  }
  if (step.jobId !== undefined && job.id !== step.jobId) {
    return `the step's job is ${step.jobId}, not ${job.id}`;
  }
  const expected = stepLabels(run, step.state);
  for (const [key, value] of Object.entries(expected)) {
    if (job.labels[key] !== value) {
      return `its label ${key} is ${JSON.stringify(job.labels[key] ?? null)}, not "${value}"`;
    }
  }
  return undefined;
}
