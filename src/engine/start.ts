import type { ChainDefinition } from '../chain/types.js';
import type { JsonObject } from '../json.js';
import { enterState } from './enter.js';
import type { Run } from './run.js';
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

/** Creates a run and enters its `StartAt` state. */
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
  };
  return enterState(
    request.definition,
    run,
    request.definition.StartAt,
    request.input,
    request.now,
    { events: [{ event: 'run.started', runId: run.id, chain: run.chain }], archived: [] },
  );
}
