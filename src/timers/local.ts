import type { PubSub } from '@google-cloud/pubsub';
import pRetry from 'p-retry';
import type { Logger } from '../log/port.js';
import { dueTime, timerMessageData } from './message.js';
import type { TimerPort, TimerRequest } from './port.js';

/** Publishes one message's data on the events topic. */
export type Publish = (data: Buffer) => Promise<unknown>;

/** How the in-process timers reach the topic. */
export interface LocalTimerOptions {
  readonly projectId: string;
  /** The events topic (`DFCHAIN_TOPIC`). */
  readonly topic: string;
  /** Where a timer that could not be published is reported. */
  readonly logger: Logger;
  /**
   * Publishes on the topic; default: @google-cloud/pubsub (loaded at the first timer), which
   * talks to the emulator at `PUBSUB_EMULATOR_HOST` when that is set.
   */
  readonly publish?: Publish;
  /** The wall clock in ms; default Date.now. */
  readonly now?: () => number;
  /** Tries of a failed publish after the first; default 4. */
  readonly retries?: number;
  /** Wait before the first retry, doubling after (with jitter); default 250 ms. */
  readonly retryMs?: number;
}

/** The longest delay one setTimeout takes (2^31 - 1 ms, ~24.8 days): a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_MS = 250;

/** The default {@link Publish}: a Pub/Sub client for `topic`, made at the first publish. */
function pubsubPublisher(projectId: string, topic: string): Publish & { close(): Promise<void> } {
  let client: Promise<PubSub> | undefined;
  const publish = async (data: Buffer) => {
    client ??= import('@google-cloud/pubsub').then(({ PubSub }) => new PubSub({ projectId }));
    // One message a batch: a timer is due now, not when a batch fills.
    return (await client).topic(topic, { batching: { maxMessages: 1 } }).publishMessage({ data });
  };
  return Object.assign(publish, {
    close: async () => {
      if (client) await (await client).close();
    },
  });
}

/**
 * The local stack's TimerPort: one unref'd setTimeout per timer until its due time (clamped at
 * now), then the timer command is published on the topic, as Cloud Tasks would. A name is
 * scheduled once per process: asking again for a pending or fired name does nothing. A failed
 * publish is retried a few times, then logged (`timer.publish_failed`); the `tick` command fires
 * any overdue timer, so a lost one only comes late. Timers live in this process only: a restart
 * forgets them, and the tick fires them.
 */
export function createLocalTimers(options: LocalTimerOptions): TimerPort {
  const now = options.now ?? Date.now;
  const defaultPublisher = options.publish
    ? undefined
    : pubsubPublisher(options.projectId, options.topic);
  const publish: Publish = options.publish ?? defaultPublisher!;
  const seen = new Set<string>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const stopping = new AbortController();

  const fire = async (timer: TimerRequest): Promise<void> => {
    pending.delete(timer.name);
    const data = timerMessageData(timer);
    try {
      await pRetry(() => publish(data), {
        retries: options.retries ?? DEFAULT_RETRIES,
        minTimeout: options.retryMs ?? DEFAULT_RETRY_MS,
        factor: 2,
        randomize: true,
        signal: stopping.signal,
        unref: true,
      });
    } catch (error) {
      if (stopping.signal.aborted) return;
      options.logger.write({
        severity: 'WARNING',
        event: 'timer.publish_failed',
        message: `timer "${timer.name}" of run ${timer.runId} could not be published on topic ${options.topic}: ${error instanceof Error ? error.message : String(error)}; the next tick fires it`,
        runId: timer.runId,
        timer: timer.name,
        dueAt: timer.dueAt,
      });
    }
  };

  const arm = (timer: TimerRequest, due: number): void => {
    const wait = Math.max(0, due - now());
    // Past the longest setTimeout, wait that long and measure again.
    const handle = setTimeout(
      () => (wait > MAX_TIMEOUT_MS ? arm(timer, due) : void fire(timer)),
      Math.min(wait, MAX_TIMEOUT_MS),
    );
    handle.unref();
    pending.set(timer.name, handle);
  };

  return {
    schedule(timer) {
      try {
        const due = dueTime(timer);
        if (!stopping.signal.aborted && !seen.has(timer.name)) {
          seen.add(timer.name);
          arm(timer, due);
        }
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    async close() {
      stopping.abort();
      for (const handle of pending.values()) clearTimeout(handle);
      pending.clear();
      await defaultPublisher?.close();
    },
  };
}
