import { StoreTransientError } from '../errors.js';
import type { Run } from '../engine/run.js';
import type { RunChange, VersionedRunTable } from './port.js';

/** Conflicts per update before giving up; each one means another writer made progress. */
export const MAX_CONFLICTS = 20;

/** Runs the read / change / conditional-write loop of {@link RunStore.update} over a table. */
export async function optimisticUpdate<T>(
  table: VersionedRunTable,
  runId: string,
  change: (run: Run | undefined) => RunChange<T> | Promise<RunChange<T>>,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const current = await table.read(runId);
    const { run, result, archive = [] } = await change(current?.run);
    if (run === undefined) return result;
    // A missing run is only ever created by `create`, never by an update that archives steps.
    const written = current
      ? await table.replace(run, current.version, archive)
      : await table.insert(run);
    if (written) return result;
  }
  throw new StoreTransientError(
    `run ${runId}: ${MAX_CONFLICTS} concurrent writers in a row won the race; the delivery will be retried`,
  );
}
