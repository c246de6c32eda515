import { LABEL_KEYS } from '../chain/labels.js';
import type { JobSummary, TemplateLaunch } from '../dataflow/job.js';
import type { DataflowPort } from '../dataflow/port.js';
import { crashProcess, type Crash } from './crash.js';

/** How often a {@link faultyDataflow} port crashes. */
export interface DataflowFaults {
  /** Probability (0..1) of a crash right after a launch succeeded, before it is recorded. */
  readonly crashRate: number;
  readonly random: () => number;
  readonly crash?: Crash;
}

function runOf(environment: Readonly<Record<string, unknown>> | undefined): string {
  const labels = environment?.['additionalUserLabels'];
  const run = (labels as Record<string, unknown> | undefined)?.[LABEL_KEYS.run];
  return typeof run === 'string' ? run : '';
}

/**
 * A DataflowPort that, at the configured rate, kills the process right after Dataflow accepted
 * a launch: the job exists but the run never hears of it. (Transient API faults come from the
 * simulator.) Local-stack testing only (`DFCHAIN_LOCAL_FAULTS`).
 */
export function faultyDataflow(inner: DataflowPort, faults: DataflowFaults): DataflowPort {
  const crash = faults.crash ?? crashProcess;
  const afterLaunch = (job: JobSummary, request: TemplateLaunch): JobSummary => {
    if (faults.crashRate > 0 && faults.random() < faults.crashRate)
      crash('after-launch', runOf(request.launchParameter.environment));
    return job;
  };
  return {
    getJob: (ref, jobId) => inner.getJob(ref, jobId),
    listJobsByName: (ref, name) => inner.listJobsByName(ref, name),
    listActiveJobs: (ref) => inner.listActiveJobs(ref),
    cancelJob: (ref, jobId) => inner.cancelJob(ref, jobId),
    ...(inner.getMetrics ? { getMetrics: (ref, jobId) => inner.getMetrics!(ref, jobId) } : {}),
    async launchFlexTemplate(ref, request) {
      return afterLaunch(await inner.launchFlexTemplate(ref, request), request);
    },
    async launchTemplate(ref, request) {
      return afterLaunch(await inner.launchTemplate(ref, request), request);
    },
  };
}
