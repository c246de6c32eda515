import type { Draft } from './draft.js';
import type { Frame } from './run.js';

/** Forgets the timers of the state `frame` stands on (its Task timeout, once the job ended). */
export function dropStateTimers(d: Draft, scope: string, frame: Frame): void {
  for (const [name, timer] of Object.entries(d.allTimers())) {
    if (timer.scope === scope && timer.state === frame.state && timer.attempt === frame.attempt)
      d.dropTimer(name);
  }
}
