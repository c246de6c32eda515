/** Time, injected so the engine and tests never read the wall clock themselves. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
