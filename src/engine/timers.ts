import type { Draft } from './draft.js';
import type { Frame, TimerKind } from './run.js';

// The run's own timers (TimeoutSeconds of the chain, its Deadline) name the state the run
// began in, but outlive it: only the run's end drops them.
const RUN_WIDE: readonly TimerKind[] = ['run', 'deadline'];

/** Forgets the timers of the state `frame` stands on (its Task timeout, once the job ended). */
export function dropStateTimers(d: Draft, scope: string, frame: Frame): void {
  for (const [name, timer] of Object.entries(d.allTimers())) {
    if (RUN_WIDE.includes(timer.kind)) continue;
    if (timer.scope === scope && timer.state === frame.state && timer.attempt === frame.attempt)
      d.dropTimer(name);
  }
}
