import { chainPicture } from '../chain/picture.js';
import { mermaidPicture } from '../chain/picture-text.js';
import { chainFileNames, findChain } from '../cli/render-chain.js';
import { scheduleView } from '../cli/status-extras.js';
import type { ChainEntry, ChainsPayload } from './api.js';
import type { ConsoleContext } from './context.js';
import { runRow } from './runs-data.js';

/** Runs shown per chain, and how far back they are looked for. */
const LAST_RUNS = 5;
const LAST_RUNS_DAYS = 30;

/**
 * The Chains page: every chain file of the chains folder (validated one by one, as `dfchain
 * graph` reads them) with its picture, its schedule's next fire times and its newest runs of
 * the last 30 days; a file that does not validate gives its problem lines instead.
 */
export async function chainsPayload(ctx: ConsoleContext): Promise<ChainsPayload> {
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
  const since = new Date(now.getTime() - LAST_RUNS_DAYS * 86_400_000).toISOString();
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
  const chains = await Promise.all(
    found.map(async (entry) => {
      const runs = await ctx.store.listRuns({
        since,
        limit: LAST_RUNS,
        match: (run) => run.chain === entry.name,
      });
      return { ...entry, lastRuns: runs.map((run) => runRow(run, ctx)) };
    }),
  );
  return { chains, dir: ctx.chainsDir, problems, now: now.toISOString() };
}
