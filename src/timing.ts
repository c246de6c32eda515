import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataflowPort } from './dataflow/port.js';
import type { HandlerDeps } from './handler/deps.js';
import type { Logger } from './log/port.js';
import type { RunStore } from './store/port.js';

/**
 * Opt-in timing of each delivery (`DFCHAIN_TIMING=1`): the Dataflow and store ports are wrapped
 * so every call records when it started and how long it took, and one DEBUG line
 * `handoff.timing` per delivery lists them. `npm run bench` reads these lines to split a handoff
 * into its calls and the function's own time around them. Off by default: nothing is wrapped.
 */

/** One port call made while handling a delivery. */
export interface TimedCall {
  /** `dataflow.getJob`, `store.update`, …: the port and its method. */
  readonly call: string;
  /** What the call was about: a job id, a job name or a run id. */
  readonly subject?: string;
  /** When the call started, in ms after the handler was called. */
  readonly atMs: number;
  /** How long the call took, in ms (for `store.update`, with the change callbacks). */
  readonly ms: number;
  /** `store.update` only: ms spent in its change callbacks (the engine), not in the store. */
  readonly changeMs?: number;
  readonly failed?: true;
}

/** What the `handoff.timing` line carries besides the standard fields. */
export interface DeliveryTiming {
  /** When the handler was called, as epoch ms with a fraction (`performance.timeOrigin` based). */
  readonly receivedAt: number;
  /** From the handler's call to its end, ms. */
  readonly totalMs: number;
  readonly calls: readonly TimedCall[];
  readonly failed?: true;
}

interface Recording {
  readonly start: number;
  readonly calls: TimedCall[];
}

const delivery = new AsyncLocalStorage<Recording>();

const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function timed<T>(
  call: string,
  subject: string | undefined,
  work: (changeTime: { ms: number }) => Promise<T>,
): Promise<T> {
  const recording = delivery.getStore();
  if (recording === undefined) return work({ ms: 0 });
  const changeTime = { ms: 0 };
  const start = performance.now();
  let failed = false;
  try {
    return await work(changeTime);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    recording.calls.push({
      call,
      ...(subject === undefined ? {} : { subject }),
      atMs: round(start - recording.start),
      ms: round(performance.now() - start),
      ...(call === 'store.update' ? { changeMs: round(changeTime.ms) } : {}),
      ...(failed ? { failed: true as const } : {}),
    });
  }
}

/** The Dataflow port with every call recorded in the current delivery's timing. */
export function timedDataflow(dataflow: DataflowPort): DataflowPort {
  return {
    getJob: (ref, jobId) => timed('dataflow.getJob', jobId, () => dataflow.getJob(ref, jobId)),
    listJobsByName: (ref, name) =>
      timed('dataflow.listJobsByName', name, () => dataflow.listJobsByName(ref, name)),
    listActiveJobs: (ref) =>
      timed('dataflow.listActiveJobs', undefined, () => dataflow.listActiveJobs(ref)),
    cancelJob: (ref, jobId) =>
      timed('dataflow.cancelJob', jobId, () => dataflow.cancelJob(ref, jobId)),
    ...(dataflow.getMetrics
      ? {
          getMetrics: (ref, jobId) =>
            timed('dataflow.getMetrics', jobId, () => dataflow.getMetrics!(ref, jobId)),
        }
      : {}),
    launchFlexTemplate: (ref, request) =>
      timed('dataflow.launchFlexTemplate', request.launchParameter.jobName, () =>
        dataflow.launchFlexTemplate(ref, request),
      ),
    launchTemplate: (ref, request) =>
      timed('dataflow.launchTemplate', request.launchParameter.jobName, () =>
        dataflow.launchTemplate(ref, request),
      ),
  };
}

/** The run store with every call recorded; an update's change callbacks are timed apart. */
export function timedStore(store: RunStore): RunStore {
  return {
    create: (run, creates) => timed('store.create', run.id, () => store.create(run, creates)),
    get: (runId) => timed('store.get', runId, () => store.get(runId)),
    update: (runId, change) =>
      timed('store.update', runId, (changeTime) =>
        store.update(runId, async (run) => {
          const start = performance.now();
          try {
            return await change(run);
          } finally {
            changeTime.ms += performance.now() - start;
          }
        }),
      ),
    history: (runId) => timed('store.history', runId, () => store.history(runId)),
    parts: (runId) => timed('store.parts', runId, () => store.parts(runId)),
    groupParts: (group) => timed('store.groupParts', group, () => store.groupParts(group)),
    groupRunning: (group) => timed('store.groupRunning', group, () => store.groupRunning(group)),
    putDefinition: (hash, definition) =>
      timed('store.putDefinition', hash, () => store.putDefinition(hash, definition)),
    getDefinition: (hash) => timed('store.getDefinition', hash, () => store.getDefinition(hash)),
    listRunning: () => timed('store.listRunning', undefined, () => store.listRunning()),
    listRuns: (listing) => timed('store.listRuns', undefined, () => store.listRuns(listing)),
    slots: (pool) => timed('store.slots', pool, () => store.slots(pool)),
    waiters: (pool, limit) => timed('store.waiters', pool, () => store.waiters(pool, limit)),
    placeInLine: (entry) => timed('store.placeInLine', entry.pool, () => store.placeInLine(entry)),
    dropOrphanSlot: (hold) =>
      timed('store.dropOrphanSlot', hold.pool, () => store.dropOrphanSlot(hold)),
    close: () => store.close(),
  };
}

/** `handle`, writing one DEBUG `handoff.timing` line per delivery after it settles. */
export function timedHandler<E>(
  logger: Logger,
  handle: (event: E) => Promise<void>,
): (event: E) => Promise<void> {
  return async (event) => {
    const recording: Recording = { start: performance.now(), calls: [] };
    let failed = false;
    try {
      await delivery.run(recording, () => handle(event));
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const timing: DeliveryTiming = {
        receivedAt: round(performance.timeOrigin + recording.start),
        totalMs: round(performance.now() - recording.start),
        calls: recording.calls,
        ...(failed ? { failed: true as const } : {}),
      };
      logger.write({
        severity: 'DEBUG',
        event: 'handoff.timing',
        message: `delivery took ${timing.totalMs} ms, ${timing.calls.length} calls`,
        ...timing,
      });
    }
  };
}

/**
 * The function's handler with timing on: `handle` gets deps whose Dataflow and store calls are
 * recorded, and each delivery ends with its `handoff.timing` line.
 */
export function timedHandling<E>(
  deps: HandlerDeps,
  handle: (deps: HandlerDeps, event: E) => Promise<void>,
): (event: E) => Promise<void> {
  const timedDeps: HandlerDeps = {
    ...deps,
    dataflow: timedDataflow(deps.dataflow),
    store: timedStore(deps.store),
  };
  return timedHandler(deps.logger, (event) => handle(timedDeps, event));
}
