import { chainPicture } from '../chain/picture.js';
import { mermaidPicture } from '../chain/picture-text.js';
import { chainFileNames, findChain } from '../cli/render-chain.js';
import { scheduleView } from '../cli/status-extras.js';
import type { ChainEntry, ChainsPayload } from './api.js';
import type { ConsoleContext } from './context.js';
import type { Run } from '../engine/run.js';
import { runRow, runsOfDocs } from './runs-data.js';

/** Runs shown per chain; how far back they are looked for, and among how many runs at most. */
const LAST_RUNS = 5;
export const LAST_RUNS_DAYS = 7;
const LAST_RUNS_READ = 500;

/** The start of the window the Chains page takes its last runs from. */
export function lastRunsSince(now: Date): string {
  return new Date(now.getTime() - LAST_RUNS_DAYS * 86_400_000).toISOString();
}

/**
 * The newest runs of the window, newest first: from the feed's documents of the window when
 * given, else one range read of the store (at most LAST_RUNS_READ runs: one query for every
 * chain, where a query per chain would page through the whole window for a chain that rarely runs).
 */
async function recentRuns(
  ctx: ConsoleContext,
  since: string,
  docs: readonly Run[] | undefined,
): Promise<Run[]> {
  if (docs) return runsOfDocs(docs, { since, limit: docs.length });
  return ctx.store.listRuns({ since, limit: LAST_RUNS_READ });
}

/**
 * The Chains page: every chain file of the chains folder (validated one by one, as `dfchain
 * graph` reads them) with its picture, its schedule's next fire times and its newest runs of
 * the last 7 days; a file that does not validate gives its problem lines instead. `docs`: the
 * feed's documents of those 7 days.
 */
export async function chainsPayload(
  ctx: ConsoleContext,
  docs?: readonly Run[],
): Promise<ChainsPayload> {
  const now = ctx.now();
  const names = chainFileNames(ctx.chainsDir);
  if (names === undefined) {
    return {
      chains: [],
      dir: ctx.chainsDir,
      problems: [
        `the chains folder "${ctx.chainsDir}" cannot be read: start dfchain console in your project's folder, or set DFCHAIN_CHAINS_DIR`,
      ],
      now: now.toISOString(),
    };
  }
  const since = lastRunsSince(now);
  const problems: string[] = [];
  const found: Omit<ChainEntry, 'lastRuns'>[] = [];
  for (const name of names) {
    const chain = findChain(name, ctx.chainsDir);
    if (chain.kind === 'refused') {
      problems.push(...chain.lines);
      continue;
    }
    const { definition } = chain;
    const schedule = scheduleView(definition, now);
    found.push({
      name,
      ...(definition.Comment !== undefined ? { comment: definition.Comment } : {}),
      graph: mermaidPicture(chainPicture(definition)),
      ...(schedule !== undefined ? { schedule } : {}),
    });
  }
  const recent = found.length > 0 ? await recentRuns(ctx, since, docs) : [];
  const chains = found.map((entry) => ({
    ...entry,
    lastRuns: recent
      .filter((run) => run.chain === entry.name)
      .slice(0, LAST_RUNS)
      .map((run) => runRow(run, ctx)),
  }));
  return { chains, dir: ctx.chainsDir, problems, now: now.toISOString() };
}
