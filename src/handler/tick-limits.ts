// Its own file so that deps.ts can name the type without importing tick.ts, which imports deps.ts.

/** How much one tick may do, so a tick stays cheap however many runs are in flight. */
export interface TickLimits {
  /** Most `jobs.get` calls and relaunches per tick; the rest wait for a later tick. */
  readonly maxChecks: number;
  /** A launched job that the API still does not know after this long never came to exist. */
  readonly launchVisibilityMs: number;
  /**
   * The window of `maxChecks` items moves on by `maxChecks` every period, so items that stay
   * stuck cannot starve the rest: with one tick a period, every item is checked at least once
   * every ceil(items / maxChecks) periods.
   */
  readonly rotationPeriodMs: number;
}

/** Defaults: a tick costs at most one `jobs.list` per region plus 50 checks. */
export const TICK_LIMITS: TickLimits = {
  maxChecks: 50,
  launchVisibilityMs: 15 * 60_000,
  rotationPeriodMs: 60_000,
};
