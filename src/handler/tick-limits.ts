// Its own file so that deps.ts can name the type without importing tick.ts, which imports deps.ts.

/** How much one tick may do, so a tick stays cheap however many runs are in flight. */
export interface TickLimits {
  /** Most `jobs.get` calls and relaunches per tick; the rest wait for the next tick. */
  readonly maxChecks: number;
  /** An intent younger than this belongs to a delivery that may still be launching it. */
  readonly intentGraceMs: number;
  /** A launched job that the API still does not know after this long never came to exist. */
  readonly launchVisibilityMs: number;
}

/** Defaults: a tick costs at most one `jobs.list` per region plus 50 checks. */
export const TICK_LIMITS: TickLimits = {
  maxChecks: 50,
  intentGraceMs: 60_000,
  launchVisibilityMs: 15 * 60_000,
};
