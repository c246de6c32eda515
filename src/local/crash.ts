import { writeSync } from 'node:fs';

/** Where in a transition a local fault decorator kills the function process. */
export const CRASH_POINTS = ['after-intent', 'after-launch', 'before-commit'] as const;
/** Where in a transition a local fault decorator kills the function process. */
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** The first word of the stderr line printed just before a deliberate crash. */
export const CRASH_MARK = 'dfchain-local-crash';

/** Kills the process at `point`, leaving `dfchain-local-crash <point> <runId>` on stderr first. */
export type Crash = (point: CrashPoint, runId: string) => never;

/**
 * The real crash: one synchronous stderr line, so the supervisor can tell a deliberate crash from
 * a bug, then SIGKILL, which no handler can soften — exactly a machine dying mid-transition.
 */
export function crashProcess(
  point: CrashPoint,
  runId: string,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): never {
  writeSync(2, `${CRASH_MARK} ${point} ${runId || '-'}\n`);
  kill();
  throw new Error(`${CRASH_MARK}: the process survived SIGKILL at ${point}`);
}
