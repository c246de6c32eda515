import { cancelRun, DEFAULT_CANCEL_CAUSE } from '../engine/cancel.js';
import type { CancelSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { stopPart } from './parts.js';
import { applyToRun } from './record.js';
import { settledAll } from './settled.js';

/**
 * Handles the `cancel` command: ends the run CANCELLED (its launched jobs are cancelled through
 * the API, its timers dropped), then stops every part of the run still running (Map items,
 * Parallel branches). Idempotent: a repeated command finds the run ended and changes nothing,
 * but stops again any part a crash left running; a run that ended otherwise stays as it ended.
 * A run not stored is logged and acknowledged.
 */
export async function handleCancel(inv: Invocation, signal: CancelSignal): Promise<void> {
  const cause = signal.cause ?? DEFAULT_CANCEL_CAUSE;
  const transition = await applyToRun(inv, signal.runId, async (run) =>
    cancelRun(await definitionFor(inv, run), run, cause, inv.clock.now().toISOString()),
  );
  if (transition === undefined) {
    inv.logger.write({
      severity: 'WARNING',
      event: 'message.ignored',
      message: `cancel: no run ${signal.runId} is stored`,
      reason: 'unknown run',
      category: 'foreign',
      runId: signal.runId,
    });
    return;
  }
  if (transition.changed) await carryOut(inv, transition);
  if (transition.run.status !== 'CANCELLED') return;
  // The abortItems effects stop each Map entry's items; this also reaches parts whose group
  // the cancel did not name (nested ones, a stop a crash cut short).
  const parts = await inv.store.parts(signal.runId);
  const running = parts.filter((part) => part.status === 'RUNNING');
  await settledAll(running.map((part) => stopPart(inv, part.id)));
}
