import type { Run, Step } from '../engine/run.js';
import type { RunStore } from '../store/port.js';

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

/** Renders a run as a few lines: status, then one line per step (ended, then in flight). */
export function renderRun(run: Run, history: readonly Step[] = []): string[] {
  const lines = [
    `run ${run.id}  chain ${run.chain}  ${run.status}  started ${run.startTime}${run.endTime ? `  ended ${run.endTime}` : ''}`,
  ];
  if (run.error) lines.push(`error ${run.error.Error}: ${run.error.Cause}`);
  const live = Object.values(run.steps).sort((a, b) => a.intendedAt.localeCompare(b.intendedAt));
  const steps = [...history, ...live];
  const table = [
    ['STATE', 'STATUS', 'JOB NAME', 'JOB ID', 'LOCATION'],
    ...steps.map((s) => [s.state, s.status, s.jobName, s.jobId ?? '-', s.location]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  return [...lines, ...table.map((cells) => row(cells, widths))];
}

/** `dfchain status RUN_ID`: prints the run from the store; exit 1 when it does not exist. */
export async function statusCommand(
  store: RunStore,
  runId: string,
  out: (line: string) => void,
): Promise<number> {
  const run = await store.get(runId);
  if (!run) {
    out(
      `no run "${runId}" in the store; check the id, GOOGLE_CLOUD_PROJECT and FIRESTORE_EMULATOR_HOST`,
    );
    return 1;
  }
  renderRun(run, await store.history(runId)).forEach((line) => out(line));
  return run.status === 'FAILED' ? 2 : 0;
}
