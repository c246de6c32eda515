import type { ChainDefinition } from '../chain/types.js';
import type { Step } from '../engine/run.js';
import { nextFireTimes, scheduleZone } from '../schedule/ticks.js';

/** How many coming fire times `dfchain status` shows for a scheduled chain. */
const FIRE_TIMES_SHOWN = 3;

/**
 * The job's page in the Dataflow console: `/dataflow/jobs/{region}/{jobId}?project={project}`,
 * the form Google's own tools print for a launched job (the gcloud and Beam launch logs, and
 * DataflowTemplates' Terraform outputs). None for a run:job or publish step.
 */
export function consoleUrl(
  step: Pick<Step, 'jobId' | 'location' | 'projectId'> & Partial<Pick<Step, 'request'>>,
): string | undefined {
  // A Cloud Run execution's or a message's id is no Dataflow job: no page of Google's is guessed.
  const kind = (step.request as { kind?: unknown } | undefined)?.kind;
  if (step.jobId === undefined || kind === 'publish' || kind === 'runJob') return undefined;
  const path = `${encodeURIComponent(step.location)}/${encodeURIComponent(step.jobId)}`;
  return `https://console.cloud.google.com/dataflow/jobs/${path}?project=${encodeURIComponent(step.projectId)}`;
}

/** Seconds from the recorded launch to the recorded end; undefined while either is missing. */
export function stepSeconds(step: Pick<Step, 'launchedAt' | 'endedAt'>): number | undefined {
  if (step.launchedAt === undefined || step.endedAt === undefined) return undefined;
  return Math.max(0, (Date.parse(step.endedAt) - Date.parse(step.launchedAt)) / 1000);
}

/** The chain's schedule as `dfchain status --json` shows it. */
export interface ScheduleView {
  readonly cron: string;
  readonly timeZone: string;
  /** The coming fire times after `now`, ISO UTC. */
  readonly next: readonly string[];
}

/** The run's chain schedule and its next fire times, when the run's definition has one. */
export function scheduleView(
  definition: ChainDefinition | undefined,
  now: Date,
): ScheduleView | undefined {
  const schedule = definition?.Schedule;
  if (schedule === undefined) return undefined;
  return {
    cron: schedule.Cron,
    timeZone: scheduleZone(schedule),
    next: nextFireTimes(schedule, now, FIRE_TIMES_SHOWN).map((time) => time.toISOString()),
  };
}
