import type { DeliveryTiming, TimedCall } from '../../src/timing.js';

/**
 * Where one handoff's time went, in ms, from the function's own `handoff.timing` line
 * (`DFCHAIN_TIMING=1`, src/timing.ts). The critical path runs from the handler's call to the
 * answer of the next job's launch; everything on it that is not a call is `overhead`.
 */
export interface HandoffBreakdown {
  /** The job whose end this delivery handled. */
  readonly endedJobId: string;
  /** The job it launched. */
  readonly launchedJobName: string;
  /** Epoch ms the handler was called. */
  readonly receivedAt: number;
  /** First `jobs.get` start → last `jobs.get` answer (one call when the API does not lag). */
  readonly confirm: number;
  /** Store time between the confirmation and the launch: the intent write (engine time excluded). */
  readonly intentWrite: number;
  /** The `flexTemplates.launch` call. */
  readonly launch: number;
  /** Handler called → launch answered. */
  readonly criticalPath: number;
  /** criticalPath − confirm − intentWrite − launch: the function's own time on the path. */
  readonly overhead: number;
  /** Of the overhead: handler called → first `jobs.get` (decode, routing). */
  readonly beforeConfirm: number;
  /** Of the overhead: time in the engine, inside the intent write's change callbacks. */
  readonly engine: number;
  /** Launch answered → handler done (recording the launch, logging): delays the ack, not the next job. */
  readonly afterLaunch: number;
  /** Calls on the critical path besides the confirmation, the intent write and the launch. */
  readonly otherCalls: number;
}

const end = (call: TimedCall) => call.atMs + call.ms;

/**
 * The breakdown of a delivery that confirmed a job's end and launched the next one; undefined for
 * any other delivery (a start, a tick, an ignored or failed message, a retried launch).
 */
export function handoffBreakdown(timing: DeliveryTiming): HandoffBreakdown | undefined {
  if (timing.failed) return undefined;
  const calls = [...timing.calls].sort((a, b) => a.atMs - b.atMs);
  const launch = calls.find((c) => c.call === 'dataflow.launchFlexTemplate');
  if (launch === undefined || launch.failed || launch.subject === undefined) return undefined;
  const gets = calls.filter((c) => c.call === 'dataflow.getJob' && end(c) <= launch.atMs);
  const first = gets[0];
  const last = gets.at(-1);
  if (first === undefined || last === undefined || first.subject === undefined) return undefined;
  const confirm = end(last) - first.atMs;
  const between = calls.filter((c) => c !== launch && c.atMs >= end(last) && end(c) <= launch.atMs);
  const stores = between.filter((c) => c.call.startsWith('store.'));
  const intentWrite = stores.reduce((sum, c) => sum + c.ms - (c.changeMs ?? 0), 0);
  const engine = stores.reduce((sum, c) => sum + (c.changeMs ?? 0), 0);
  const otherCalls = between
    .filter((c) => !c.call.startsWith('store.'))
    .reduce((sum, c) => sum + c.ms, 0);
  const criticalPath = end(launch);
  return {
    endedJobId: first.subject,
    launchedJobName: launch.subject,
    receivedAt: timing.receivedAt,
    confirm,
    intentWrite,
    launch: launch.ms,
    criticalPath,
    overhead: criticalPath - confirm - intentWrite - launch.ms - otherCalls,
    beforeConfirm: first.atMs,
    engine,
    afterLaunch: timing.totalMs - criticalPath,
    otherCalls,
  };
}

/** The `handoff.timing` payloads among a function's parsed log lines. */
export function timingLines(
  lines: readonly { readonly json?: Record<string, unknown> }[],
): DeliveryTiming[] {
  return lines.flatMap((line) =>
    line.json?.['event'] === 'handoff.timing' ? [line.json as unknown as DeliveryTiming] : [],
  );
}
