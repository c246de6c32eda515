import type { RunEvent } from '../engine/transition.js';
import type { LogLine, Severity } from './port.js';

function describe(event: RunEvent): { severity: Severity; message: string } {
  const where = event.state ? ` state ${event.state}` : '';
  switch (event.event) {
    case 'run.started':
      return { severity: 'NOTICE', message: `run ${event.runId} of chain ${event.chain} started` };
    case 'step.intended':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: launching ${event.jobName}`,
      };
    case 'job.launched':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: launched ${event.jobName} (${event.jobId})`,
      };
    case 'job.adopted':
      return {
        severity: 'INFO',
        message: `run ${event.runId}${where}: ${event.jobName} was already launched (${event.jobId}); adopted it`,
      };
    case 'job.confirmed':
      return {
        severity: event.jobState === 'JOB_STATE_DONE' ? 'INFO' : 'WARNING',
        message: `run ${event.runId}${where}: ${event.jobName} (${event.jobId}) ended ${event.jobState}`,
      };
    case 'run.succeeded':
      return {
        severity: 'NOTICE',
        message: `run ${event.runId} of chain ${event.chain} succeeded`,
      };
    case 'run.failed':
      return {
        severity: 'ERROR',
        message: `run ${event.runId} of chain ${event.chain} failed${where}: ${event.error?.Error}: ${event.error?.Cause}`,
      };
  }
}

/** The log line for an engine transition. */
export function runEventLine(event: RunEvent): LogLine {
  return { ...describe(event), ...event };
}
