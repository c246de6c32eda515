import type { Run } from '../engine/run.js';
import type { Transition } from '../engine/transition.js';
import type { RunStore } from '../store/port.js';

/** A pure change of a run, as applyToRun takes it. */
export type RunStep = (run: Run) => Transition | Promise<Transition>;

interface Waiting {
  readonly step: RunStep;
  readonly resolve: (transition: Transition | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Joins the changes one delivery makes to one run while a write of it is in flight into the
 * next single compare-and-set. A Map's start records a hundred launches at once: written one by
 * one they conflict with each other (the bench counted ~1,800 conflicts for one start); queued
 * behind the write in flight, they land in one or two writes. Each change still sees the run as
 * the changes before it left it, and each caller gets its own transition.
 */
export class RunWriteQueue {
  private readonly queues = new Map<string, Waiting[]>();

  /**
   * `prepare` turns each step's transition into the one to store (leases), `store` writes;
   * `complete` adds the parts a transition starts (Map items), created in the same write.
   */
  constructor(
    private readonly store: RunStore,
    private readonly prepare: (transition: Transition) => Transition,
    private readonly complete?: (before: Run, transition: Transition) => Promise<Transition>,
  ) {}

  /** Applies `step` to the stored run, together with any change queued meanwhile. */
  apply(runId: string, step: RunStep): Promise<Transition | undefined> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(runId);
      if (queue !== undefined) {
        queue.push({ step, resolve, reject });
        return;
      }
      this.queues.set(runId, []);
      this.write(runId, [{ step, resolve, reject }]);
    });
  }

  private write(runId: string, batch: readonly Waiting[]): void {
    this.commit(runId, batch)
      .then(
        (results) => batch.forEach((w, i) => w.resolve(results[i])),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        const next = this.queues.get(runId) ?? [];
        if (next.length === 0) {
          this.queues.delete(runId);
          return;
        }
        this.queues.set(runId, []);
        this.write(runId, next);
      });
  }

  private commit(runId: string, batch: readonly Waiting[]): Promise<(Transition | undefined)[]> {
    return this.store.update<(Transition | undefined)[]>(runId, async (run) => {
      // Stryker disable next-line ObjectLiteral: no run, no write: every caller gets undefined
      if (run === undefined) return { result: batch.map(() => undefined) };
      let current = run;
      const results: Transition[] = [];
      for (const { step } of batch) {
        let transition = this.prepare(await step(current));
        if (transition.changed && this.complete)
          transition = await this.complete(current, transition);
        results.push(transition);
        if (transition.changed) current = transition.run;
      }
      const changed = results.filter((t) => t.changed);
      if (changed.length === 0) return { result: results };
      return {
        run: current,
        // A part keeps its ended steps itself (Run.ended); only a run's go to its history.
        archive: current.part ? [] : changed.flatMap((t) => t.archived),
        creates: changed.flatMap((t) => (t.spawned ?? []).map((part) => part.run)),
        result: results,
      };
    });
  }
}
