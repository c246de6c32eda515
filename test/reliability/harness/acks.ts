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
  };

  /** How many times `key` was acknowledged with a reason. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}
