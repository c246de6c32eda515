import type { ChainDefinition } from '../chain/types.js';
import type { Run, Step } from '../engine/run.js';
import { optimisticUpdate } from './optimistic.js';
import type { RunChange, RunStore, VersionedRunTable } from './port.js';

/** In-process runs for `DFCHAIN_STORE=memory`, tests and benchmarks; lost when the process ends. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, { run: Run; version: number }>();
  private readonly histories = new Map<string, Step[]>();
  private readonly definitions = new Map<string, ChainDefinition>();
  private readonly table: VersionedRunTable = {
    read: (runId) => Promise.resolve(this.runs.get(runId)),
    insert: (run) => Promise.resolve(this.write(run, undefined, [])),
    replace: (run, version, archive) => Promise.resolve(this.write(run, version, archive)),
  };

  private write(run: Run, version: unknown, archive: readonly Step[]): boolean {
    const current = this.runs.get(run.id);
    if (current?.version !== version) return false;
    this.runs.set(run.id, { run: structuredClone(run), version: (current?.version ?? 0) + 1 });
    if (archive.length > 0) {
      this.histories.set(run.id, [
        ...(this.histories.get(run.id) ?? []),
        ...structuredClone(archive),
      ]);
    }
    return true;
  }

  async create(run: Run): Promise<{ created: boolean; run: Run }> {
    const created = await this.table.insert(run);
    return { created, run: created ? run : (this.runs.get(run.id)?.run ?? run) };
  }

  get(runId: string): Promise<Run | undefined> {
    return Promise.resolve(this.runs.get(runId)?.run);
  }

  update<T>(
    runId: string,
    change: (run: Run | undefined) => RunChange<T> | Promise<RunChange<T>>,
  ): Promise<T> {
    return optimisticUpdate(this.table, runId, change);
  }

  history(runId: string): Promise<Step[]> {
    return Promise.resolve([...(this.histories.get(runId) ?? [])]);
  }

  putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    if (!this.definitions.has(hash)) this.definitions.set(hash, structuredClone(definition));
    return Promise.resolve();
  }

  getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    return Promise.resolve(this.definitions.get(hash));
  }

  listRunning(): Promise<Run[]> {
    return Promise.resolve(
      [...this.runs.values()].map((r) => r.run).filter((r) => r.status === 'RUNNING'),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
