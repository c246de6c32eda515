import { chainFileNames } from '../cli/render-chain.js';
import { listedStatus, runsQuery, type RunsArgs, type RunsQuery } from '../cli/runs.js';
import { estimateTotals } from '../cost/estimate.js';
import type { Run } from '../engine/run.js';
import type { RunRow, RunsPayload } from './api.js';
import type { ConsoleContext } from './context.js';

/** One run as a row of the Runs page; its cost from the usage totals its document keeps. */
export function runRow(run: Run, ctx: Pick<ConsoleContext, 'prices'>): RunRow {
  return {
    id: run.id,
    chain: run.chain,
    status: listedStatus(run),
    startTime: run.startTime,
    ...(run.endTime !== undefined ? { endTime: run.endTime } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(run.usage !== undefined ? { cost: estimateTotals(run.usage, ctx.prices) } : {}),
    ...(run.redriveCount ? { redriveCount: run.redriveCount } : {}),
  };
}

/**
 * The page's query checked as `dfchain runs` checks its options, or the sentence refusing it
 * (without the command's name and dashes: the page has fields, not options).
 */
export function pageRunsQuery(args: RunsArgs, now: Date): RunsQuery | string {
  const query = runsQuery(args, now);
  return typeof query === 'string' ? query.replace(/^dfchain runs: --/, '') : query;
}

/** True for a run (not a part) the query selects. */
function selected(query: RunsQuery): (run: Run) => boolean {
  return (run) =>
    (query.chain === undefined || run.chain === query.chain) &&
    (query.status === undefined || listedStatus(run) === query.status);
}

/**
 * The runs `query` selects among `docs` (the feed's documents of the window: runs and parts),
 * ordered as the store's listRuns orders them: newest first, ties by id descending.
 */
export function runsOfDocs(docs: readonly Run[], query: RunsQuery): Run[] {
  const match = selected(query);
  return docs
    .filter((run) => run.part === undefined && run.startTime >= query.since && match(run))
    .sort((a, b) => b.startTime.localeCompare(a.startTime) || b.id.localeCompare(a.id))
    .slice(0, query.limit);
}

/**
 * The Runs page: the runs `query` selects, newest first, from the feed's documents when given,
 * else by one range read of the store.
 */
export async function runsPayload(
  ctx: ConsoleContext,
  query: RunsQuery,
  docs?: readonly Run[],
): Promise<RunsPayload> {
  const runs = docs
    ? runsOfDocs(docs, query)
    : await ctx.store.listRuns({ since: query.since, limit: query.limit, match: selected(query) });
  return {
    runs: runs.map((run) => runRow(run, ctx)),
    query,
    truncated: runs.length === query.limit,
    chains: chainFileNames(ctx.chainsDir) ?? [],
    now: ctx.now().toISOString(),
  };
}
