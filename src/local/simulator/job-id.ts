import { createHash, randomBytes } from 'node:crypto';

const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * A Dataflow-style job id, `2026-11-22_05_35_45-1234567890123456789`: the creation time in
 * US Pacific time (as Dataflow's ids are) and a random 64-bit number.
 */
export function makeJobId(now: number, bytes: (size: number) => Buffer = randomBytes): string {
  const parts = Object.fromEntries(
    PACIFIC.formatToParts(new Date(now)).map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const stamp = `${parts.year}-${parts.month}-${parts.day}_${parts.hour}_${parts.minute}_${parts.second}`;
  return `${stamp}-${bytes(8).readBigUInt64BE().toString()}`;
}

/** A stable 12-digit project number for a project id: log entries carry numbers, not ids. */
export function projectNumberOf(projectId: string): string {
  const hash = BigInt(`0x${createHash('sha256').update(projectId).digest('hex').slice(0, 15)}`);
  return (100_000_000_000n + (hash % 900_000_000_000n)).toString();
}
