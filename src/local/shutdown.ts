import { stopAllGroups } from './process-group.js';

/** The signals that stop a local run, with the exit code a shell reports for each (128 + its number). */
export const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
/** A signal that stops a local run. */
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/** What {@link installShutdown} runs, and where it reports. */
export interface ShutdownOptions {
  /** Stops what the caller holds a handle on (the stack); process groups are swept after it. */
  readonly cleanup: () => Promise<void>;
  readonly log: (line: string) => void;
  /** The longest `cleanup` may take before the groups are swept regardless. */
  readonly cleanupMs?: number;
  /** Grace between SIGTERM and SIGKILL for the process groups. */
  readonly graceMs?: number;
}

/** The single way out of a local run: every path (return, signal, fatal error) goes through it. */
export interface Shutdown {
  /** Stops everything, then exits the process with `code`. */
  exit(code: number): Promise<never>;
  /** True once a stop began: what fails from then on is the stop's doing, not news to report. */
  readonly stopping: boolean;
}

// A terminal that went away (SIGHUP) makes writes to it fail: losing the report beats crashing.
function safe(log: (line: string) => void): (line: string) => void {
  return (line) => {
    try {
      log(line);
    } catch {
      // Nowhere left to write.
    }
  };
}

/**
 * Makes SIGINT, SIGTERM, SIGHUP, an uncaught exception and an unhandled rejection all stop
 * every process the run started (the caller's `cleanup`, then every tracked process group) and
 * exit with 130/143/129, or 1 for an error. A second signal during the stop kills at once.
 */
export function installShutdown(options: ShutdownOptions): Shutdown {
  const log = safe(options.log);
  let stopping: Promise<never> | undefined;
  const stop = (code: number): Promise<never> => {
    stopping ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          log(`cleanup took over ${(options.cleanupMs ?? 15_000) / 1000} s; killing what is left`);
          resolve();
        }, options.cleanupMs ?? 15_000);
      });
      await Promise.race([options.cleanup().catch((error: unknown) => log(describe(error))), late]);
      clearTimeout(timer);
      await stopAllGroups(options.graceMs);
      process.exit(code);
    })();
    return stopping;
  };
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
    process.on(signal, () => {
      const code = SIGNAL_EXIT_CODES[signal];
      if (stopping) {
        log(`${signal} again: killing everything at once`);
        // The 'exit' hook of process-group.ts SIGKILLs every tracked group synchronously.
        process.exit(code);
      }
      log(`${signal}: stopping the local stack (${signal} again kills it at once)…`);
      void stop(code);
    });
  }
  const fatal = (error: unknown) => {
    // An error raised while stopping (a write to a closed terminal) must not restart the stop.
    if (stopping) return;
    log(`npm start: unexpected error, stopping the local stack: ${describe(error)}`);
    void stop(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  return {
    exit: stop,
    get stopping() {
      return stopping !== undefined;
    },
  };
}

/** An error's message and, for an unexpected one, its stack: what a person needs to report it. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
