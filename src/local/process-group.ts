import type { ChildProcess } from 'node:child_process';

/**
 * Process groups of the detached children this process started and has not yet swept. A group
 * can outlive its leader (the emulator's Java outlives gcloud's Python), so it stays listed until
 * {@link stopProcessGroup} or {@link stopAllGroups} swept it, not merely until the leader exits.
 */
const groups = new Map<number, ChildProcess>();
let exitHookInstalled = false;

function signalGroup(pgid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pgid, name);
  } catch {
    // ESRCH: the group is already gone (EPERM cannot happen: we started it).
  }
}

/**
 * Records `child`, spawned with `detached: true` (so the leader of its own process group), as
 * ours to stop: {@link stopAllGroups} stops it, and should this process exit without stopping it
 * (process.exit from anywhere, a fatal error) a last synchronous SIGKILL sweeps its group.
 */
export function trackGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  groups.set(child.pid, child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers run synchronously: no grace period, only a sweep that leaves nothing behind.
  process.on('exit', () => {
    for (const pgid of groups.keys()) signalGroup(pgid, 'SIGKILL');
  });
}

/** The process groups {@link trackGroup} recorded and nothing has swept yet (pgid = leader pid). */
export function trackedGroups(): readonly number[] {
  return [...groups.keys()];
}

/** Stops a detached child and everything it started: SIGTERM to the group, SIGKILL if it lingers. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(pgid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    });
    if (await Promise.race([exited.then(() => false), timedOut])) {
      signalGroup(pgid, 'SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }
  // Even when the leader is gone, its children (the emulator's Java) may still run in the
  // group: sweep it whether or not the leader exited first.
  signalGroup(pgid, 'SIGKILL');
  groups.delete(pgid);
}

/**
 * Stops every group {@link trackGroup} recorded, as {@link stopProcessGroup} does, all at once.
 * For shutdown paths that have no handle on what is half started.
 */
export async function stopAllGroups(graceMs = 5000): Promise<void> {
  await Promise.all([...groups.values()].map((child) => stopProcessGroup(child, graceMs)));
}
