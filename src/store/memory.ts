import type { ChainDefinition } from '../chain/types.js';
import { isUnsettled, type Run, type Step } from '../engine/run.js';
import { OptimisticRunStore } from './optimistic.js';
import type { VersionedRunTable } from './port.js';

/** In-process runs for `DFCHAIN_STORE=memory`, tests and benchmarks; lost when the process ends. */
export class MemoryRunStore extends OptimisticRunStore {
  private readonly runs = new Map<string, { run: Run; version: number }>();
  private readonly histories = new Map<string, Step[]>();
  private readonly definitions = new Map<string, ChainDefinition>();
  /** Round trips a remote store would make: reads and conditional writes of run documents. */
  readonly trips = { reads: 0, writes: 0 };

  protected readonly table: VersionedRunTable = {
    read: (runId) => {
      this.trips.reads++;
      const stored = this.runs.get(runId);
      return Promise.resolve(
        stored && { run: structuredClone(stored.run), version: stored.version },
      );
    },
    insert: (run, creates = []) => Promise.resolve(this.write(run, undefined, [], creates)),
    replace: (run, version, archive, creates = []) =>
      Promise.resolve(this.write(run, version, archive, creates)),
  };

  private write(
    run: Run,
    version: unknown,
    archive: readonly Step[],
    creates: readonly Run[] = [],
  ): number | undefined {
    this.trips.writes++;
    const current = this.runs.get(run.id);
    if (current?.version !== version) return undefined;
    if (creates.some((created) => this.runs.has(created.id))) return undefined;
    for (const created of creates)
      this.runs.set(created.id, { run: structuredClone(created), version: 1 });
    // Stryker disable next-line ArithmeticOperator: versions are opaque tokens only compared for equality; counting down (-1, -2, ...) gives distinct versions too
    const next = (current?.version ?? 0) + 1;
    this.runs.set(run.id, { run: structuredClone(run), version: next });
    // Stryker disable next-line ConditionalExpression,EqualityOperator: `=> true` / `>= 0` only store an empty history, which history() answers as [] anyway; `=> false` is killed by the history tests
    if (archive.length > 0) {
      const history = this.histories.get(run.id) ?? [];
      this.histories.set(run.id, [...history, ...structuredClone(archive)]);
    }
    return next;
  }

  history(runId: string): Promise<Step[]> {
    return Promise.resolve(structuredClone(this.histories.get(runId) ?? []));
  }

  parts(runId: string): Promise<Run[]> {
    const parts = [...this.runs.values()].filter(({ run }) => run.part?.root === runId);
    return Promise.resolve(structuredClone(parts.map(({ run }) => run)));
  }

  groupParts(group: string): Promise<Run[]> {
    const parts = [...this.runs.values()].filter(({ run }) => run.part?.group === group);
    return Promise.resolve(structuredClone(parts.map(({ run }) => run)));
  }

  groupRunning(group: string): Promise<boolean> {
    const runs = [...this.runs.values()];
    return Promise.resolve(
      runs.some(({ run }) => run.part?.group === group && run.status === 'RUNNING'),
    );
  }

  putDefinition(hash: string, definition: ChainDefinition): Promise<void> {
    if (!this.definitions.has(hash)) this.definitions.set(hash, structuredClone(definition));
    return Promise.resolve();
  }

  getDefinition(hash: string): Promise<ChainDefinition | undefined> {
    return Promise.resolve(this.definitions.get(hash));
  }

  listRunning(): Promise<Run[]> {
    const runs = [...this.runs.values()].map((stored) => stored.run);
    const visited = runs.filter((run) => run.status === 'RUNNING' || isUnsettled(run));
    return Promise.resolve(structuredClone(visited));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
