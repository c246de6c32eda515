import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PORT_TAKEN, PortTakenError, onFreePort, waitForHttp } from './ports.js';
import { stopProcessGroup, trackGroup } from './process-group.js';

/** A line the function printed: parsed JSON when it is a structured log line, else raw text. */
export type FunctionLine =
  | { readonly json: Record<string, unknown>; readonly text: string }
  | { readonly json?: undefined; readonly text: string };

/** How one functions-framework process ended while the stack was running. */
export interface FunctionExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/** The real functions-framework serving dfchain from the built package, in a child process. */
export interface FunctionProcess {
  readonly port: number;
  readonly url: string;
  readonly lines: FunctionLine[];
  /** Every unplanned exit of the process, oldest first (with `restart`, each was followed by a restart). */
  readonly exits: readonly FunctionExit[];
  /** The process group of the current process (its pid), so a caller can tell whether it is gone. */
  readonly pgid: number | undefined;
  /** Calls `listener` with each later line; returns what stops that. */
  onLine(listener: (line: FunctionLine) => void): () => void;
  /** Calls `listener` at each later unplanned exit; returns what stops that. */
  onExit(listener: (exit: FunctionExit) => void): () => void;
  stop(): Promise<void>;
}

/** Options of {@link startFunction}. */
export interface FunctionOptions {
  /** Supervise: start a new process on the same port whenever it dies (Pub/Sub then redelivers). */
  readonly restart?: boolean;
}

/** The fault-injecting entry (src/local/faulty-function.ts), relative to the package root. */
export const FAULTY_FUNCTION_MODULE = 'dist/local/faulty-function.js';

/**
 * The `--source` that serves dfchain from `packageRoot`: the package's main, or, when the
 * function's environment sets `DFCHAIN_LOCAL_FAULTS`, the local entry that injects those faults.
 */
export function functionSource(
  packageRoot: string,
  env: NodeJS.ProcessEnv,
  inherited: NodeJS.ProcessEnv = process.env,
): string {
  // The child inherits this process's environment (see startFunction): decide on what it sees.
  const faults = { ...inherited, ...env }['DFCHAIN_LOCAL_FAULTS'];
  // The production entry refuses the switch, so it never reaches the package's main.
  return faults?.trim() ? join(packageRoot, FAULTY_FUNCTION_MODULE) : packageRoot;
}

// A process that dies at once keeps dying: pause between restarts rather than spin.
const RESTART_DELAY_MS = 100;

/** What functions-framework prints once its server listens (unless NODE_ENV is production). */
const SERVING = 'Serving function...';

/**
 * Starts `functions-framework --target=dfchain --signature-type=cloudevent` on a free port; when
 * another process took the port before functions-framework bound it, starts again on a new one.
 */
export function startFunction(
  source: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
  options: FunctionOptions = {},
): Promise<FunctionProcess> {
  return onFreePort((port) => startFunctionOn(port, source, env, timeoutMs, options));
}

async function startFunctionOn(
  port: number,
  source: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  options: FunctionOptions,
): Promise<FunctionProcess> {
  // The package exports only its API; its CLI (the `functions-framework` bin) sits beside it.
  const api = createRequire(import.meta.url).resolve('@google-cloud/functions-framework');
  const main = join(dirname(api), 'main.js');
  const args = [
    main,
    '--target=dfchain',
    '--signature-type=cloudevent',
    `--port=${port}`,
    `--source=${source}`,
  ];
  const lines: FunctionLine[] = [];
  const listeners = new Set<(line: FunctionLine) => void>();
  const exitListeners = new Set<(exit: FunctionExit) => void>();
  const exits: FunctionExit[] = [];
  const onText = (text: string) => {
    let line: FunctionLine = { text };
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === 'object' && !Array.isArray(json))
        line = { json: json as Record<string, unknown>, text };
    } catch {
      // Not every line is structured: functions-framework prints plain text on start and on errors.
    }
    lines.push(line);
    for (const listener of listeners) listener(line);
  };
  let stopping = false;
  let child: ChildProcess;
  const spawnChild = (): ChildProcess => {
    const next = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    trackGroup(next);
    if (next.stdout) createInterface({ input: next.stdout }).on('line', onText);
    if (next.stderr) createInterface({ input: next.stderr }).on('line', onText);
    next.once('exit', (code, signal) => {
      if (stopping) return;
      const exit = { code, signal, at: Date.now() };
      exits.push(exit);
      // The leader is gone: sweep its group now, so the registry does not keep a stale pgid.
      void stopProcessGroup(next);
      for (const listener of [...exitListeners]) listener(exit);
      if (!options.restart) return;
      setTimeout(() => {
        if (!stopping) child = spawnChild();
      }, RESTART_DELAY_MS);
    });
    return next;
  };
  child = spawnChild();
  const url = `http://127.0.0.1:${port}`;
  const fn: FunctionProcess = {
    port,
    url,
    lines,
    exits,
    get pgid() {
      return child.pid;
    },
    onLine: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onExit: (listener) => {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    stop: () => {
      stopping = true;
      return stopProcessGroup(child);
    },
  };
  const childEnv = { ...process.env, ...env };
  try {
    await waitForHttp(url, timeoutMs, () => child.exitCode === null);
    // An answer alone may come from a process that took the port first: ours says it listens.
    if (childEnv['NODE_ENV'] !== 'production') {
      const deadline = Date.now() + timeoutMs;
      while (!lines.some((line) => line.text === SERVING)) {
        if (child.exitCode !== null) throw new Error('functions-framework exited');
        if (Date.now() > deadline) throw new Error(`no "${SERVING}" within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } catch (error) {
    await fn.stop();
    const output = lines.map((line) => line.text).join('\n');
    if (PORT_TAKEN.test(output)) {
      throw new PortTakenError(`functions-framework could not bind port ${port}`, { cause: error });
    }
    throw new Error(`functions-framework did not start:\n${output.slice(-4000)}`, { cause: error });
  }
  return fn;
}
