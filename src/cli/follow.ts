import type { RunStatus } from '../engine/run.js';
import { duration } from './duration.js';
import type { RunView, StepView } from './status-view.js';

/** What a follower has already shown of a run, to print only what is new. */
export interface Seen {
  /** Keys of the state entries shown (scope, state, attempt, time entered). */
  readonly entered: ReadonlySet<string>;
  /** Job names shown launched. */
  readonly launched: ReadonlySet<string>;
  /** Job names shown ended. */
  readonly ended: ReadonlySet<string>;
  readonly status?: RunStatus;
  /** Whether the run waited for a slot of its chain, when last seen. */
  readonly queued?: boolean;
}

/** Nothing shown yet. */
export const NOTHING_SEEN: Seen = { entered: new Set(), launched: new Set(), ended: new Set() };

/** One thing that happened to a run, as a line says it. */
export interface FollowEvent {
  /** ISO time it happened (the store's), for the line's time column and the order. */
  readonly at: string;
  readonly kind: 'queued' | 'entered' | 'launched' | 'ended' | 'run';
  readonly text: string;
  /** Step or run status, for a colour. */
  readonly status?: string;
}

/** `HH:MM:SS` of an ISO time (UTC, as the store writes it). */
export function clock(iso: string): string {
  return iso.slice(11, 19);
}

function where(scope: string | undefined, state: string): string {
  return scope ? `${scope}/${state}` : state;
}

function stepEnded(step: StepView): FollowEvent {
  const took =
    step.launchedAt !== undefined && step.endedAt !== undefined
      ? ` after ${duration(Date.parse(step.endedAt) - Date.parse(step.launchedAt))}`
      : '';
  const why = step.error ? `: ${step.error.Error}: ${step.error.Cause}` : '';
  return {
    at: step.endedAt ?? step.intendedAt,
    kind: 'ended',
    status: step.status,
    text: `job ${step.jobName} (${where(step.scope, step.state)}) ${step.status}${took}${step.jobState ? ` [${step.jobState}]` : ''}${why}`,
  };
}

/**
 * What is new in `view` since `seen`, oldest first, and what is seen after it. States are
 * seen while they are entered (a Pass or Choice left between two reads is not); jobs from their
 * launch and end times; the run's end last.
 */
export function newEvents(seen: Seen, view: RunView): { events: FollowEvent[]; seen: Seen } {
  const entered = new Set(seen.entered);
  const launched = new Set(seen.launched);
  const ended = new Set(seen.ended);
  const events: FollowEvent[] = [];
  const queued = view.queued !== undefined;
  if (queued && seen.queued !== true) {
    const place =
      view.queued?.position !== undefined ? `, place ${view.queued.position} in line` : '';
    events.push({
      at: view.queued?.since ?? view.startTime,
      kind: 'queued',
      text: `run waits for a slot of its chain (MaxConcurrentRuns${place})`,
    });
  }
  for (const scope of view.scopes ?? []) {
    const key = `${scope.scope}|${scope.state}|${scope.attempt}|${scope.enteredTime}`;
    if (entered.has(key)) continue;
    entered.add(key);
    const retry = scope.attempt > 1 ? ` (attempt ${scope.attempt})` : '';
    events.push({
      at: scope.enteredTime,
      kind: 'entered',
      text: `entered ${where(scope.scope, scope.state)}${retry}`,
    });
  }
  for (const step of view.steps) {
    if (step.launchedAt !== undefined && !launched.has(step.jobName)) {
      launched.add(step.jobName);
      events.push({
        at: step.launchedAt,
        kind: 'launched',
        text: `job ${step.jobName} (${where(step.scope, step.state)}) launched${step.jobId ? ` as ${step.jobId}` : ''} in ${step.location}`,
      });
    }
    if (step.endedAt !== undefined && !ended.has(step.jobName)) {
      ended.add(step.jobName);
      events.push(stepEnded(step));
    }
  }
  events.sort((a, b) => a.at.localeCompare(b.at));
  if (view.status !== 'RUNNING' && seen.status !== view.status) {
    const end = view.endTime ?? view.startTime;
    const why = view.error ? `: ${view.error.Error}: ${view.error.Cause}` : '';
    events.push({
      at: end,
      kind: 'run',
      status: view.status,
      text: `run ${view.id} ${view.status} after ${duration(Date.parse(end) - Date.parse(view.startTime))}${why}`,
    });
  }
  return { events, seen: { entered, launched, ended, status: view.status, queued } };
}

/** Most waits the live line names; the rest are counted (a Map may run hundreds of items). */
const WAITS_SHOWN = 3;

/** The live line under the events: how long the run has run and what it waits for now. */
export function liveLine(view: RunView, now: Date): string {
  const elapsed = duration(now.getTime() - Date.parse(view.startTime));
  if (view.queued) return `${view.id} queued for ${elapsed}`;
  const waits = (view.scopes ?? []).map((s) => {
    const at = where(s.scope, s.state);
    if (s.wait === 'children' && s.children) {
      return `${at} ${s.children.running} of ${s.children.total} running`;
    }
    return `${at} ${s.wait} ${duration(now.getTime() - Date.parse(s.enteredTime))}`;
  });
  const more = waits.length - WAITS_SHOWN;
  const shown = [...waits.slice(0, WAITS_SHOWN), ...(more > 0 ? [`+${more} more`] : [])];
  return `${view.id} running ${elapsed}${shown.map((w) => ` · ${w}`).join('')}`;
}

/** The exit code of a follow: 0 SUCCEEDED, 2 FAILED, 3 CANCELLED; undefined while it runs. */
export function followExitCode(status: RunStatus): number | undefined {
  switch (status) {
    case 'SUCCEEDED':
      return 0;
    case 'FAILED':
      return 2;
    case 'CANCELLED':
      return 3;
    case 'RUNNING':
      return undefined;
  }
}
