import type { PriceTable } from '../cost/prices.js';
import type { Run } from '../engine/run.js';
import type { RunStore } from '../store/port.js';
import type { Endpoint } from './failure.js';
import { LiveArea, spinnerFrame, type Screen, type Style } from './follow-terminal.js';
import { statusCommand } from './status.js';

/** How `dfchain status --watch` watches a run. */
export interface WatchOptions {
  readonly runId: string;
  readonly json: boolean;
  readonly graph: boolean;
  readonly style: Style;
  readonly endpoint: Endpoint;
  readonly projectId: string;
  /** Prices of the cost shown (DFCHAIN_PRICES); absent: the built-in table. */
  readonly prices?: PriceTable;
  /** Between two renders; 2 s. */
  readonly intervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `store`, telling `seen` the run each read of `runId` returns: the watch learns whether the
 * run ended from the very read its render shows, not from a second one.
 */
function watchedStore(
  store: RunStore,
  runId: string,
  seen: (run: Run | undefined) => void,
): RunStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'get') {
        return async (id: string) => {
          const run = await target.get(id);
          if (id === runId) seen(run);
          return run;
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/**
 * Renders `dfchain status` every 2 s until the run ends: on a terminal redrawn in place (a
 * spinner under it), otherwise printed again only when it changed (with --json, one JSON
 * object per line). Exit codes are status's: 0 when the run ended SUCCEEDED or CANCELLED, 2
 * FAILED, 1 as soon as a render fails (no such run, an unreadable store, --graph without the
 * definition).
 */
export async function watchStatus(
  store: RunStore,
  options: WatchOptions,
  screen: Screen,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { style: asked } = options;
  const sleep = options.sleep ?? realSleep;
  const live = new LiveArea(screen);
  let previous: string | undefined;
  for (let tick = 0; ; tick++) {
    const lines: string[] = [];
    const errors: string[] = [];
    const seen: { run?: Run | undefined } = {};
    const code = await statusCommand(
      watchedStore(store, options.runId, (run) => (seen.run = run)),
      options.runId,
      {
        json: options.json,
        graph: options.graph,
        endpoint: options.endpoint,
        projectId: options.projectId,
        ...(options.prices !== undefined ? { prices: options.prices } : {}),
      },
      (line) => lines.push(line),
      (line) => errors.push(line),
    );
    const ended = seen.run !== undefined && seen.run.status !== 'RUNNING';
    // Taller than the terminal, the top would scroll away and could not be erased: print the
    // changes instead, as in a pipe (the render and its spinner line, plus one for the cursor).
    const height = screen.rows?.() ?? Infinity;
    const style = lines.length + 3 > height ? { ...asked, redraw: false } : asked;
    const erased = !style.redraw && live.erase();
    const render = lines.join('\n');
    const changed = render !== previous || erased;
    // A blank line between two human renders (JSON is one object per line).
    if (!style.redraw && changed && previous !== undefined && !options.json) out('');
    if (code === 1 || ended) {
      if (style.redraw) live.print(lines, []);
      else if (changed) lines.forEach((line) => out(line));
      errors.forEach((line) => err(line));
      return code;
    }
    if (style.redraw) {
      const every = (options.intervalMs ?? 2000) / 1000;
      live.show([
        ...lines,
        '',
        `${spinnerFrame(style, tick)}watching: every ${every} s until the run ends (Ctrl-C stops)`,
      ]);
    } else if (changed) {
      lines.forEach((line) => out(line));
    }
    previous = render;
    await sleep(options.intervalMs ?? 2000);
  }
}
