import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingEvent } from '../../src/events/signal.js';

const delivering = new AsyncLocalStorage<string>();

/** The kind of message whose delivery the caller runs in (`start`, `jobEnded`), or `other`. */
export function deliveryKind(): string {
  return delivering.getStore() ?? 'other';
}

/** One delivery of an event to the function: how long the handler took and how it ended. */
export interface Delivery {
  readonly kind: string;
  readonly ms: number;
  /** False when the handler rejected (the message is redelivered). */
  readonly acked: boolean;
  /** 1 for the first delivery of a message. */
  readonly attempt: number;
}

/** How the fake subscription pushes messages. */
export interface PushOptions {
  /** Messages in flight at once (a push subscription's concurrency, instances × concurrency). */
  readonly maxInFlight: number;
  /** Delay before a rejected message is pushed again (Pub/Sub without retryPolicy: ~1 s). */
  readonly redeliveryMs: number;
}

interface Message {
  readonly event: IncomingEvent;
  readonly kind: string;
  readonly attempt: number;
}

/**
 * A push subscription in one process: published messages go to `handle` with at most
 * `maxInFlight` in flight, oldest first; a rejected message comes back after `redeliveryMs`.
 * Each delivery gets a function instance (`W`) nobody else is using at that moment, so one
 * instance serves one request at a time, as Cloud Functions gen2 does by default.
 */
export class PushSubscription<W> {
  readonly deliveries: Delivery[] = [];
  private readonly queue: Message[] = [];
  private readonly idle: W[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private closed = false;
  instances = 0;

  constructor(
    private readonly options: PushOptions,
    private readonly newInstance: () => W,
    private readonly handle: (instance: W, event: IncomingEvent) => Promise<void>,
  ) {}

  /** Messages queued, in flight or waiting to be redelivered. */
  get outstanding(): number {
    return this.queue.length + this.inFlight + this.timers.size;
  }

  publish(event: IncomingEvent, kind: string, attempt = 1): void {
    if (this.closed) return;
    this.queue.push({ event, kind, attempt });
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const message = this.queue.shift()!;
      this.inFlight++;
      void this.deliver(message);
    }
  }

  private async deliver(message: Message): Promise<void> {
    let instance = this.idle.pop();
    if (instance === undefined) {
      instance = this.newInstance();
      this.instances++;
    }
    const start = performance.now();
    let acked = true;
    try {
      const instanceOf = instance;
      await delivering.run(message.kind, () => this.handle(instanceOf, message.event));
    } catch {
      acked = false;
    }
    const ms = performance.now() - start;
    this.deliveries.push({ kind: message.kind, ms, acked, attempt: message.attempt });
    this.idle.push(instance);
    this.inFlight--;
    if (!acked && !this.closed) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.publish(message.event, message.kind, message.attempt + 1);
      }, this.options.redeliveryMs);
      this.timers.add(timer);
    }
    this.pump();
  }

  /** Stops pushing: queued messages and pending redeliveries are dropped. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Resolves once nothing is in flight (after close, so the bench can tear down safely). */
  async drained(pollMs = 20): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The `q`-quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
