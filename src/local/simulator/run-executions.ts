import { Timed } from './timed.js';
import { randomUUID } from 'node:crypto';
import { ApiError } from './google-error.js';
import { runCompletionEntry } from './run-log-entry.js';
import {
  executionName,
  executionResource,
  failureMessage,
  taskCounts,
  type ExecutionRecord,
} from './run-resource.js';
import { newRecord, operation } from './run-start.js';
import type { RunOutcome, RunTarget, SimulatedExecution } from './run-types.js';
import type { SimulatorOptions } from './types.js';
import type { ValidRun } from './run-validate.js';

/** The Cloud Run executions and their lifecycle, driven by setTimeout so fake timers control it. */
export class ExecutionTable extends Timed {
  private readonly records: ExecutionRecord[] = [];

  constructor(private readonly options: () => SimulatorOptions) {
    super();
  }

  /** `jobs.run`: 404 for a job that does not exist; a dry run answers a done Operation and starts nothing. */
  run(target: RunTarget, run: ValidRun): Record<string, unknown> {
    this.checkJob(target);
    if (run.validateOnly)
      return {
        name: `projects/${target.projectId}/locations/${target.location}/operations/${randomUUID()}`,
        done: true,
      };
    const record = newRecord(target, run, this.options());
    this.records.push(record);
    record.timer = this.later(record.behaviour.pendingMs, () => this.start(record));
    return operation(record, record.createTime);
  }

  /** `executions.get`: the execution now, or 404 (unknown, or still `notFoundMs`). */
  get(target: RunTarget): Record<string, unknown> {
    return executionResource(this.visible(target), Date.now());
  }

  /** `executions.list`: the job's visible executions, newest first, a page of them. */
  list(target: RunTarget, pageSize: number, offset: number): Record<string, unknown> {
    this.checkJob(target);
    const now = Date.now();
    const all = this.records
      .filter(
        (r) =>
          this.at(r, target) &&
          r.job === target.job &&
          now >= r.createTime + r.behaviour.notFoundMs,
      )
      .reverse();
    const page = all.slice(offset, offset + pageSize).map((r) => executionResource(r, now));
    const next =
      offset + pageSize < all.length
        ? Buffer.from(String(offset + pageSize)).toString('base64url')
        : undefined;
    // Google's JSON omits empty repeated fields and an empty token.
    return {
      ...(page.length > 0 ? { executions: page } : {}),
      ...(next ? { nextPageToken: next } : {}),
    };
  }

  /**
   * `executions.cancel`: a running execution shows CANCELLING at once and ends CANCELLED
   * `cancelMs` later; one already cancelling is left as it is; one that really ended is refused
   * with 400 FAILED_PRECONDITION (dfchain's reading of Cloud Run's answer). 404 as `get`. A
   * dry run (`validateOnly`) changes nothing.
   */
  cancel(target: RunTarget, validateOnly = false): Record<string, unknown> {
    const record = this.visible(target);
    const now = Date.now();
    if (validateOnly) return operation(record, now);
    if (record.ended) {
      throw new ApiError(
        400,
        `(simulated) Execution ${record.execution} has already completed and cannot be cancelled.`,
        'FAILED_PRECONDITION',
      );
    }
    if (!record.phases.some((p) => p.phase === 'CANCELLING')) {
      record.phases.push({ phase: 'CANCELLING', time: now, visibleAt: now });
      if (record.timer) this.clear(record.timer);
      record.timer = this.later(record.behaviour.cancelMs, () => this.end(record, 'CANCELLED'));
    }
    return operation(record, now);
  }

  /** Ends a running execution as cancelled now (entry included); false if unknown or ended. */
  cancelNow(name: string): boolean {
    const record = this.records.find((r) => executionName(r) === name);
    if (!record || record.ended) return false;
    this.end(record, 'CANCELLED');
    return true;
  }

  /** Every execution so far, oldest first, as a snapshot. */
  snapshot(): SimulatedExecution[] {
    return this.records.map((r) => ({
      name: executionName(r),
      projectId: r.projectId,
      location: r.location,
      job: r.job,
      execution: r.execution,
      request: r.request,
      env: { ...r.env },
      behaviour: r.behaviour,
      createTime: r.createTime,
      ...(r.ended ? { ended: { ...r.ended } } : {}),
    }));
  }

  /** 404 NOT_FOUND for a job not in `runJobs` (worded as Cloud Run words a missing resource). */
  private checkJob(target: RunTarget): void {
    const jobs = this.options().runJobs;
    const full = `projects/${target.projectId}/locations/${target.location}/jobs/${target.job}`;
    if (jobs === undefined || jobs.includes(full) || jobs.includes(target.job)) return;
    throw new ApiError(
      404,
      `Resource '${target.job}' of kind 'JOB' in region '${target.location}' in project '${target.projectId}' does not exist.`,
    );
  }

  private visible(target: RunTarget): ExecutionRecord {
    const record = this.records.find(
      (r) => this.at(r, target) && r.job === target.job && r.execution === target.execution,
    );
    if (!record || Date.now() < record.createTime + record.behaviour.notFoundMs) {
      throw new ApiError(
        404,
        `Resource '${target.execution ?? ''}' of kind 'EXECUTION' in region '${target.location}' in project '${target.projectId}' does not exist.`,
      );
    }
    return record;
  }

  // Cloud Run accepts a project number wherever it accepts the project id.
  private at(record: ExecutionRecord, target: RunTarget): boolean {
    return (
      (record.projectId === target.projectId || record.projectNumber === target.projectId) &&
      record.location === target.location
    );
  }

  private start(record: ExecutionRecord): void {
    const now = Date.now();
    record.phases.push({ phase: 'RUNNING', time: now, visibleAt: now });
    record.timer = this.later(record.behaviour.runMs, () =>
      this.end(record, record.behaviour.outcome),
    );
  }

  private end(record: ExecutionRecord, outcome: RunOutcome): void {
    if (record.ended) return;
    const now = Date.now();
    record.ended = { outcome, time: now };
    if (record.timer) this.clear(record.timer);
    record.phases.push({ phase: outcome, time: now, visibleAt: now + record.behaviour.apiLagMs });
    const counts = taskCounts(record, outcome);
    const deliver = (): void =>
      this.deliverTo(
        this.options().runSink,
        runCompletionEntry(
          {
            ...record,
            outcome,
            message: failureMessage(record, outcome),
            ...(outcome === 'CANCELLED' ? { reason: 'Cancelled' } : {}),
            succeededCount: counts.succeeded,
            failedCount: counts.failed,
            cancelledCount: counts.cancelled,
          },
          now,
          Date.now(),
        ),
      );
    if (record.behaviour.logDelayMs > 0) this.later(record.behaviour.logDelayMs, deliver);
    else deliver();
  }
}
