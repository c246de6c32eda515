import type { Clock } from '../clock.js';
import type { JsonObject } from '../json.js';
import type { RunStore } from '../store/port.js';
import { BackfillProgress, type ProgressSink } from './backfill-progress.js';
import { planBackfill, type BackfillOptions, type BackfillPlan } from './backfill-plan.js';
import { countOutcomes, summaryJson, summaryLines, type TickOutcome } from './backfill-summary.js';
import { failureLine, withDeadline, type Endpoint } from './failure.js';
import type { Publisher } from './start.js';

export type { BackfillOptions } from './backfill-plan.js';

/** Exit code of a backfill interrupted (SIGINT): 128 + 2, as shells report it. */
export const INTERRUPTED = 130;
/** How often the runs in flight are read from the store, unless told. */
export const POLL_MS = 2_000;
/** How long a published start may take to appear in the store before the backfill gives up. */
export const APPEAR_MS = 120_000;

/** What `backfillCommand` works with, injected so that tests drive it without Google. */
export interface BackfillIo {
  /** Opens the Pub/Sub publisher (once, at the first start it publishes). */
  readonly connect: () => Promise<Publisher>;
  /** Where runs are read: each tick's run, by its id. */
  readonly store: Pick<RunStore, 'get'>;
  /** The store's endpoint, for its failure lines. */
  readonly storeEndpoint: Endpoint;
  readonly clock: Clock;
  /** stdout: the summary (text or JSON). */
  readonly out: (line: string) => void;
  /** stderr: refusals and failures, and progress lines when there is no terminal. */
  readonly err: (line: string) => void;
  /** A terminal to redraw a progress bar on (stderr), instead of progress lines. */
  readonly tty?: ProgressSink['tty'];
  /** Aborted (SIGINT): start nothing more, leave running runs running, exit 130. */
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
  readonly appearMs?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A failure the backfill stops on, already worded as its one line. */
class Stop extends Error {}

/**
 * `dfchain backfill CHAIN --from --to`: starts one run per tick of the chain's Schedule (per day
 * at 00:00 UTC without one) in the range, each under the id the scheduler would give it, at
 * most `concurrency` running at once (runs of the range already running count), starting the
 * next as one ends. Resumable: a tick whose run exists is not started again. Exit 0 when every
 * run succeeded; 1 on a refusal (one line), a failure of Pub/Sub or the store, a run that
 * failed or was cancelled, or a start that never became a run; 130 when interrupted.
 */
export async function backfillCommand(options: BackfillOptions, io: BackfillIo): Promise<number> {
  const plan = planBackfill(options);
  if (typeof plan === 'string') {
    io.err(plan);
    return 1;
  }
  const progress = new BackfillProgress({ ...(io.tty ? { tty: io.tty } : {}), line: io.err });
  const outcomes: TickOutcome[] = plan.ticks.map((tick) => ({
    tick,
    status: undefined,
    startedNow: false,
  }));
  let publisher: Publisher | undefined;
  const publishedAt = new Map<string, number>();
  const read = async (outcome: TickOutcome): Promise<void> => {
    try {
      const run = await withDeadline(io.store.get(outcome.tick.runId));
      outcome.status = run?.status ?? outcome.status;
    } catch (error) {
      throw new Stop(
        failureLine(error, {
          command: 'backfill',
          endpoint: io.storeEndpoint,
          projectId: options.projectId,
        }),
      );
    }
  };
  const start = async (outcome: TickOutcome): Promise<void> => {
    const { runId, scheduledTime, input } = outcome.tick;
    const command: JsonObject = {
      dfchain: 'start',
      chain: plan.chain,
      runId,
      input,
      scheduledTime,
    };
    try {
      publisher ??= await io.connect();
      const id = await withDeadline(publisher.publish(options.topic, command));
      outcome.startedNow = true;
      publishedAt.set(runId, io.clock.now().getTime());
      progress.event(
        `started ${runId} (${scheduledTime}) as message ${id}`,
        countOutcomes(outcomes),
      );
    } catch (error) {
      const where = { projectId: options.projectId, topic: options.topic };
      const endpoint = publisher?.endpoint ?? { service: 'pubsub' as const };
      throw new Stop(failureLine(error, { command: 'backfill', endpoint, ...where }));
    }
  };
  let interrupted = false;
  try {
    for (const outcome of outcomes) await read(outcome);
    const before = countOutcomes(outcomes);
    progress.event(
      `backfill of ${plan.chain}: ${plan.ticks.length} ticks, ${before.succeeded + before.failed + before.cancelled} ended and ${before.running} running before, at most ${plan.concurrency} at once`,
      before,
    );
    interrupted = await drive(plan, outcomes, io, progress, {
      read,
      start,
      publishedAt,
      topic: options.topic,
    });
  } catch (error) {
    progress.done();
    if (!(error instanceof Stop)) throw error;
    io.err(error.message);
    return 1;
  } finally {
    if (publisher) void publisher.close().catch(() => undefined);
  }
  progress.done();
  if (options.json) io.out(JSON.stringify(summaryJson(plan, outcomes, interrupted)));
  else for (const line of summaryLines(plan, outcomes, interrupted)) io.out(line);
  if (interrupted) return INTERRUPTED;
  const counts = countOutcomes(outcomes);
  return counts.succeeded === counts.total ? 0 : 1;
}

/**
 * Starts runs while fewer than the cap run, then waits and reads the running ones, until every
 * tick's run has ended; true when interrupted first.
 */
async function drive(
  plan: BackfillPlan,
  outcomes: TickOutcome[],
  io: BackfillIo,
  progress: BackfillProgress,
  steps: {
    read(outcome: TickOutcome): Promise<void>;
    start(outcome: TickOutcome): Promise<void>;
    publishedAt: ReadonlyMap<string, number>;
    topic: string;
  },
): Promise<boolean> {
  const running = (o: TickOutcome) => o.status === 'RUNNING' || (o.startedNow && !o.status);
  const appearMs = io.appearMs ?? APPEAR_MS;
  for (;;) {
    if (io.signal?.aborted) return true;
    const waiting = outcomes.filter((o) => o.status === undefined && !o.startedNow);
    let free = plan.concurrency - outcomes.filter(running).length;
    for (const outcome of waiting) {
      if (free <= 0) break;
      await steps.start(outcome);
      free--;
    }
    const inFlight = outcomes.filter(running);
    if (inFlight.length === 0) return false;
    await pause(io.pollMs ?? POLL_MS, io.signal);
    if (io.signal?.aborted) return true;
    for (const outcome of inFlight) {
      await steps.read(outcome);
      const id = outcome.tick.runId;
      if (outcome.status !== undefined && outcome.status !== 'RUNNING') {
        progress.event(`${id} ${outcome.status}`, countOutcomes(outcomes));
      } else if (outcome.status === undefined) {
        const since = steps.publishedAt.get(id) ?? io.clock.now().getTime();
        if (io.clock.now().getTime() - since > appearMs)
          throw new Stop(
            `dfchain backfill: run ${id} is not in the store ${appearMs / 1000} s after its start was published: the function refused it (see its message.rejected log lines) or does not read topic ${steps.topic}; fix that, then run the same backfill again`,
          );
      }
    }
  }
}
