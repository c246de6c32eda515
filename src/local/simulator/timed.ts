/**
 * What the simulator's tables (Dataflow jobs, Cloud Run executions) share: their lifecycles run
 * on setTimeout, so fake timers control them and `stop` clears what is pending; and each hands
 * its log entries to a sink whose failures are kept, never thrown at the simulated API.
 */
export abstract class Timed {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Errors thrown or rejected by the sink, in order. */
  readonly sinkErrors: unknown[] = [];

  /** Clears every pending timer; what the table holds stays where it is. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Runs `run` after `ms`, unless `stop` or `clear` comes first. */
  protected later(ms: number, run: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  /** Cancels a timer `later` gave. */
  protected clear(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Hands `entry` to `sink` (when there is one), keeping what it throws or rejects with. */
  protected deliverTo<E>(sink: ((entry: E) => Promise<void> | void) | undefined, entry: E): void {
    if (!sink) return;
    try {
      const result = sink(entry);
      if (result instanceof Promise) result.catch((error: unknown) => this.sinkErrors.push(error));
    } catch (error) {
      this.sinkErrors.push(error);
    }
  }
}
