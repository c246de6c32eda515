import { pricesFor, type PriceTable } from './prices.js';
import { parseUsageKey, type ResourceUsage, type UsageTotals } from './usage.js';

/** An estimated cost in USD, with its parts, so a reader can check the sum. */
export interface CostEstimate {
  /** USD, the sum of the exact parts rounded to 4 decimals (each part rounded alike). */
  readonly usd: number;
  readonly vcpu: number;
  readonly memory: number;
  readonly pd: number;
  readonly ssd: number;
  readonly shuffle: number;
  readonly streaming: number;
}

const SECONDS_PER_HOUR = 3600;
/**
 * Dataflow reports memory in MB (`Service-mem_mb_seconds`) and prices it per GB: machine types'
 * memory is in binary units (n1-standard-1's 3.75 GB is 3840 MB), so a GB is 1024 MB here.
 * (Apache Beam's cost benchmark divides by 1000: 2.4% more memory cost than this.)
 */
const MB_PER_GB = 1024;

const round4 = (usd: number) => Math.round(usd * 1e4) / 1e4;

/** The exact USD parts of a cost, before rounding: sums are made of these, then rounded once. */
export type CostParts = Omit<CostEstimate, 'usd'>;

/**
 * The exact cost parts of `usage` for a job in `location`, FlexRS or batch, at `table`'s
 * prices: time metrics are seconds, priced per hour; shuffle uses the billable GB when
 * Dataflow reported any, else the total processed.
 */
export function costParts(
  usage: ResourceUsage,
  location: string,
  flexrs: boolean,
  table: PriceTable,
): CostParts {
  const { prices } = pricesFor(table, location, flexrs);
  const shuffled = usage.billableShuffleGb > 0 ? usage.billableShuffleGb : usage.shuffleGb;
  return {
    vcpu: (usage.vcpuSeconds / SECONDS_PER_HOUR) * prices.vcpuHour,
    memory: (usage.memoryMbSeconds / MB_PER_GB / SECONDS_PER_HOUR) * prices.memoryGbHour,
    pd: (usage.pdGbSeconds / SECONDS_PER_HOUR) * prices.pdGbHour,
    ssd: (usage.ssdGbSeconds / SECONDS_PER_HOUR) * prices.ssdGbHour,
    shuffle: shuffled * prices.shuffleGb,
    streaming: usage.streamingGb * prices.streamingGb,
  };
}

/** The estimated cost of `usage` for a job in `location`, FlexRS or batch (see costParts). */
export function estimateCost(
  usage: ResourceUsage,
  location: string,
  flexrs: boolean,
  table: PriceTable,
): CostEstimate {
  return sumEstimates([costParts(usage, location, flexrs, table)]);
}

/** Exact cost parts added part by part, then rounded once (4 decimals), with their total. */
export function sumEstimates(parts: readonly CostParts[]): CostEstimate {
  const keys = ['vcpu', 'memory', 'pd', 'ssd', 'shuffle', 'streaming'] as const;
  const sum = { vcpu: 0, memory: 0, pd: 0, ssd: 0, shuffle: 0, streaming: 0 };
  for (const part of parts) for (const key of keys) sum[key] += part[key];
  const usd = keys.reduce((total, key) => total + sum[key], 0);
  return {
    usd: round4(usd),
    vcpu: round4(sum.vcpu),
    memory: round4(sum.memory),
    pd: round4(sum.pd),
    ssd: round4(sum.ssd),
    shuffle: round4(sum.shuffle),
    streaming: round4(sum.streaming),
  };
}

/** The estimated cost of usage totals, each pricing class (region, FlexRS or not) at its prices. */
export function estimateTotals(totals: UsageTotals | undefined, table: PriceTable): CostEstimate {
  return sumEstimates(
    Object.entries(totals ?? {}).map(([key, usage]) => {
      const { location, flexrs } = parseUsageKey(key);
      return costParts(usage, location, flexrs, table);
    }),
  );
}
