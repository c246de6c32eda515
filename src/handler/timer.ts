import { onTimer } from '../engine/timer.js';
import type { TimerSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';
import { scheduleTimer } from './side-effects.js';

/**
 * Handles a timer's delivery: fires it on the run (a Wait moves on, a Retry relaunches, a
 * timeout cancels). A timer delivered before it is due (clocks differ) is scheduled again;
 * one already fired, or of a run that ended, is a duplicate and changes nothing.
 */
export async function handleTimer(inv: Invocation, signal: TimerSignal): Promise<void> {
  const now = () => inv.clock.now().toISOString();
  const transition = await applyToRun(inv, signal.runId, async (run) =>
    onTimer(await definitionFor(inv, run), run, signal.timer, now()),
  );
  if (transition === undefined) {
    inv.logger.write({
      severity: 'WARNING',
      event: 'message.ignored',
      message: `timer ${signal.timer}: no run ${signal.runId} is stored`,
      reason: 'unknown run',
      category: 'foreign',
    });
    return;
  }
  if (transition.changed) {
    await carryOut(inv, transition);
    return;
  }
  const pending = transition.run.timers?.[signal.timer];
  if (pending !== undefined && transition.run.status === 'RUNNING') {
    await scheduleTimer(inv, transition.run, signal.timer, pending.dueAt);
  }
}
