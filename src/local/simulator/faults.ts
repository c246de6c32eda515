import type { Fault, FaultInjection, Operation } from './types.js';

/** The fault to answer one call with; `afterEffect`: the launch happens, its answer is lost. */
export interface PlannedFault {
  readonly fault: Fault;
  readonly afterEffect: boolean;
}

/** Settings for random faults. */
export interface RandomFaults {
  readonly rate: number;
  readonly faults: readonly Fault[];
  readonly random: () => number;
  /** Share of random faults that strike after the call executed (launches and runJob only). */
  readonly lostAnswerShare?: number;
}

/** Decides which calls fail: injected faults first (in order), then random ones. */
export class FaultPlan {
  private readonly queue: { injection: FaultInjection; left: number }[] = [];

  /** Queues `count` faults for the next matching calls. */
  inject(injection: FaultInjection): void {
    if (!Number.isInteger(injection.count) || injection.count < 1) {
      throw new RangeError(
        `injectFaults: count must be a positive integer, got ${String(injection.count)}`,
      );
    }
    this.queue.push({ injection, left: injection.count });
  }

  /** Drops every queued fault. */
  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for this call of `operation`, if any; consumes it. */
  next(operation: Operation, random: RandomFaults): PlannedFault | undefined {
    const index = this.queue.findIndex(
      (q) => q.injection.operation === 'any' || q.injection.operation === operation,
    );
    const queued = this.queue[index];
    if (queued) {
      queued.left -= 1;
      if (queued.left === 0) this.queue.splice(index, 1);
      return { fault: queued.injection.fault, afterEffect: queued.injection.afterEffect === true };
    }
    if (random.rate > 0 && random.faults.length > 0 && random.random() < random.rate) {
      const pick = Math.floor(random.random() * random.faults.length);
      const fault = random.faults[Math.min(pick, random.faults.length - 1)];
      const share =
        operation === 'launch' || operation === 'runJob' ? (random.lostAnswerShare ?? 0) : 0;
      const afterEffect = share > 0 && random.random() < share;
      if (fault !== undefined) return { fault, afterEffect };
    }
    return undefined;
  }
}
