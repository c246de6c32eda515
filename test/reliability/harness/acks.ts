import type { FunctionLine } from '../../../src/local/function-process.js';

const IGNORED = /^ignored \S+ message (\S*): /;
const REJECTED = /\(message (\S*) acknowledged; it will not be retried\)$/;

/**
 * Counts the function's "this message is done with" lines per message: `message.ignored` and
 * `message.rejected` name the message id, except a job event ignored after decoding, which names
 * its job (`job:<name>`). Also counts `delivery.retry` lines.
 */
export class AckCounter {
  readonly counts = new Map<string, number>();
  retries = 0;
  private readonly waiters = new Set<() => void>();

  /** Feeds one function line. */
  readonly see = (line: FunctionLine): void => {
    const event = line.json?.['event'];
    if (event === 'delivery.retry') this.retries += 1;
    if (event !== 'message.ignored' && event !== 'message.rejected') return;
    const message = line.json?.['message'];
    const text = typeof message === 'string' ? message : '';
    const id = IGNORED.exec(text)?.[1] ?? REJECTED.exec(text)?.[1];
    const jobName = line.json?.['jobName'];
    const key = id ?? (typeof jobName === 'string' ? `job:${jobName}` : `?${text}`);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    for (const wake of [...this.waiters]) wake();
  };

  /**
   * Resolves once `condition` holds, checked after every counted line, or after `timeoutMs`
   * (resolving false): a budget that ends as soon as the condition holds, never a fixed sleep.
   */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (met: boolean): void => {
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(met);
      };
      const wake = (): void => {
        if (condition()) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** How many times `key` was acknowledged with a reason. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
