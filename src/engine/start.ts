import type { ChainDefinition } from '../chain/types.js';
import type { JsonObject } from '../json.js';
import { armDeadline } from './deadline.js';
import { Draft } from './draft.js';
import { drain, settle } from './interpreter.js';
import { timerName } from './names.js';
import type { Run } from './run.js';
import { ROOT_SCOPE } from './scope.js';
import type { Transition } from './transition.js';

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
}

/** Creates a run and enters its `StartAt` state (and every instant state after it). */
export function startRun(request: StartRequest): Transition {
  const run: Run = {
    id: request.runId,
    chain: request.chain,
    definitionHash: request.definitionHash,
    nonce: request.nonce,
    ...(request.workerServiceAccount ? { workerServiceAccount: request.workerServiceAccount } : {}),
    projectId: request.projectId,
    input: request.input,
    status: 'RUNNING',
    startTime: request.now,
    steps: {},
    frames: {},
    timers: {},
  };
  const d = new Draft(request.definition, run, request.now);
  d.event({ event: 'run.started' });
  const limit = request.definition.TimeoutSeconds;
  if (limit !== undefined) {
    d.addTimer(timerName(request.nonce, 'run', ROOT_SCOPE, 0), {
      kind: 'run',
      scope: ROOT_SCOPE,
      state: request.definition.StartAt,
      attempt: 0,
      dueAt: new Date(Date.parse(request.now) + limit * 1000).toISOString(),
    });
  }
  d.agenda.push({ scope: ROOT_SCOPE, state: request.definition.StartAt, input: request.input });
  drain(d);
  armDeadline(d);
  return settle(d);
}
