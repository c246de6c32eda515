import type { ChainDefinition } from '../chain/types.js';
import { abandonStep } from './abort.js';
import { Draft } from './draft.js';
import { ERROR_NAMES } from './error-names.js';
import { drain, failRun, finish, raise, retryNow, settle } from './interpreter.js';
import { placeOf } from './names.js';
import { resumeLaunch } from './quota.js';
import type { Run, Timer } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { unchanged, type Transition } from './transition.js';

/** What a frame waits for while each kind of timer is pending. */
const WAITS = {
  wait: 'timer',
  retry: 'retry',
  timeout: 'job',
  heartbeat: 'job',
  run: 'job',
  launch: 'job',
} as const;

/**
 * Timers of `run` due at `now`, by name: the tick fires them if their delivery was lost. None
 * for a run that ended: its timers change nothing (a Deadline past the end must not alert).
 */
export function dueTimers(run: Run, now: string): string[] {
  if (run.status !== 'RUNNING') return [];
  const at = Date.parse(now);
  return Object.entries(run.timers ?? {})
    .filter(([, timer]) => Date.parse(timer.dueAt) <= at)
    .map(([name]) => name);
}

function fire(d: Draft, timer: Timer): void {
  if (timer.kind === 'launch') {
    resumeLaunch(d, timer);
    return;
  }
  if (timer.kind === 'run') {
    failRun(d, {
      Error: ERROR_NAMES.timeout,
      Cause: `the run lasted longer than the chain's TimeoutSeconds (due ${timer.dueAt})`,
    });
    return;
  }
  if (timer.kind === 'deadline') {
    // An alert, not a stop: the run goes on, and the dropped timer makes a redelivery silent.
    const state = d.frame(ROOT_SCOPE)?.state;
    d.event({ event: 'run.deadline_missed', dueAt: timer.dueAt, ...(state ? { state } : {}) });
    return;
  }
  const frame = d.frame(timer.scope);
  const current =
    frame?.state === timer.state &&
    frame.attempt === timer.attempt &&
    frame.wait === WAITS[timer.kind];
  if (frame === undefined || !current) return;
  if (timer.kind === 'wait') {
    finish(d, timer.scope, timer.output ?? null);
    return;
  }
  if (timer.kind === 'retry') {
    retryNow(d, timer.scope);
    return;
  }
  const step = frame.jobName === undefined ? undefined : d.step(frame.jobName);
  if (step !== undefined) abandonStep(d, step);
  const cancelling = step ? `; its job ${step.jobName} is being cancelled` : '';
  raise(
    d,
    timer.scope,
    timer.kind === 'heartbeat'
      ? {
          Error: ERROR_NAMES.heartbeatTimeout,
          Cause: `${placeOf(timer.scope, timer.state)}: no heartbeat within HeartbeatSeconds (due ${timer.dueAt})${cancelling}`,
        }
      : {
          Error: ERROR_NAMES.timeout,
          Cause: `${placeOf(timer.scope, timer.state)}: the Task ran longer than its timeout (due ${timer.dueAt})${cancelling}`,
        },
  );
}

/**
 * Fires timer `name` of the run at `now`: a Wait moves on, a Retry relaunches, a timeout
 * cancels the Task's job and raises States.Timeout, a missed Deadline only logs. A timer already fired, not yet due, or
 * whose state has moved on changes nothing (the timer port delivers at least once).
 */
export function onTimer(
  definition: ChainDefinition,
  run: Run,
  name: string,
  now: string,
): Transition {
  const timer = run.timers?.[name];
  if (run.status !== 'RUNNING' || timer === undefined) return unchanged(run);
  if (Date.parse(timer.dueAt) > Date.parse(now)) return unchanged(run);
  const d = new Draft(definition, run, now);
  d.dropTimer(name);
  fire(d, timer);
  drain(d);
  return settle(d);
}
