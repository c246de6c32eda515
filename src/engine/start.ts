import type { ChainDefinition } from '../chain/types.js';
import type { JsonObject } from '../json.js';
import { armDeadline } from './deadline.js';
import { Draft } from './draft.js';
import { drain, settle } from './interpreter.js';
import { timerName } from './names.js';
import type { QueuedAt, Run, SlotRef } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import { unchanged, type Transition } from './transition.js';

/** What starting a run needs; `now` is an ISO timestamp from the injected clock. */
export interface StartRequest {
  readonly runId: string;
  readonly chain: string;
  readonly definition: ChainDefinition;
  readonly definitionHash: string;
  readonly projectId: string;
  readonly input: JsonObject;
  readonly now: string;
  /** Random, drawn by the caller: the engine itself draws nothing. */
  readonly nonce: string;
  /** The deployment's default worker account, kept with the run so replays launch the same. */
  readonly workerServiceAccount?: string;
  /** A scheduled or backfilled run: the cron tick it stands for (ISO), `$$.Execution.ScheduledTime`. */
  readonly scheduledTime?: string;
  /**
   * A chain with MaxConcurrentRuns: the slot the run begins with, or its place in line (it is
   * stored and begins when admitted, see beginQueuedRun). Absent: the run begins at once.
   */
  readonly admission?: { readonly slot: SlotRef } | { readonly queued: QueuedAt };
}

/** Enters the run's `StartAt` (and every instant state after it) and arms its TimeoutSeconds. */
function begin(d: Draft, definition: ChainDefinition, run: Run, now: string): void {
  const limit = definition.TimeoutSeconds;
  if (limit !== undefined) {
    d.addTimer(timerName(run.nonce ?? run.id, 'run', ROOT_SCOPE, 0), {
      kind: 'run',
      scope: ROOT_SCOPE,
      state: definition.StartAt,
      attempt: 0,
      dueAt: new Date(Date.parse(now) + limit * 1000).toISOString(),
    });
  }
  d.agenda.push({ scope: ROOT_SCOPE, state: definition.StartAt, input: run.input });
  drain(d);
}

/**
 * Creates a run and enters its `StartAt` state (and every instant state after it); a run
 * that must wait for a slot of its chain's MaxConcurrentRuns is only stored, in line.
 */
export function startRun(request: StartRequest): Transition {
  const admission = request.admission;
  const run: Run = {
    id: request.runId,
    chain: request.chain,
    definitionHash: request.definitionHash,
    nonce: request.nonce,
    ...(request.workerServiceAccount ? { workerServiceAccount: request.workerServiceAccount } : {}),
    projectId: request.projectId,
    input: request.input,
    ...(request.scheduledTime === undefined ? {} : { scheduledTime: request.scheduledTime }),
    status: 'RUNNING',
    startTime: request.now,
    steps: {},
    frames: {},
    timers: {},
    ...(admission && 'slot' in admission ? { slot: admission.slot } : {}),
    ...(admission && 'queued' in admission ? { queued: admission.queued } : {}),
  };
  const d = new Draft(request.definition, run, request.now);
  if (run.queued) {
    d.event({ event: 'run.queued' });
    armDeadline(d);
    return settle(d);
  }
  d.event({ event: 'run.started' });
  begin(d, request.definition, run, request.now);
  armDeadline(d);
  return settle(d);
}

/**
 * Begins a run that waited in line for a slot of its chain's MaxConcurrentRuns, holding
 * `slot` from now until it ends (its Deadline was armed when it was queued: waiting counts).
 * Unchanged when it is not waiting any more (a repeated admission).
 */
export function beginQueuedRun(
  definition: ChainDefinition,
  run: Run,
  slot: SlotRef,
  now: string,
): Transition {
  if (run.status !== 'RUNNING' || run.queued === undefined) return unchanged(run);
  const { queued: _admitted, ...rest } = run;
  const admitted: Run = { ...rest, slot };
  const d = new Draft(definition, admitted, now);
  d.event({ event: 'run.started' });
  begin(d, definition, admitted, now);
  return settle(d);
}
