import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, waitForHttp } from './ports.js';
import { stopProcessGroup } from './process-group.js';

/** A line the function printed: parsed JSON when it is a structured log line, else raw text. */
export type FunctionLine =
  | { readonly json: Record<string, unknown>; readonly text: string }
  | { readonly json?: undefined; readonly text: string };

/** The real functions-framework serving dfchain from the built package, in a child process. */
export interface FunctionProcess {
  readonly port: number;
  readonly url: string;
  readonly lines: FunctionLine[];
  onLine(listener: (line: FunctionLine) => void): void;
  stop(): Promise<void>;
}

/** Starts `functions-framework --target=dfchain --signature-type=cloudevent` on a free port. */
export async function startFunction(
  source: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<FunctionProcess> {
  const port = await freePort();
  // The package exports only its API; its CLI (the `functions-framework` bin) sits beside it.
  const api = createRequire(import.meta.url).resolve('@google-cloud/functions-framework');
  const main = join(dirname(api), 'main.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      '--target=dfchain',
      '--signature-type=cloudevent',
      `--port=${port}`,
      `--source=${source}`,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  const lines: FunctionLine[] = [];
  const listeners: ((line: FunctionLine) => void)[] = [];
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
  if (child.stdout) createInterface({ input: child.stdout }).on('line', onText);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', onText);
  const url = `http://127.0.0.1:${port}`;
  const fn: FunctionProcess = {
    port,
    url,
    lines,
    onLine: (listener) => listeners.push(listener),
    stop: () => stopProcessGroup(child),
  };
  try {
    await waitForHttp(url, timeoutMs, () => child.exitCode === null);
  } catch (error) {
    await fn.stop();
    const output = lines.map((line) => line.text).join('\n');
    throw new Error(`functions-framework did not start:\n${output.slice(-4000)}`, { cause: error });
  }
  return fn;
}
