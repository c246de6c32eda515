import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stopProcessGroup, trackGroup } from './process-group.js';
import { PACKAGE_ROOT, type LocalStack } from './stack.js';

/** How long the console may take to listen. */
const START_TIMEOUT_MS = 20_000;

/** A `dfchain console` the local stack started. */
export interface ConsoleProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the built `dfchain console --port 0 [options]` on the stack's emulators, as a user
 * would in another shell with the stack's export lines (plus `env`); resolves with its URL once
 * it listens. Its other lines go to `say`.
 */
export async function startConsoleProcess(
  stack: Pick<LocalStack, 'clientEnv'>,
  options: readonly string[],
  say: (line: string) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<ConsoleProcess> {
  const cli = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
  const args = [cli, 'console', '--port', '0', ...options];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...stack.clientEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackGroup(child);
  createInterface({ input: child.stderr }).on('line', (line) => say(line));
  const lines = createInterface({ input: child.stdout });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`dfchain console did not listen within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.once('exit', (code) =>
        reject(new Error(`dfchain console exited with code ${String(code)}`)),
      );
      lines.on('line', (line) => {
        const found = /^dfchain console on (\S+)/.exec(line);
        if (!found) return say(line);
        clearTimeout(timer);
        resolve(found[1]!);
      });
    });
    return { url, stop: () => stopProcessGroup(child) };
  } catch (error) {
    await stopProcessGroup(child);
    throw error;
  }
}
