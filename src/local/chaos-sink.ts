import type { LogEntry, RunLogEntry } from './simulator/index.js';

/** What the sink publishes: a Dataflow job message, or a Cloud Run execution's completion entry. */
export type SinkEntry = LogEntry | RunLogEntry;
import type { Transport } from './transport.js';

/** How the local stack's log sink misbehaves, as at-least-once delivery may. */
export interface SinkChaos {
  /** Each entry is published between `[min, max]` times, inclusive: more than 1 duplicates it. */
  readonly copies: readonly [number, number];
  /** Each copy waits a random 0..maxDelayMs before it is published, so entries arrive out of order. */
  readonly maxDelayMs: number;
  /** Probability (0..1) that an entry is never published: a lost event. */
  readonly dropRate: number;
  /** Source of randomness, seeded in tests so a failure replays. */
  readonly random: () => number;
}

/** A sink that behaves: every entry once, at once. */
export const NO_SINK_CHAOS: SinkChaos = {
  copies: [1, 1],
  maxDelayMs: 0,
  dropRate: 0,
  random: Math.random,
};

/** What the sink did so far. */
export interface SinkStats {
  entries: number;
  published: number;
  /** Entries never published (dropped on purpose). */
  readonly dropped: SinkEntry[];
  /** Publishes that failed, after the stack stopped for instance. */
  readonly errors: unknown[];
}

/**
 * The simulator's "Log Router sink": publishes each job's final LogEntry, and each Cloud Run
 * execution's completion entry, on the topic, with chaos.
 */
export class ChaosSink {
  chaos: SinkChaos = NO_SINK_CHAOS;
  transport?: Transport;
  readonly stats: SinkStats = { entries: 0, published: 0, dropped: [], errors: [] };
  private readonly timers = new Set<NodeJS.Timeout>();

  private async publish(data: Buffer): Promise<void> {
    try {
      await this.transport?.publish(data);
      this.stats.published += 1;
    } catch (error) {
      this.stats.errors.push(error);
    }
  }

  /** Publishes `entry` as a Log Router sink would (the whole LogEntry as JSON), chaos applied. */
  async deliver(entry: SinkEntry): Promise<void> {
    const { copies, maxDelayMs, dropRate, random } = this.chaos;
    this.stats.entries += 1;
    if (dropRate > 0 && random() < dropRate) {
      this.stats.dropped.push(entry);
      return;
    }
    const data = Buffer.from(JSON.stringify(entry));
    const [min, max] = copies;
    const count = min + Math.floor(random() * (max - min + 1));
    for (let i = 0; i < count; i++) {
      const delay = maxDelayMs > 0 ? Math.floor(random() * maxDelayMs) : 0;
      if (delay === 0) {
        await this.publish(data);
        continue;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.publish(data);
      }, delay);
      this.timers.add(timer);
    }
  }

  /** Cancels copies still waiting for their delay. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
