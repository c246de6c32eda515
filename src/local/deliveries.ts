/** What the transport saw of one message: push attempts, and those the function acknowledged. */
export interface DeliveryCount {
  /** Push requests made to the function for this message (first delivery and redeliveries). */
  readonly pushes: number;
  /** Pushes the function answered with a 2xx status: Pub/Sub's acknowledgement of a push. */
  readonly acks: number;
}

const NONE: DeliveryCount = { pushes: 0, acks: 0 };

/**
 * The transport's own record of pushes and acknowledgements per message id. Tests read "handled
 * once" and "not redelivered" from it instead of sleeping: a message whose first push was
 * acknowledged is never pushed again, so `{pushes: 1, acks: 1}` is the proof, as soon as it holds.
 */
export class DeliveryLedger {
  private readonly counts = new Map<string, DeliveryCount>();
  private readonly waiters = new Set<() => void>();

  /** Records one push of `messageId`; `status` is the function's HTTP answer, undefined for none. */
  record(messageId: string, status: number | undefined): void {
    const before = this.counts.get(messageId) ?? NONE;
    const acked = status !== undefined && status >= 200 && status < 300;
    this.counts.set(messageId, { pushes: before.pushes + 1, acks: before.acks + (acked ? 1 : 0) });
    for (const wake of [...this.waiters]) wake();
  }

  /** Pushes and acknowledgements of `messageId` so far. */
  count(messageId: string): DeliveryCount {
    return this.counts.get(messageId) ?? NONE;
  }

  /** Every push recorded so far, of any message. */
  get totalPushes(): number {
    let total = 0;
    for (const { pushes } of this.counts.values()) total += pushes;
    return total;
  }

  /**
   * Resolves once `condition` holds, checked after every recorded push; rejects after
   * `timeoutMs` with `describe()` in the message. A budget, not a sleep: it returns as soon as it can.
   */
  until(condition: () => boolean, timeoutMs: number, describe = () => ''): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        if (!condition()) return;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`deliveries: condition not met within ${timeoutMs} ms ${describe()}`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }
}

/** The message id of a Pub/Sub push body, or undefined when the body has none. */
export function pushedMessageId(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: { messageId?: unknown; message_id?: unknown } };
    const id = parsed.message?.messageId ?? parsed.message?.message_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
