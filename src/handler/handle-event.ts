import { DfchainError, isRetryable } from '../errors.js';
import { decodeEvent } from '../events/decode.js';
import type { IncomingEvent, Signal } from '../events/signal.js';
import { handleCallback, handleHeartbeat } from './callback.js';
import { handleCancel } from './cancel.js';
import type { HandlerDeps, Invocation } from './deps.js';
import { invocation } from './invocation.js';
import { handleJobEnded } from './job-ended.js';
import { handleExecutionEnded } from './execution-ended.js';
import { releaseUncalled } from './launch.js';
import { handleObjectFinalized } from './object-trigger.js';
import { handleRedrive } from './redrive.js';
import { handleStart } from './start.js';
import { handleTick } from './tick.js';
import { handleTimer } from './timer.js';

async function dispatch(deps: Invocation, signal: Signal, event: IncomingEvent): Promise<void> {
  switch (signal.kind) {
    case 'ignored':
      deps.logger.write({
        severity: signal.category === 'malformed' ? 'WARNING' : 'INFO',
        event: 'message.ignored',
        message: `ignored ${signal.category} message ${event.id ?? ''}: ${signal.reason}`,
        reason: signal.reason,
        category: signal.category,
      });
      return;
    case 'start':
      return handleStart(deps, signal, event.id ?? '');
    case 'tick':
      return handleTick(deps);
    case 'jobEnded':
      return handleJobEnded(deps, signal);
    case 'executionEnded':
      return handleExecutionEnded(deps, signal);
    case 'timer':
      return handleTimer(deps, signal);
    case 'cancel':
      return handleCancel(deps, signal);
    case 'redrive':
      return handleRedrive(deps, signal, event.id ?? '');
    case 'callback':
      return handleCallback(deps, signal);
    case 'heartbeat':
      return handleHeartbeat(deps, signal);
    case 'objectFinalized':
      return handleObjectFinalized(deps, signal);
  }
}

/**
 * Handles one delivered event. Resolves (Pub/Sub acknowledges) when the event is done with or can
 * never succeed; rejects (Pub/Sub redelivers) only on faults that may pass.
 */
export async function handleEvent(deps: HandlerDeps, event: IncomingEvent): Promise<void> {
  try {
    const inv = invocation(deps);
    try {
      await dispatch(inv, decodeEvent(event), event);
    } catch (error) {
      if (isRetryable(error)) await releaseUncalled(inv);
      throw error;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof DfchainError ? error.code : 'UNEXPECTED';
    if (isRetryable(error)) {
      deps.logger.write({
        severity: 'WARNING',
        event: 'delivery.retry',
        message: `${message} (message ${event.id ?? '?'} will be redelivered)`,
        code,
        ...(error instanceof DfchainError
          ? {}
          : { stack: error instanceof Error ? error.stack : undefined }),
      });
      throw error;
    }
    deps.logger.write({
      severity: 'ERROR',
      event: 'message.rejected',
      message: `${message} (message ${event.id ?? '?'} acknowledged; it will not be retried)`,
      code,
    });
  }
}
