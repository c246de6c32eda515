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

/** The Runs page: the runs `query` selects, newest first, one range read of the store. */
export async function runsPayload(ctx: ConsoleContext, query: RunsQuery): Promise<RunsPayload> {
  const runs = await ctx.store.listRuns({
    since: query.since,
    limit: query.limit,
    match: (run) =>
      (query.chain === undefined || run.chain === query.chain) &&
      (query.status === undefined || listedStatus(run) === query.status),
  });
  return {
    runs: runs.map((run) => runRow(run, ctx)),
    query,
    truncated: runs.length === query.limit,
    chains: chainFileNames(ctx.chainsDir) ?? [],
    now: ctx.now().toISOString(),
  };
}
