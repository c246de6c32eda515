import { systemClock } from '../clock.js';
import type { BackfillIo } from './backfill.js';

/** What a process gives a backfill: a stream it may redraw a bar on, and SIGINT. */
export interface BackfillProcess {
  readonly stderr: { readonly isTTY?: boolean; write(text: string): unknown };
  once(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
}

/**
 * The process's share of a backfill's io: the wall clock, a progress bar on stderr when stderr
 * is a terminal, and an abort on the first Ctrl-C (SIGINT), so the backfill stops starting runs
 * and prints its summary instead of dying mid-publish. `dispose` removes the SIGINT listener.
 */
export function processBackfillIo(
  proc: BackfillProcess = process,
): Pick<BackfillIo, 'clock' | 'tty' | 'signal'> & { dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  proc.once('SIGINT', abort);
  const stderr = proc.stderr;
  return {
    clock: systemClock,
    ...(stderr.isTTY === true ? { tty: { write: (text: string) => void stderr.write(text) } } : {}),
    signal: controller.signal,
    dispose: () => void proc.off('SIGINT', abort),
  };
}
