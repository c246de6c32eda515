import type { ChildProcess } from 'node:child_process';

/** Stops a detached child and everything it started: SIGTERM to the group, SIGKILL if it lingers. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  if (await Promise.race([exited.then(() => false), timedOut])) {
    signal('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
  // Grandchildren (the emulator's Java) may outlive their parent; sweep the group once more.
  signal('SIGKILL');
}
