import { basename } from 'node:path';
import { didYouMean } from '../chain/did-you-mean.js';
import { loadChains } from '../chain/load.js';
import type { Chain } from '../chain/types.js';
import { parseTimestamp } from '../engine/timestamp.js';
import { ChainsInvalidError, ConfigError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { addDays, isCalendarDate, localDate, startOfDay } from '../schedule/day.js';
import { scheduledRunId } from '../schedule/run-id.js';
import { scheduleZone, ticksBetween, type CronSchedule } from '../schedule/ticks.js';
import { fillTemplate, filledInputProblem, parseInputTemplate } from './backfill-template.js';

/** What `dfchain backfill CHAIN` was asked for, as typed. */
export interface BackfillOptions {
  readonly chain: string;
  /** The chains folder the function was deployed with. */
  readonly chainsDir: string;
  readonly projectId: string;
  readonly topic: string;
  /** `--from`: a date `YYYY-MM-DD` (that whole day) or an RFC 3339 time. */
  readonly from: string | undefined;
  /** `--to`: the same; the range includes it. */
  readonly to: string | undefined;
  /** `--concurrency`, as typed; default {@link DEFAULT_CONCURRENCY}. */
  readonly concurrency?: string | undefined;
  /** `--input-template`, as typed (see backfill-template.ts). */
  readonly inputTemplate?: string | undefined;
  /** `--json`: one JSON summary on stdout instead of the text one. */
  readonly json?: boolean;
}

/** One run the backfill stands for. */
export interface BackfillTick {
  readonly runId: string;
  /** ISO UTC. */
  readonly scheduledTime: string;
  readonly input: JsonObject;
}

/** The runs of a backfill, in tick order, and how many may run at once. */
export interface BackfillPlan {
  readonly chain: string;
  readonly cron: string;
  readonly zone: string;
  /** False: the chain has no Schedule, so there is one tick a day at 00:00 UTC. */
  readonly scheduled: boolean;
  readonly ticks: readonly BackfillTick[];
  readonly concurrency: number;
}

/** Runs at once unless told: one, the gentlest on quotas and the easiest to read. */
export const DEFAULT_CONCURRENCY = 1;
/** Most runs at once: every poll reads each running run from the store. */
export const MAX_CONCURRENCY = 100;
/** Most runs one backfill starts; a longer range is split into several backfills. */
export const MAX_BACKFILL_TICKS = 1000;
/** The ticks of a chain without Schedule: one run a day, at 00:00 UTC. */
export const DAILY: CronSchedule = { Cron: '0 0 * * *', TimeZone: 'Etc/UTC' };

const FIX_DATE =
  "write a date YYYY-MM-DD (that whole day, in the chain's Schedule.TimeZone) or an RFC 3339 time such as 2026-01-05T04:00:00Z";

/** The chain called `name` in `dir`, or the line that says why there is none. */
function findChain(name: string, dir: string): Chain | string {
  let chains: ReadonlyMap<string, Chain>;
  try {
    chains = loadChains(dir);
  } catch (error) {
    if (error instanceof ChainsInvalidError) {
      const files = error.errors.map((e) => basename(e.file)).join(', ');
      return `dfchain backfill: the chains folder "${dir}" has invalid chain files (${files}), with which the function does not start: dfchain validate --chains-dir ${dir} lists the problems`;
    }
    if (error instanceof ConfigError) return `dfchain backfill: ${error.message}`;
    throw error;
  }
  const chain = chains.get(name);
  if (chain !== undefined) return chain;
  const names = [...chains.keys()];
  const guess = didYouMean(name, names);
  const hint = guess === undefined ? '' : `did you mean "${guess}"? `;
  return `dfchain backfill: no chain "${name}" in the chains folder "${dir}" (chains: ${names.join(', ') || 'none'}); ${hint}name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with`;
}

/** The instant range `--from`/`--to` name in `zone`, or the line that says what is wrong. */
function range(
  from: string | undefined,
  to: string | undefined,
  zone: string,
): { from: Date; to: Date } | string {
  const bound = (option: string, text: string | undefined, end: boolean): Date | string => {
    if (text === undefined) return `dfchain backfill: ${option} is required: ${FIX_DATE}`;
    if (isCalendarDate(text)) {
      const day = end ? addDays(text, 1) : text;
      const start = startOfDay(day, zone);
      return end ? new Date(start.getTime() - 1) : start;
    }
    const ms = parseTimestamp(text);
    if (ms !== undefined) return new Date(ms);
    return `dfchain backfill: ${option} ${JSON.stringify(text)} is neither a date nor a time: ${FIX_DATE}`;
  };
  const start = bound('--from', from, false);
  if (typeof start === 'string') return start;
  const end = bound('--to', to, true);
  if (typeof end === 'string') return end;
  if (start > end)
    return `dfchain backfill: --from ${from} is after --to ${to}: give the earlier one as --from`;
  return { from: start, to: end };
}

/** `--concurrency` as a number, or the line that says what is wrong. */
function concurrencyOf(text: string | undefined): number | string {
  if (text === undefined) return DEFAULT_CONCURRENCY;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (value >= 1 && value <= MAX_CONCURRENCY) return value;
  return `dfchain backfill: --concurrency ${JSON.stringify(text)} must be a whole number from 1 to ${MAX_CONCURRENCY} (runs at once; default ${DEFAULT_CONCURRENCY})`;
}

/**
 * The runs `dfchain backfill` would start, or the one line that refuses the options: an
 * unknown chain, bad or reversed dates, no tick or more than {@link MAX_BACKFILL_TICKS} in
 * the range, a bad concurrency or template. Each run's id is the one the chain's scheduled
 * trigger gives the same tick (src/schedule/run-id.ts), so the tick runs once either way.
 */
export function planBackfill(options: BackfillOptions): BackfillPlan | string {
  const chain = findChain(options.chain, options.chainsDir);
  if (typeof chain === 'string') return chain;
  const concurrency = concurrencyOf(options.concurrency);
  if (typeof concurrency === 'string') return concurrency;
  const template =
    options.inputTemplate === undefined ? undefined : parseInputTemplate(options.inputTemplate);
  if (typeof template === 'string') return template;
  const schedule = chain.definition.Schedule ?? DAILY;
  const zone = scheduleZone(schedule);
  const span = range(options.from, options.to, zone);
  if (typeof span === 'string') return span;
  const times = ticksBetween(schedule, span.from, span.to, MAX_BACKFILL_TICKS);
  const what = `tick of "${schedule.Cron}" (${zone})`;
  if (times.length === 0)
    return `dfchain backfill: no ${what} from ${options.from} to ${options.to}: nothing to start; widen the range`;
  if (times.length > MAX_BACKFILL_TICKS)
    return `dfchain backfill: more than ${MAX_BACKFILL_TICKS} ticks of "${schedule.Cron}" (${zone}) from ${options.from} to ${options.to}, the most one backfill starts: split the range (each part resumes on its own)`;
  const ticks: BackfillTick[] = [];
  for (const time of times) {
    const scheduledTime = time.toISOString();
    const runId = scheduledRunId(chain.name, time);
    // Without a template, the input the scheduler gives, so both start the same run.
    const input =
      template === undefined
        ? (chain.definition.Schedule?.Input ?? {})
        : (fillTemplate(template, { date: localDate(time, zone), scheduledTime }) as JsonObject);
    const tooBig = filledInputProblem(input, runId);
    if (tooBig !== undefined) return tooBig;
    ticks.push({ runId, scheduledTime, input });
  }
  return {
    chain: chain.name,
    cron: schedule.Cron,
    zone,
    scheduled: chain.definition.Schedule !== undefined,
    ticks,
    concurrency,
  };
}
