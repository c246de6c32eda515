import type { RunStore } from '../store/port.js';
import { failureLine, withDeadline, type Endpoint } from './failure.js';
import { LiveArea, paint, spinnerFrame, type Screen, type Style } from './follow-terminal.js';
import {
  clock,
  followExitCode,
  liveLine,
  newEvents,
  NOTHING_SEEN,
  type FollowEvent,
  type Seen,
} from './follow.js';
import type { RunView } from './status-view.js';
import { readRunDocs, runView } from './status.js';

/** How `dfchain start --follow` follows a run. */
export interface FollowOptions {
  readonly runId: string;
  /** The command, for its lines: `start`. */
  readonly command: string;
  readonly style: Style;
  readonly endpoint: Endpoint;
  readonly projectId: string;
  /** Between two reads of the store; 1 s. */
  readonly intervalMs?: number;
  /** How long the run may take to appear in the store (the function creates it); 60 s. */
  readonly appearWithinMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
  /**
   * When the stored run is the one to follow: a redrive follows the run once its redrive count
   * reached the redrive's, not the failed run it still reads before the function acts.
   * Until then it counts as not there yet (appearWithinMs applies). Default: at once.
   */
  readonly ready?: (view: RunView) => boolean;
  /** What the function does before `ready`, for the waiting line and its timeout: `start`. */
  readonly awaiting?: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run as status shows it (read by readRunDocs), or undefined. */
async function readView(store: RunStore, runId: string): Promise<RunView | undefined> {
  const docs = await readRunDocs(store, runId);
  return docs && runView(docs.run, docs.history, docs.parts);
}

function eventLine(event: FollowEvent, style: Style): string {
  return `${clock(event.at)}  ${paint(event.text, event.status, style)}`;
}

/**
 * Follows a run until it ends: reads it every second and prints what changed (states entered,
 * jobs launched and ended with their durations, the end). On a terminal a live line under
 * them, redrawn in place, says what the run waits for. Exit 0 SUCCEEDED, 2 FAILED, 3
 * CANCELLED; 1 when the store cannot be read or the run does not appear within appearWithinMs.
 */
export async function followRun(
  store: RunStore,
  options: FollowOptions,
  screen: Screen,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { runId, style } = options;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? (() => new Date());
  const appearBy = now().getTime() + (options.appearWithinMs ?? 60_000);
  const live = new LiveArea(screen);
  const emit = (lines: string[], liveLines: string[]) => {
    if (style.redraw) live.print(lines, liveLines);
    else lines.forEach((line) => out(line));
  };
  let seen: Seen | undefined;
  for (let tick = 0; ; tick++) {
    let view: RunView | undefined;
    try {
      view = await withDeadline(readView(store, runId));
    } catch (error) {
      live.erase();
      const { command, endpoint, projectId } = options;
      err(failureLine(error, { command, endpoint, projectId }));
      return 1;
    }
    const spin = spinnerFrame(style, tick);
    if (view !== undefined && options.ready !== undefined && !options.ready(view)) view = undefined;
    if (view === undefined) {
      if (now().getTime() > appearBy) {
        live.erase();
        const waited = Math.round((options.appearWithinMs ?? 60_000) / 1000);
        err(
          options.awaiting === undefined
            ? `dfchain ${options.command}: run ${runId} is not in the store ${waited} s after its start was published: the function has not started it (dfchain logs ${runId} shows why)`
            : `dfchain ${options.command}: the function has not acted on the ${options.awaiting} of run ${runId} ${waited} s after it was published (dfchain logs ${runId} shows why)`,
        );
        return 1;
      }
      const what = options.awaiting === undefined ? 'start' : `act on the ${options.awaiting} of`;
      if (style.redraw) live.show([`${spin}waiting for the function to ${what} run ${runId}…`]);
    } else {
      const header =
        seen === undefined
          ? [`following run ${runId} of chain ${view.chain} (Ctrl-C stops following, not the run)`]
          : [];
      const next = newEvents(seen ?? NOTHING_SEEN, view);
      seen = next.seen;
      const code = followExitCode(view.status);
      const liveLines = code === undefined ? [`${spin}${liveLine(view, now())}`] : [];
      emit([...header, ...next.events.map((e) => eventLine(e, style))], liveLines);
      if (code !== undefined) return code;
    }
    await sleep(options.intervalMs ?? 1000);
  }
}
